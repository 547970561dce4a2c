// The batch layer's columnar executor: one scan of a record batch feeds every
// view of its topic. Strings are interned once per row and column; keys become
// integer tuples found in one open-addressing table per view; each measure keeps
// its state in flat per-group arrays. Finish() completes the pairings (which
// need the whole input) and writes each view's partial state in the codec of
// views/state/partial.ts, so it merges with the speed layer's partials.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch_plan.h"
#include "hll.h"
#include "string_dict.h"

namespace pulse::batch {

struct EngineStats {
  uint64_t rows = 0;
  uint64_t duplicates = 0;
  uint64_t batches = 0;
};

class Engine {
 public:
  // Throws std::invalid_argument when the plan asks for something the engine cannot do.
  explicit Engine(Plan plan);

  // Adds one record batch of `rows` rows; `cols` is aligned with the plan's columns
  // (columns no view reads may be empty views).
  void AddBatch(const std::vector<ColumnView>& cols, int64_t rows);

  // Serialized partial state of each view, in plan order. Call once.
  std::vector<std::vector<uint8_t>> Finish();

  const EngineStats& stats() const { return stats_; }

 private:
  static constexpr int kMaxKeys = 4;
  static constexpr int kMaxFanout = 32;

  struct GroupKey {
    int64_t window;
    uint32_t atom[kMaxKeys];
  };

  struct Pick {
    bool set = false;
    int64_t time = 0;
    std::string id;
    uint8_t tag = 0;  // 0 null, 1 false, 2 true, 3 number, 4 interned string, 5 the event time as text
    double num = 0;
    uint32_t str = 0;
  };

  struct MeasureState {
    std::vector<uint64_t> u;     // count, any, pair count, value count
    std::vector<double> s, c;    // compensated sums
    std::vector<double> lo, hi;  // min/max, pair min/max
    std::vector<Hll> hll;
    std::vector<Pick> pick;
    std::unordered_map<uint64_t, double> per;  // perKey: group << 32 | sub-key id
  };

  struct ViewState {
    std::vector<GroupKey> keys;
    std::vector<int32_t> slots;
    std::vector<MeasureState> measures;
  };

  // What key computation needs of a row: batch rows and stored pair ends alike.
  struct RowCtx {
    uint8_t code;
    int64_t time;
    uint32_t date;
    const uint32_t* atoms;  // per interned column
    const uint32_t* each_begin[kMaxKeys];
    const uint32_t* each_end[kMaxKeys];
  };

  struct PairEnd {
    int64_t time;
    std::string id;
    uint8_t code;
    uint32_t date;
    int32_t next;
    uint32_t atoms_at;
  };
  struct PairEntity {
    bool has_start = false;
    int64_t start_time = 0;
    std::string start_id;
    int32_t ends = -1;
  };
  struct PairingState {
    std::unordered_map<uint64_t, PairEntity> entities;
    std::vector<PairEnd> ends;
    std::vector<uint32_t> atoms;
  };

  uint32_t DateId(int64_t time);
  int32_t GroupOf(ViewState& vs, const GroupKey& key, std::size_t nmeasures, const ViewSpec& spec);
  // Fills `out` with the groups of a row for a view; returns how many.
  int GroupsOf(int v, const RowCtx& row, int32_t* out);
  void UpdateMeasures(int v, int32_t g, const std::vector<ColumnView>& cols, int64_t r, const RowCtx& row);
  bool Passes(const MeasureSpec& m, const std::vector<ColumnView>& cols, int64_t r, const RowCtx& row) const;
  void OfferPairings(const RowCtx& row, std::string_view id);
  void WriteView(int v, std::vector<uint8_t>& out) const;

  Plan plan_;
  StringDict dict_;
  FingerprintSet seen_;
  EngineStats stats_;
  std::vector<int> intern_index_;       // plan column → interned slot, -1
  std::vector<int> interned_;           // interned slot → plan column
  std::vector<int> list_cols_;          // utf8 list columns read by `each` keys
  std::vector<std::vector<int>> each_slot_;  // per view and key: index into list_cols_, -1 when not an each key
  std::vector<ViewState> views_;
  std::vector<PairingState> pairings_;
  std::unordered_map<int64_t, uint32_t> date_ids_;
  int64_t last_day_ = INT64_MIN;
  uint32_t last_date_ = 0;
  // per-batch scratch
  std::vector<std::vector<uint32_t>> ids_;   // interned slot → ids of the batch's rows
  std::vector<std::vector<uint32_t>> list_ids_;
  std::vector<std::vector<uint32_t>> list_bounds_;  // per list column: begin, end per row into list_ids_
};

}  // namespace pulse::batch
