// The primitives of views/state/codec.ts, written in C++: varint (LEB128), f64
// little-endian, length-prefixed strings and bytes. Partials written with these
// are read by the TypeScript codec unchanged.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "civil_time.h"

namespace pulse::batch {

class CodecWriter {
 public:
  explicit CodecWriter(std::vector<uint8_t>& out) : out_(out) {}

  CodecWriter& U8(uint8_t v) {
    out_.push_back(v);
    return *this;
  }
  CodecWriter& Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<uint8_t>(v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  CodecWriter& F64(double v) {
    uint8_t b[8];
    std::memcpy(b, &v, 8);  // x86-64 and arm64 are little-endian, as the codec is
    out_.insert(out_.end(), b, b + 8);
    return *this;
  }
  CodecWriter& Bytes(const uint8_t* p, std::size_t n) {
    Varint(n);
    out_.insert(out_.end(), p, p + n);
    return *this;
  }
  CodecWriter& String(std::string_view s) { return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

  // An epoch-ms instant as `YYYY-MM-DDTHH:MM:SS.mmmZ` (src/events/time.ts formatInstant).
  CodecWriter& Instant(int64_t ms) {
    const int64_t day_ms = 86'400'000;
    int64_t day = ms / day_ms, rem = ms % day_ms;
    if (rem < 0) rem += day_ms, day -= 1;
    const CivilDate c = CivilFromDays(day);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(c.year),
                                static_cast<long long>(c.month), static_cast<long long>(c.day), static_cast<long long>(rem / 3'600'000),
                                static_cast<long long>(rem / 60'000 % 60), static_cast<long long>(rem / 1000 % 60),
                                static_cast<long long>(rem % 1000));
    return String(std::string_view(buf, static_cast<std::size_t>(n)));
  }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace pulse::batch
