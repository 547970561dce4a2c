#include "hash.h"

#include <cstring>

namespace pulse {
namespace {

constexpr uint32_t kC1 = 0x239b961b;
constexpr uint32_t kC2 = 0xab0e9789;
constexpr uint32_t kC3 = 0x38b34ae5;
constexpr uint32_t kC4 = 0xa1e38b93;

inline uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

inline uint32_t Fmix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

inline uint32_t Word(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Up to 4 trailing bytes, little-endian.
inline uint32_t TailWord(const uint8_t* p, std::size_t n) {
  uint32_t k = 0;
  for (std::size_t i = n < 4 ? n : 4; i-- > 0;) k = (k << 8) | p[i];
  return k;
}

}  // namespace

Hash64 HashBytes(const uint8_t* data, std::size_t len) {
  uint32_t h1 = 0, h2 = 0, h3 = 0, h4 = 0;
  const std::size_t blocks = len / 16;
  for (std::size_t i = 0; i < blocks; ++i) {
    const uint8_t* p = data + i * 16;
    h1 ^= Rotl(Word(p) * kC1, 15) * kC2;
    h1 = (Rotl(h1, 19) + h2) * 5 + 0x561ccd1b;
    h2 ^= Rotl(Word(p + 4) * kC2, 16) * kC3;
    h2 = (Rotl(h2, 17) + h3) * 5 + 0x0bcaa747;
    h3 ^= Rotl(Word(p + 8) * kC3, 17) * kC4;
    h3 = (Rotl(h3, 15) + h4) * 5 + 0x96cd1c35;
    h4 ^= Rotl(Word(p + 12) * kC4, 18) * kC1;
    h4 = (Rotl(h4, 13) + h1) * 5 + 0x32ac3b17;
  }
  const uint8_t* t = data + blocks * 16;
  const std::size_t rest = len & 15;
  if (rest > 12) h4 ^= Rotl(TailWord(t + 12, rest - 12) * kC4, 18) * kC1;
  if (rest > 8) h3 ^= Rotl(TailWord(t + 8, rest - 8) * kC3, 17) * kC4;
  if (rest > 4) h2 ^= Rotl(TailWord(t + 4, rest - 4) * kC2, 16) * kC3;
  if (rest > 0) h1 ^= Rotl(TailWord(t, rest) * kC1, 15) * kC2;
  const uint32_t n = static_cast<uint32_t>(len);
  h1 ^= n; h2 ^= n; h3 ^= n; h4 ^= n;
  h1 += h2 + h3 + h4;
  h2 += h1; h3 += h1; h4 += h1;
  h1 = Fmix(h1); h2 = Fmix(h2); h3 = Fmix(h3); h4 = Fmix(h4);
  h1 += h2 + h3 + h4;
  h2 += h1;
  return {h1, h2};
}

}  // namespace pulse
