#include "event_scan.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <system_error>
#include <utility>

namespace pulse::scan {
namespace {

using Ptr = const uint8_t*;

constexpr int kMaxDepth = 32;

inline bool IsSpace(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }

inline Ptr SkipSpace(Ptr p, Ptr e) {
  while (p < e && IsSpace(*p)) ++p;
  return p;
}

// From just past an opening quote to its closing quote, for strings the fast
// path keeps: ASCII without escapes or control characters (nullptr otherwise).
inline Ptr PlainStringEnd(Ptr p, Ptr e) {
  for (; p < e; ++p) {
    const uint8_t c = *p;
    if (c == '"') return p;
    if (c == '\\' || c < 0x20 || c >= 0x80) return nullptr;
  }
  return nullptr;
}

// The end of a JSON number (RFC 8259 grammar) starting at p, or nullptr.
Ptr NumberEnd(Ptr p, Ptr e) {
  if (p < e && *p == '-') ++p;
  if (p >= e) return nullptr;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    while (p < e && IsDigit(*p)) ++p;
  } else {
    return nullptr;
  }
  if (p < e && *p == '.') {
    Ptr digits = ++p;
    while (p < e && IsDigit(*p)) ++p;
    if (p == digits) return nullptr;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < e && (*p == '+' || *p == '-')) ++p;
    Ptr digits = p;
    while (p < e && IsDigit(*p)) ++p;
    if (p == digits) return nullptr;
  }
  return p;
}

inline Ptr Literal(Ptr p, Ptr e, const char* word, std::size_t n) {
  return static_cast<std::size_t>(e - p) >= n && std::memcmp(p, word, n) == 0 ? p + n : nullptr;
}

// Past any JSON value the fast path can read (a field outside the contract), or nullptr.
Ptr SkipValue(Ptr p, Ptr e, int depth) {
  if (p >= e) return nullptr;
  switch (*p) {
    case '"': {
      Ptr q = PlainStringEnd(p + 1, e);
      return q == nullptr ? nullptr : q + 1;
    }
    case 't':
      return Literal(p, e, "true", 4);
    case 'f':
      return Literal(p, e, "false", 5);
    case 'n':
      return Literal(p, e, "null", 4);
    case '[': {
      if (depth >= kMaxDepth) return nullptr;
      p = SkipSpace(p + 1, e);
      if (p < e && *p == ']') return p + 1;
      for (;;) {
        p = SkipValue(p, e, depth + 1);
        if (p == nullptr) return nullptr;
        p = SkipSpace(p, e);
        if (p >= e) return nullptr;
        if (*p == ']') return p + 1;
        if (*p != ',') return nullptr;
        p = SkipSpace(p + 1, e);
      }
    }
    case '{': {
      if (depth >= kMaxDepth) return nullptr;
      p = SkipSpace(p + 1, e);
      if (p < e && *p == '}') return p + 1;
      for (;;) {
        if (p >= e || *p != '"') return nullptr;
        Ptr q = PlainStringEnd(p + 1, e);
        if (q == nullptr) return nullptr;
        p = SkipSpace(q + 1, e);
        if (p >= e || *p != ':') return nullptr;
        p = SkipValue(SkipSpace(p + 1, e), e, depth + 1);
        if (p == nullptr) return nullptr;
        p = SkipSpace(p, e);
        if (p >= e) return nullptr;
        if (*p == '}') return p + 1;
        if (*p != ',') return nullptr;
        p = SkipSpace(p + 1, e);
      }
    }
    default:
      return NumberEnd(p, e);
  }
}

// Days from 1970-01-01 to a proleptic Gregorian date (time.ts daysFromCivil, floor division throughout).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  const int64_t y = month <= 2 ? year - 1 : year;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

double ParseInstant(const uint8_t* s, std::size_t n) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  static constexpr int kDigitAt[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
  if (n < 20 || n > 24 || s[n - 1] != 'Z') return kNaN;
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return kNaN;
  for (int at : kDigitAt)
    if (!IsDigit(s[at])) return kNaN;
  auto two = [s](int i) { return int64_t(s[i] - '0') * 10 + (s[i + 1] - '0'); };
  const int64_t year = two(0) * 100 + two(2), month = two(5), day = two(8);
  const int64_t hour = two(11), minute = two(14), second = two(17);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return kNaN;
  const bool leap = month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day > kDaysInMonth[month - 1] + (leap ? 1 : 0)) return kNaN;
  int64_t ms = 0;
  if (n > 20) {
    if (s[19] != '.' || n == 21) return kNaN;
    int64_t scale = 100;
    for (std::size_t i = 20; i < n - 1; ++i, scale /= 10) {
      if (!IsDigit(s[i])) return kNaN;
      ms += (s[i] - '0') * scale;
    }
  }
  return static_cast<double>(DaysFromCivil(year, month, day) * 86400000 + ((hour * 60 + minute) * 60 + second) * 1000 + ms);
}

EventScanner::EventScanner(std::vector<TopicFields> topics) {
  for (TopicFields& f : topics) {
    Topic t;
    t.fields = std::move(f);
    std::size_t size = 16;
    while (size < t.fields.names.size() * 4) size *= 2;
    t.slots.assign(size, 0);
    for (std::size_t i = 0; i < t.fields.names.size(); ++i) {
      const std::string& name = t.fields.names[i];
      const uint64_t h = batch::FastHash(reinterpret_cast<const uint8_t*>(name.data()), name.size());
      t.hashes.push_back(h);
      std::size_t at = h & (size - 1);
      while (t.slots[at] != 0) at = (at + 1) & (size - 1);
      t.slots[at] = static_cast<int32_t>(i + 1);
    }
    topics_.push_back(std::move(t));
  }
}

int EventScanner::FieldOf(const Topic& t, const uint8_t* p, std::size_t n) const {
  const uint64_t h = batch::FastHash(p, n);
  const std::size_t mask = t.slots.size() - 1;
  for (std::size_t at = h & mask;; at = (at + 1) & mask) {
    const int32_t slot = t.slots[at];
    if (slot == 0) return -1;
    const std::string& name = t.fields.names[slot - 1];
    if (t.hashes[slot - 1] == h && name.size() == n && std::memcmp(name.data(), p, n) == 0) return slot - 1;
  }
}

bool EventScanner::ScanRecord(const Topic& t, const uint8_t* base, std::size_t start, std::size_t end, uint8_t* tags,
                              double* nums, uint32_t* lens, double* time) {
  std::memset(tags, kAbsent, t.fields.names.size());
  Ptr p = SkipSpace(base + start, base + end);
  Ptr e = base + end;
  if (p >= e || *p != '{') return false;
  p = SkipSpace(p + 1, e);
  if (p < e && *p == '}') {
    ++p;
  } else {
    for (;;) {
      if (p >= e || *p != '"') return false;
      Ptr name_end = PlainStringEnd(p + 1, e);
      if (name_end == nullptr) return false;
      const int f = FieldOf(t, p + 1, static_cast<std::size_t>(name_end - (p + 1)));
      p = SkipSpace(name_end + 1, e);
      if (p >= e || *p != ':') return false;
      p = SkipSpace(p + 1, e);
      if (p >= e) return false;
      if (f < 0) {
        p = SkipValue(p, e, 0);
        if (p == nullptr) return false;
      } else {
        // a repeated field: JSON.parse keeps the last one; the JavaScript path reads it so
        if (tags[f] != kAbsent) return false;
        const uint8_t c = *p;
        if (c == '"') {
          Ptr s = p + 1;
          Ptr q = PlainStringEnd(s, e);
          if (q == nullptr) return false;
          const std::size_t n = static_cast<std::size_t>(q - s);
          if (t.fields.span[f]) {
            tags[f] = kSpan;
            nums[f] = static_cast<double>(s - base);
            lens[f] = static_cast<uint32_t>(n);
          } else {
            tags[f] = kInterned;
            nums[f] = dict_.Intern(s, n);
          }
          p = q + 1;
        } else if (c == 't' || c == 'f' || c == 'n') {
          Ptr q = c == 't' ? Literal(p, e, "true", 4) : c == 'f' ? Literal(p, e, "false", 5) : Literal(p, e, "null", 4);
          if (q == nullptr) return false;
          tags[f] = c == 't' ? kTrue : c == 'f' ? kFalse : kNull;
          p = q;
        } else if (c == '-' || IsDigit(c)) {
          Ptr q = NumberEnd(p, e);
          if (q == nullptr) return false;
          double v = 0;
          const auto r = std::from_chars(reinterpret_cast<const char*>(p), reinterpret_cast<const char*>(q), v);
          // out of range: JSON.parse makes ±Infinity or 0 of it; the JavaScript path decides
          if (r.ec != std::errc() || r.ptr != reinterpret_cast<const char*>(q)) return false;
          tags[f] = kNumber;
          nums[f] = v;
          p = q;
        } else {
          // an object or array (a list field), or not JSON
          return false;
        }
      }
      p = SkipSpace(p, e);
      if (p >= e) return false;
      if (*p == '}') {
        ++p;
        break;
      }
      if (*p != ',') return false;
      p = SkipSpace(p + 1, e);
    }
  }
  if (SkipSpace(p, e) != e) return false;
  const int ts = t.fields.timestamp;
  if (ts >= 0) {
    if (tags[ts] != kSpan) return false;
    *time = ParseInstant(base + static_cast<std::size_t>(nums[ts]), lens[ts]);
    if (*time != *time) return false;
  }
  return true;
}

void EventScanner::Scan(int topic, const uint8_t* data, const uint32_t* ends, uint32_t from, uint32_t to, const ScanOut& out) {
  const Topic& t = topics_[topic];
  const std::size_t fields = t.fields.names.size();
  for (uint32_t r = from; r < to; ++r) {
    const std::size_t i = r - from;
    const std::size_t start = r == 0 ? 0 : ends[r - 1];
    const bool ok = ScanRecord(t, data, start, ends[r], out.tags + i * fields, out.nums + i * fields, out.lens + i * fields, out.times + i);
    out.status[i] = ok ? kScanned : kFallback;
  }
}

}  // namespace pulse::scan
