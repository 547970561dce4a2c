#include "batch_engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "civil_time.h"
#include "codec_writer.h"

namespace pulse::batch {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kHourMs = 3'600'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Neumaier's compensated addition, as views/state/measures.ts does it.
inline void KAdd(double& s, double& c, double x) {
  const double t = s + x;
  c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
  s = t;
}

std::string_view Utf8At(const ColumnView& c, int64_t i) {
  const int64_t k = i + c.offset;
  return {reinterpret_cast<const char*>(c.data + c.offsets[k]), static_cast<std::size_t>(c.offsets[k + 1] - c.offsets[k])};
}

bool NumberAt(const std::vector<ColumnView>& cols, const Plan& plan, int col, int64_t r, double& out) {
  if (col < 0) return false;
  const ColumnView& c = cols[col];
  if (!c.IsValid(r)) return false;
  switch (plan.columns[col]) {
    case ColKind::kF64:
      out = c.f64[r + c.offset];
      return true;
    case ColKind::kI64:
    case ColKind::kTimestamp:
      out = static_cast<double>(c.i64[r + c.offset]);
      return true;
    default:
      return false;
  }
}

// JavaScript's string order (UTF-16 code units) equals byte order for the
// ASCII ids Pulse produces; byte order is what is compared here.
bool IdGreater(std::string_view a, std::string_view b) { return a.compare(b) > 0; }

}  // namespace

Engine::Engine(Plan plan) : plan_(std::move(plan)) {
  const int ncols = static_cast<int>(plan_.columns.size());
  intern_index_.assign(ncols, -1);
  auto need_string = [&](int col, const char* what) {
    if (col < 0 || col >= ncols || plan_.columns[col] != ColKind::kUtf8) throw std::invalid_argument(std::string(what) + ": expected a string column");
    if (intern_index_[col] < 0) {
      intern_index_[col] = static_cast<int>(interned_.size());
      interned_.push_back(col);
    }
  };
  if (plan_.types.size() > 64) throw std::invalid_argument("more than 64 event types in one topic");
  if (plan_.type_col < 0 || plan_.time_col < 0 || plan_.id_col < 0) throw std::invalid_argument("the plan must name the event_type, timestamp and event_id columns");
  if (plan_.columns[plan_.time_col] != ColKind::kTimestamp) throw std::invalid_argument("timestamp: expected a timestamp column");
  for (const PairingSpec& p : plan_.pairings) {
    if (p.entity.empty() || p.entity.size() > 2) throw std::invalid_argument("a pairing entity needs one or two fields");
    for (int col : p.entity) need_string(col, "pairing entity");
  }
  for (ViewSpec& v : plan_.views) {
    if (v.keys.size() > kMaxKeys) throw std::invalid_argument(v.name + ": more than 4 key columns");
    if (v.window_size > 0 && (v.window_slide <= 0 || v.window_size % v.window_slide != 0 || v.window_size / v.window_slide > kMaxFanout))
      throw std::invalid_argument(v.name + ": window size must be a small multiple of its slide");
    bool has_each = false, has_pairs = false;
    for (const KeyRef& k : v.keys) {
      if (k.kind == KeyRef::kColumn) need_string(k.col, (v.name + " key").c_str());
      if (k.kind == KeyRef::kByType)
        for (int col : k.by_type)
          if (col >= 0) need_string(col, (v.name + " key").c_str());
      if (k.kind == KeyRef::kEach) {
        if (k.col < 0 || plan_.columns[k.col] != ColKind::kUtf8List) throw std::invalid_argument(v.name + ": each() needs a list of strings");
        if (std::find(list_cols_.begin(), list_cols_.end(), k.col) == list_cols_.end()) list_cols_.push_back(k.col);
        has_each = true;
      }
    }
    for (MeasureSpec& m : v.measures) {
      if (m.kind == MeasureSpec::kPairs) {
        has_pairs = true;
        if (m.pairing < 0 || m.pairing >= static_cast<int>(plan_.pairings.size())) throw std::invalid_argument(v.name + ": unknown pairing");
      }
      if (m.value.kind == ValueRef::kColumn && plan_.columns[m.value.col] == ColKind::kUtf8) need_string(m.value.col, "value");
      if (m.value.kind == ValueRef::kColumn && plan_.columns[m.value.col] == ColKind::kUtf8List) throw std::invalid_argument(v.name + ": a list field is not a measure value");
      if (m.value.kind == ValueRef::kScorePct && (plan_.score_col < 0 || plan_.max_score_col < 0)) throw std::invalid_argument("score_pct needs score and max_score");
      if (m.value.kind == ValueRef::kPositionPct && (plan_.position_col < 0 || plan_.length_col < 0)) throw std::invalid_argument("position_pct needs position_seconds and video_length_seconds");
      if (m.kind == MeasureSpec::kDistinct) {
        const bool text = m.value.kind == ValueRef::kDate || (m.value.kind == ValueRef::kColumn && plan_.columns[m.value.col] == ColKind::kUtf8);
        if (!text) throw std::invalid_argument(v.name + ": distinct() of a non-string value");
      }
      if (m.kind == MeasureSpec::kPerKey) need_string(m.sub_key, "perKey sub-key");
      for (Condition& c : m.where) {
        if (c.tag == Condition::kString) {
          need_string(c.col, "where");
          c.interned = dict_.Intern(reinterpret_cast<const uint8_t*>(c.text.data()), c.text.size());
        }
      }
    }
    if (has_each && has_pairs) throw std::invalid_argument(v.name + ": pairings with each() keys");
  }
  // each view key's slot in list_cols_ (-1 for other kinds), resolved once instead of per row
  each_slot_.resize(plan_.views.size());
  for (std::size_t v = 0; v < plan_.views.size(); ++v) {
    for (const KeyRef& k : plan_.views[v].keys) {
      const auto it = std::find(list_cols_.begin(), list_cols_.end(), k.col);
      each_slot_[v].push_back(k.kind == KeyRef::kEach ? static_cast<int>(it - list_cols_.begin()) : -1);
    }
  }
  views_.resize(plan_.views.size());
  for (std::size_t v = 0; v < views_.size(); ++v) {
    views_[v].slots.assign(1024, -1);
    views_[v].measures.resize(plan_.views[v].measures.size());
  }
  pairings_.resize(plan_.pairings.size());
  ids_.resize(interned_.size());
  list_ids_.resize(list_cols_.size());
  list_bounds_.resize(list_cols_.size());
}

uint32_t Engine::DateId(int64_t time) {
  const int64_t day = FloorDiv(time, kDayMs);
  if (day == last_day_) return last_date_;
  auto it = date_ids_.find(day);
  uint32_t id;
  if (it != date_ids_.end()) {
    id = it->second;
  } else {
    const CivilDate c = CivilFromDays(day);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(c.year), static_cast<long long>(c.month), static_cast<long long>(c.day));
    id = dict_.Intern(reinterpret_cast<const uint8_t*>(buf), 10);
    date_ids_.emplace(day, id);
  }
  last_day_ = day;
  last_date_ = id;
  return id;
}

int32_t Engine::GroupOf(ViewState& vs, const GroupKey& key, std::size_t nmeasures, const ViewSpec& spec) {
  uint64_t h = Mix64(static_cast<uint64_t>(key.window));
  for (int i = 0; i < kMaxKeys; ++i) h = Mix64(h ^ key.atom[i]);
  std::size_t mask = vs.slots.size() - 1;
  std::size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const int32_t g = vs.slots[i];
    if (g < 0) break;
    const GroupKey& k = vs.keys[g];
    if (k.window == key.window && std::memcmp(k.atom, key.atom, sizeof key.atom) == 0) return g;
  }
  const int32_t g = static_cast<int32_t>(vs.keys.size());
  vs.keys.push_back(key);
  vs.slots[i] = g;
  for (std::size_t m = 0; m < nmeasures; ++m) {
    MeasureState& st = vs.measures[m];
    switch (spec.measures[m].kind) {
      case MeasureSpec::kCount:
      case MeasureSpec::kAny:
        st.u.push_back(0);
        break;
      case MeasureSpec::kSum:
      case MeasureSpec::kAvg:
        st.s.push_back(0), st.c.push_back(0), st.u.push_back(0);
        break;
      case MeasureSpec::kMin:
      case MeasureSpec::kMax:
        st.lo.push_back(0), st.u.push_back(0);
        break;
      case MeasureSpec::kDistinct:
        st.hll.emplace_back();
        break;
      case MeasureSpec::kFirst:
      case MeasureSpec::kLast:
        st.pick.emplace_back();
        break;
      case MeasureSpec::kPairs:
        st.u.push_back(0), st.s.push_back(0), st.c.push_back(0);
        st.lo.push_back(std::numeric_limits<double>::infinity());
        st.hi.push_back(-std::numeric_limits<double>::infinity());
        break;
      case MeasureSpec::kPerKey:
        break;
    }
  }
  if (vs.keys.size() * 2 > vs.slots.size()) {
    std::vector<int32_t> next(vs.slots.size() * 2, -1);
    const std::size_t m2 = next.size() - 1;
    for (int32_t gi = 0; gi < static_cast<int32_t>(vs.keys.size()); ++gi) {
      const GroupKey& k = vs.keys[gi];
      uint64_t hh = Mix64(static_cast<uint64_t>(k.window));
      for (int a = 0; a < kMaxKeys; ++a) hh = Mix64(hh ^ k.atom[a]);
      std::size_t j = hh & m2;
      while (next[j] >= 0) j = (j + 1) & m2;
      next[j] = gi;
    }
    vs.slots.swap(next);
  }
  return g;
}

int Engine::GroupsOf(int v, const RowCtx& row, int32_t* out) {
  const ViewSpec& spec = plan_.views[v];
  ViewState& vs = views_[v];
  // candidate atoms per key position
  uint32_t cand[kMaxKeys][kMaxFanout];
  int ncand[kMaxKeys];
  const int nkeys = static_cast<int>(spec.keys.size());
  for (int k = 0; k < nkeys; ++k) {
    const KeyRef& key = spec.keys[k];
    ncand[k] = 1;
    switch (key.kind) {
      case KeyRef::kColumn:
        cand[k][0] = row.atoms[intern_index_[key.col]];
        break;
      case KeyRef::kDate:
        cand[k][0] = row.date;
        break;
      case KeyRef::kHour:
        cand[k][0] = static_cast<uint32_t>(FloorDiv(row.time, kHourMs) - FloorDiv(row.time, kDayMs) * 24);
        break;
      case KeyRef::kByType: {
        const int col = row.code < key.by_type.size() ? key.by_type[row.code] : -1;
        if (col < 0) return 0;
        cand[k][0] = row.atoms[intern_index_[col]];
        break;
      }
      case KeyRef::kEach: {
        // one row per distinct element (a field changed twice is changed once)
        int n = 0;
        for (const uint32_t* p = row.each_begin[k]; p != row.each_end[k]; ++p) {
          bool dup = false;
          for (int j = 0; j < n; ++j) dup |= cand[k][j] == *p;
          if (!dup && n < kMaxFanout) cand[k][n++] = *p;
        }
        if (n == 0) return 0;
        ncand[k] = n;
        break;
      }
    }
  }
  int64_t windows[kMaxFanout];
  int nwin = 1;
  windows[0] = 0;
  if (spec.window_size > 0) {
    const int64_t latest = FloorDiv(row.time, spec.window_slide) * spec.window_slide;
    nwin = 0;
    for (int64_t s = latest - spec.window_size + spec.window_slide; s <= latest; s += spec.window_slide)
      if (row.time < s + spec.window_size) windows[nwin++] = s;
  }
  int count = 0;
  int idx[kMaxKeys] = {0, 0, 0, 0};
  for (int w = 0; w < nwin; ++w) {
    for (;;) {
      GroupKey key{};
      key.window = spec.window_size > 0 ? windows[w] : INT64_MIN;
      for (int k = 0; k < nkeys; ++k) key.atom[k] = cand[k][idx[k]];
      out[count++] = GroupOf(vs, key, spec.measures.size(), spec);
      int k = nkeys - 1;
      while (k >= 0 && ++idx[k] == ncand[k]) idx[k--] = 0;
      if (k < 0) break;
    }
  }
  return count;
}

bool Engine::Passes(const MeasureSpec& m, const std::vector<ColumnView>& cols, int64_t r, const RowCtx& row) const {
  if (!((m.types >> row.code) & 1)) return false;
  for (const Condition& c : m.where) {
    switch (c.tag) {
      case Condition::kString:
        if (row.atoms[intern_index_[c.col]] != c.interned) return false;
        break;
      case Condition::kNumber: {
        double x;
        if (!NumberAt(cols, plan_, c.col, r, x) || x != c.number) return false;
        break;
      }
      case Condition::kBool: {
        const ColumnView& cv = cols[c.col];
        if (plan_.columns[c.col] != ColKind::kBool || !cv.IsValid(r)) return false;
        const int64_t k = r + cv.offset;
        if ((((cv.data[k >> 3] >> (k & 7)) & 1) != 0) != c.flag) return false;
        break;
      }
    }
  }
  return true;
}

void Engine::UpdateMeasures(int v, int32_t g, const std::vector<ColumnView>& cols, int64_t r, const RowCtx& row) {
  const ViewSpec& spec = plan_.views[v];
  ViewState& vs = views_[v];
  for (std::size_t i = 0; i < spec.measures.size(); ++i) {
    const MeasureSpec& m = spec.measures[i];
    if (m.kind == MeasureSpec::kPairs || !Passes(m, cols, r, row)) continue;
    MeasureState& st = vs.measures[i];
    // the value, as a number when it is one
    double x = 0;
    bool num = false;
    switch (m.value.kind) {
      case ValueRef::kColumn:
        num = NumberAt(cols, plan_, m.value.col, r, x);
        break;
      case ValueRef::kScorePct: {
        double a, b;
        num = NumberAt(cols, plan_, plan_.score_col, r, a) && NumberAt(cols, plan_, plan_.max_score_col, r, b);
        if (num) x = 100 * a / b;
        break;
      }
      case ValueRef::kPositionPct: {
        double a, b;
        num = NumberAt(cols, plan_, plan_.position_col, r, a) && NumberAt(cols, plan_, plan_.length_col, r, b);
        if (num) x = 100 * a / b;
        break;
      }
      case ValueRef::kHour:
        num = true;
        x = static_cast<double>(FloorDiv(row.time, kHourMs) - FloorDiv(row.time, kDayMs) * 24);
        break;
      default:
        break;
    }
    switch (m.kind) {
      case MeasureSpec::kCount:
        st.u[g]++;
        break;
      case MeasureSpec::kAny:
        st.u[g] = 1;
        break;
      case MeasureSpec::kSum:
      case MeasureSpec::kAvg:
        if (num) KAdd(st.s[g], st.c[g], x), st.u[g]++;
        break;
      case MeasureSpec::kMin:
      case MeasureSpec::kMax:
        if (num && !std::isnan(x)) {
          if (st.u[g] == 0) st.lo[g] = x, st.u[g] = 1;
          else st.lo[g] = m.kind == MeasureSpec::kMin ? std::min(st.lo[g], x) : std::max(st.lo[g], x);
        }
        break;
      case MeasureSpec::kDistinct: {
        const uint32_t id = m.value.kind == ValueRef::kDate ? row.date : row.atoms[intern_index_[m.value.col]];
        if (id != 0) st.hll[g].AddHash(dict_.SketchHash(id));
        break;
      }
      case MeasureSpec::kFirst:
      case MeasureSpec::kLast: {
        Pick& p = st.pick[g];
        const bool latest = m.kind == MeasureSpec::kLast;
        if (p.set && (latest ? row.time < p.time : row.time > p.time)) break;
        const std::string_view id = Utf8At(cols[plan_.id_col], r);
        if (p.set && row.time == p.time && !IdGreater(id, p.id)) break;
        p.set = true;
        p.time = row.time;
        p.id.assign(id.data(), id.size());
        p.num = x;
        p.tag = 0;
        if (m.value.kind == ValueRef::kTime) p.tag = 5;
        else if (m.value.kind == ValueRef::kDate) p.tag = 4, p.str = row.date;
        else if (m.value.kind == ValueRef::kColumn && plan_.columns[m.value.col] == ColKind::kUtf8) {
          p.str = row.atoms[intern_index_[m.value.col]];
          p.tag = p.str == 0 ? 0 : 4;
        } else if (m.value.kind == ValueRef::kColumn && plan_.columns[m.value.col] == ColKind::kBool) {
          const ColumnView& cv = cols[m.value.col];
          if (cv.IsValid(r)) {
            const int64_t k = r + cv.offset;
            p.tag = ((cv.data[k >> 3] >> (k & 7)) & 1) ? 2 : 1;
          }
        } else if (num) {
          p.tag = 3;
        }
        break;
      }
      case MeasureSpec::kPerKey: {
        if (!num) break;
        const uint32_t sub = row.atoms[intern_index_[m.sub_key]];
        const uint64_t k = (static_cast<uint64_t>(g) << 32) | sub;
        auto [it, fresh] = st.per.try_emplace(k, x);
        if (!fresh) it->second = m.inner == 0 ? std::max(it->second, x) : m.inner == 1 ? std::min(it->second, x) : it->second + x;
        break;
      }
      case MeasureSpec::kPairs:
        break;
    }
  }
}

void Engine::OfferPairings(const RowCtx& row, std::string_view id) {
  for (std::size_t p = 0; p < plan_.pairings.size(); ++p) {
    const PairingSpec& spec = plan_.pairings[p];
    const bool is_start = (spec.start >> row.code) & 1;
    const bool is_end = (spec.end >> row.code) & 1;
    if (!is_start && !is_end) continue;
    uint64_t key = row.atoms[intern_index_[spec.entity[0]]];
    if (spec.entity.size() > 1) key = (key << 32) | row.atoms[intern_index_[spec.entity[1]]];
    PairingState& ps = pairings_[p];
    PairEntity& ent = ps.entities[key];
    if (is_start && (!ent.has_start || row.time < ent.start_time || (row.time == ent.start_time && id < std::string_view(ent.start_id)))) {
      ent.has_start = true;
      ent.start_time = row.time;
      ent.start_id.assign(id.data(), id.size());
    }
    if (is_end) {
      PairEnd e{row.time, std::string(id), row.code, row.date, ent.ends, static_cast<uint32_t>(ps.atoms.size())};
      ps.atoms.insert(ps.atoms.end(), row.atoms, row.atoms + interned_.size());
      ent.ends = static_cast<int32_t>(ps.ends.size());
      ps.ends.push_back(std::move(e));
    }
  }
}

void Engine::AddBatch(const std::vector<ColumnView>& cols, int64_t rows) {
  if (cols.size() != plan_.columns.size()) throw std::invalid_argument("column count differs from the plan");
  stats_.batches++;
  // intern the string columns any view reads
  for (std::size_t k = 0; k < interned_.size(); ++k) {
    const ColumnView& c = cols[interned_[k]];
    if (c.offsets == nullptr || c.data == nullptr) throw std::invalid_argument("a string column the plan reads is missing");
    std::vector<uint32_t>& out = ids_[k];
    out.resize(rows);
    for (int64_t r = 0; r < rows; ++r) {
      if (!c.IsValid(r)) {
        out[r] = 0;
        continue;
      }
      const int64_t i = r + c.offset;
      out[r] = dict_.Intern(c.data + c.offsets[i], static_cast<std::size_t>(c.offsets[i + 1] - c.offsets[i]));
    }
  }
  for (std::size_t k = 0; k < list_cols_.size(); ++k) {
    const ColumnView& c = cols[list_cols_[k]];
    if (c.offsets == nullptr || c.child_offsets == nullptr) throw std::invalid_argument("a list column the plan reads is missing");
    std::vector<uint32_t>& ids = list_ids_[k];
    std::vector<uint32_t>& bounds = list_bounds_[k];
    ids.clear();
    bounds.resize(2 * rows);
    for (int64_t r = 0; r < rows; ++r) {
      bounds[2 * r] = static_cast<uint32_t>(ids.size());
      if (c.IsValid(r)) {
        for (int32_t e = c.offsets[r + c.offset]; e < c.offsets[r + c.offset + 1]; ++e) {
          const int64_t j = e + c.child_offset;
          ids.push_back(dict_.Intern(c.child_data + c.child_offsets[j], static_cast<std::size_t>(c.child_offsets[j + 1] - c.child_offsets[j])));
        }
      }
      bounds[2 * r + 1] = static_cast<uint32_t>(ids.size());
    }
  }
  const ColumnView& types = cols[plan_.type_col];
  const ColumnView& times = cols[plan_.time_col];
  const ColumnView& ids = cols[plan_.id_col];
  const std::size_t ninterned = interned_.size();
  uint32_t atoms[64];
  if (ninterned > 64) throw std::invalid_argument("more than 64 string columns");
  int32_t groups[kMaxFanout * kMaxFanout];
  for (int64_t r = 0; r < rows; ++r) {
    const std::string_view id = Utf8At(ids, r);
    const uint8_t* ib = reinterpret_cast<const uint8_t*>(id.data());
    const Hash64 h1 = HashBytes(ib, id.size());
    if (!seen_.Insert((uint64_t(h1.hi) << 32) | h1.lo, FastHash(ib, id.size()))) {
      stats_.duplicates++;
      continue;
    }
    stats_.rows++;
    const std::string_view type = Utf8At(types, r);
    int code = -1;
    for (std::size_t t = 0; t < plan_.types.size(); ++t)
      if (plan_.types[t] == type) {
        code = static_cast<int>(t);
        break;
      }
    if (code < 0) continue;  // not an event type of this topic: the validator let nothing like it in
    for (std::size_t k = 0; k < ninterned; ++k) atoms[k] = ids_[k][r];
    RowCtx row{static_cast<uint8_t>(code), times.i64[r + times.offset], 0, atoms, {}, {}};
    row.date = DateId(row.time);
    if (row.time < plan_.since) {
      if (!plan_.pairings.empty()) OfferPairings(row, id);
      continue;
    }
    for (std::size_t v = 0; v < plan_.views.size(); ++v) {
      const ViewSpec& spec = plan_.views[v];
      if (!((spec.types >> code) & 1)) continue;
      for (std::size_t k = 0; k < spec.keys.size(); ++k) {
        const int li = each_slot_[v][k];
        if (li < 0) continue;
        row.each_begin[k] = list_ids_[li].data() + list_bounds_[li][2 * r];
        row.each_end[k] = list_ids_[li].data() + list_bounds_[li][2 * r + 1];
      }
      const int n = GroupsOf(static_cast<int>(v), row, groups);
      for (int i = 0; i < n; ++i) UpdateMeasures(static_cast<int>(v), groups[i], cols, r, row);
    }
    if (!plan_.pairings.empty()) OfferPairings(row, id);
  }
}

std::vector<std::vector<uint8_t>> Engine::Finish() {
  // pairings: each entity's earliest start and its first strictly later end
  int32_t groups[kMaxFanout * kMaxFanout];
  for (std::size_t p = 0; p < pairings_.size(); ++p) {
    PairingState& ps = pairings_[p];
    for (auto& [key, ent] : ps.entities) {
      if (!ent.has_start) continue;
      const PairEnd* best = nullptr;
      for (int32_t e = ent.ends; e >= 0; e = ps.ends[e].next) {
        const PairEnd& cand = ps.ends[e];
        if (cand.time <= ent.start_time) continue;
        if (best == nullptr || cand.time < best->time || (cand.time == best->time && cand.id < best->id)) best = &cand;
      }
      if (best == nullptr || best->time < plan_.since) continue;
      const double seconds = static_cast<double>(best->time - ent.start_time) / 1000.0;
      RowCtx row{best->code, best->time, best->date, ps.atoms.data() + best->atoms_at, {}, {}};
      for (std::size_t v = 0; v < plan_.views.size(); ++v) {
        const ViewSpec& spec = plan_.views[v];
        bool uses = false;
        for (const MeasureSpec& m : spec.measures) uses |= m.kind == MeasureSpec::kPairs && m.pairing == static_cast<int>(p);
        if (!uses || !((spec.types >> row.code) & 1)) continue;
        const int n = GroupsOf(static_cast<int>(v), row, groups);
        for (int i = 0; i < n; ++i) {
          for (std::size_t mi = 0; mi < spec.measures.size(); ++mi) {
            const MeasureSpec& m = spec.measures[mi];
            if (m.kind != MeasureSpec::kPairs || m.pairing != static_cast<int>(p)) continue;
            MeasureState& st = views_[v].measures[mi];
            const int32_t g = groups[i];
            st.u[g]++;
            KAdd(st.s[g], st.c[g], seconds);
            st.lo[g] = std::min(st.lo[g], seconds);
            st.hi[g] = std::max(st.hi[g], seconds);
          }
        }
      }
    }
  }
  std::vector<std::vector<uint8_t>> out(plan_.views.size());
  for (std::size_t v = 0; v < plan_.views.size(); ++v) WriteView(static_cast<int>(v), out[v]);
  return out;
}

void Engine::WriteView(int v, std::vector<uint8_t>& buf) const {
  const ViewSpec& spec = plan_.views[v];
  const ViewState& vs = views_[v];
  CodecWriter w(buf);
  w.U8(1).String(spec.name).Varint(vs.keys.size());
  // perKey states, gathered per group
  std::vector<std::vector<std::pair<std::string_view, double>>> per(spec.measures.size());
  std::vector<std::vector<uint32_t>> per_start(spec.measures.size());
  for (std::size_t i = 0; i < spec.measures.size(); ++i) {
    if (spec.measures[i].kind != MeasureSpec::kPerKey) continue;
    std::vector<std::pair<uint64_t, double>> items(vs.measures[i].per.begin(), vs.measures[i].per.end());
    std::sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
      if ((a.first >> 32) != (b.first >> 32)) return (a.first >> 32) < (b.first >> 32);
      return dict_.View(static_cast<uint32_t>(a.first)) < dict_.View(static_cast<uint32_t>(b.first));
    });
    per_start[i].assign(vs.keys.size() + 1, 0);
    for (const auto& it : items) per_start[i][(it.first >> 32) + 1]++;
    for (std::size_t g = 0; g < vs.keys.size(); ++g) per_start[i][g + 1] += per_start[i][g];
    for (const auto& it : items) per[i].push_back({dict_.View(static_cast<uint32_t>(it.first)), it.second});
  }
  std::vector<uint8_t> sketch;
  for (std::size_t g = 0; g < vs.keys.size(); ++g) {
    const GroupKey& key = vs.keys[g];
    if (spec.window_size > 0) w.U8(1).F64(static_cast<double>(key.window));
    else w.U8(0);
    w.Varint(spec.keys.size());
    for (std::size_t k = 0; k < spec.keys.size(); ++k) {
      if (spec.keys[k].kind == KeyRef::kHour) w.U8(3).F64(key.atom[k]);
      else if (key.atom[k] == 0) w.U8(0);
      else w.U8(4).String(dict_.View(key.atom[k]));
    }
    for (std::size_t i = 0; i < spec.measures.size(); ++i) {
      const MeasureState& st = vs.measures[i];
      switch (spec.measures[i].kind) {
        case MeasureSpec::kCount:
          w.Varint(st.u[g]);
          break;
        case MeasureSpec::kAny:
          w.U8(st.u[g] ? 1 : 0);
          break;
        case MeasureSpec::kSum:
        case MeasureSpec::kAvg:
          w.F64(st.s[g]).F64(st.c[g]).Varint(st.u[g]);
          break;
        case MeasureSpec::kMin:
        case MeasureSpec::kMax:
          if (st.u[g] == 0) w.U8(0);
          else w.U8(3).F64(st.lo[g]);
          break;
        case MeasureSpec::kDistinct:
          st.hll[g].Serialize(sketch);
          w.Bytes(sketch.data(), sketch.size());
          break;
        case MeasureSpec::kFirst:
        case MeasureSpec::kLast: {
          const Pick& p = st.pick[g];
          if (!p.set) {
            w.U8(0);
            break;
          }
          w.U8(1).F64(static_cast<double>(p.time)).String(p.id);
          switch (p.tag) {
            case 0: w.U8(0); break;
            case 1: w.U8(1); break;
            case 2: w.U8(2); break;
            case 3: w.U8(3).F64(p.num); break;
            case 4: w.U8(4).String(dict_.View(p.str)); break;
            default: w.U8(4).Instant(p.time); break;
          }
          break;
        }
        case MeasureSpec::kPairs:
          w.Varint(st.u[g]).F64(st.s[g]).F64(st.c[g]).F64(st.lo[g]).F64(st.hi[g]);
          break;
        case MeasureSpec::kPerKey: {
          const uint32_t from = per_start[i][g], to = per_start[i][g + 1];
          w.Varint(to - from);
          for (uint32_t j = from; j < to; ++j) w.String(per[i][j].first).F64(per[i][j].second);
          break;
        }
      }
    }
  }
}

}  // namespace pulse::batch
