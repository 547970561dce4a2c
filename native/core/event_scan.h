// The speed layer's record scanner: reads a batch of JSON event records straight
// from the bytes the worker received and lays each record's contract fields out
// in flat arrays (a tag and a number per field), strings interned to ids. It is
// a fast path, not a second validator: a record it cannot read with certainty
// (escapes, non-ASCII bytes, compound values in contract fields, duplicate
// fields, numbers out of range, anything that is not well-formed JSON, a
// timestamp it cannot parse) is marked for the JavaScript path, which parses
// it with JSON.parse and explains what is wrong with it. So the scanner never
// decides that a record is invalid, and never has to word why.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "string_dict.h"

namespace pulse::scan {

// What a field held; the matching number is in `nums` (see Tag).
enum Tag : uint8_t {
  kAbsent = 0,
  kNull = 1,
  kFalse = 2,
  kTrue = 3,
  kNumber = 4,    // nums: the value
  kInterned = 5,  // nums: the dictionary id
  kSpan = 6,      // nums: start within the batch's bytes, lens: byte length
};

// A record's outcome.
enum Status : uint8_t { kScanned = 0, kFallback = 1 };

struct TopicFields {
  std::vector<std::string> names;
  // fields kept as spans of the record (unique per event: interning them would only grow the dictionary)
  std::vector<bool> span;
  // the field parsed as an ISO-8601 instant into `times` (-1: none)
  int timestamp = -1;
};

// Output arrays for records [from, to): field f of record r at (r - from) * fields + f.
struct ScanOut {
  uint8_t* tags;
  double* nums;
  uint32_t* lens;
  uint8_t* status;
  double* times;
};

class EventScanner {
 public:
  explicit EventScanner(std::vector<TopicFields> topics);

  std::size_t fields(int topic) const { return topics_[topic].fields.names.size(); }
  std::size_t topics() const { return topics_.size(); }

  // Scans the records [from, to) of a batch (`ends[i]`: end of record i in `data`).
  void Scan(int topic, const uint8_t* data, const uint32_t* ends, uint32_t from, uint32_t to, const ScanOut& out);

  // Interned strings: ids 1..size().
  std::size_t size() const { return dict_.size(); }
  std::string_view Text(uint32_t id) const { return dict_.View(id); }
  void Reset() { dict_ = batch::StringDict(); }

 private:
  struct Topic {
    TopicFields fields;
    // open addressing over field-name hashes: index + 1, 0 for empty
    std::vector<int32_t> slots;
    std::vector<uint64_t> hashes;
  };

  int FieldOf(const Topic& t, const uint8_t* p, std::size_t n) const;
  bool ScanRecord(const Topic& t, const uint8_t* base, std::size_t start, std::size_t end, uint8_t* tags, double* nums,
                  uint32_t* lens, double* time);

  std::vector<Topic> topics_;
  batch::StringDict dict_;
};

// Epoch ms of a strict `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z`, or NaN (src/events/time.ts parseInstant).
double ParseInstant(const uint8_t* s, std::size_t n);

}  // namespace pulse::scan
