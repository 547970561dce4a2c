// A topic's views compiled for the columnar batch engine. TypeScript builds the
// plan from the `views/` definitions (src/batch/plan.ts); the engine executes it
// over Arrow-layout columns. Column indices refer to the plan's column list.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pulse::batch {

enum class ColKind : uint8_t { kUtf8, kF64, kI64, kBool, kTimestamp, kUtf8List };

// Where an event-derived value comes from.
struct ValueRef {
  enum Kind : uint8_t { kNone, kColumn, kScorePct, kPositionPct, kTime, kDate, kHour } kind = kNone;
  int col = -1;
};

// One key column of a view.
struct KeyRef {
  enum Kind : uint8_t { kColumn, kDate, kHour, kEach, kByType } kind = kColumn;
  int col = -1;
  std::vector<int> by_type;  // kByType: column per event-type code, -1 when the type has none
};

// field == value, for measure filters with `where`.
struct Condition {
  int col = -1;
  enum Tag : uint8_t { kString, kNumber, kBool } tag = kString;
  std::string text;
  double number = 0;
  bool flag = false;
  uint32_t interned = 0;  // kString: the text's id in the engine's dictionary
};

struct MeasureSpec {
  enum Kind : uint8_t { kCount, kSum, kAvg, kMin, kMax, kDistinct, kFirst, kLast, kAny, kPairs, kPerKey } kind = kCount;
  uint64_t types = ~0ull;  // bit per event-type code
  std::vector<Condition> where;
  ValueRef value;
  int pairing = -1;    // kPairs: index into Plan::pairings
  int sub_key = -1;    // kPerKey: column of the sub-key
  uint8_t inner = 0;   // kPerKey: 0 max, 1 min, 2 sum
};

struct ViewSpec {
  std::string name;
  int64_t window_size = 0;  // ms; 0 = no window
  int64_t window_slide = 0;
  uint64_t types = ~0ull;
  std::vector<KeyRef> keys;
  std::vector<MeasureSpec> measures;
};

// Pairing of a view: start/end masks already narrowed to the view's types.
struct PairingSpec {
  std::vector<int> entity;  // string columns
  uint64_t start = 0;
  uint64_t end = 0;
};

struct Plan {
  std::vector<ColKind> columns;
  std::vector<std::string> types;  // event-type code → name
  int type_col = -1;
  int time_col = -1;
  int id_col = -1;
  // Inputs of score_pct / position_pct, -1 when no view reads them.
  int score_col = -1, max_score_col = -1, position_col = -1, length_col = -1;
  std::vector<ViewSpec> views;
  std::vector<PairingSpec> pairings;
  // Rows before `since` (ms) still dedupe and open pairings but feed no view,
  // and a pair counts only when it ends at or after it: the state of the events
  // from `since` on, as the speed layer holds it past its cutoff.
  int64_t since = INT64_MIN;
};

// One record batch's column, read in place (Arrow layout; `offset` is the
// array's slot offset into its buffers, validity bitmap included).
struct ColumnView {
  const uint8_t* valid = nullptr;  // null: no nulls
  int64_t offset = 0;
  const int32_t* offsets = nullptr;  // utf8 and list offsets
  const uint8_t* data = nullptr;     // utf8 bytes, bool bitmap
  const double* f64 = nullptr;
  const int64_t* i64 = nullptr;      // int64 and timestamp (ms)
  // utf8 list: the child strings
  const int32_t* child_offsets = nullptr;
  const uint8_t* child_data = nullptr;
  int64_t child_offset = 0;

  bool IsValid(int64_t i) const {
    if (valid == nullptr) return true;
    const int64_t k = i + offset;
    return (valid[k >> 3] >> (k & 7)) & 1;
  }
};

}  // namespace pulse::batch
