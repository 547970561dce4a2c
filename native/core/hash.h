// 64-bit hash for distinct-count sketches: MurmurHash3 x86_128, seed 0, first
// two 32-bit words (h1 = hi, h2 = lo). Matches views/state/hash.ts bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

namespace pulse {

struct Hash64 {
  uint32_t hi;
  uint32_t lo;
};

Hash64 HashBytes(const uint8_t* data, std::size_t len);

}  // namespace pulse
