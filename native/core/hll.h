// HyperLogLog, precision 14, the C++ twin of views/state/hll.ts: same hash,
// same three representations (explicit ≤ 128 hashes, sparse ≤ 3072 registers,
// dense), same serialized bytes. The byte layout is documented in hll.ts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hash.h"

namespace pulse {

class Hll {
 public:
  static constexpr int kPrecision = 14;
  static constexpr uint32_t kRegisters = 1u << kPrecision;
  static constexpr int kQ = 64 - kPrecision;
  static constexpr std::size_t kExplicitMax = 128;
  static constexpr std::size_t kSparseMax = 3072;

  void Add(const uint8_t* data, std::size_t len) { AddHash(HashBytes(data, len)); }
  void AddHash(Hash64 h);
  void Merge(const Hll& other);
  bool IsExact() const { return rep_ == kExplicit; }
  double Estimate() const;
  void Serialize(std::vector<uint8_t>& out) const;
  // False (and `error` set) when the bytes are not a valid sketch.
  static bool Deserialize(const uint8_t* data, std::size_t len, Hll& out, std::string& error);

 private:
  enum Rep : uint8_t { kExplicit = 1, kSparse = 2, kDense = 3 };
  static uint8_t Rho(Hash64 h);
  void SetRegister(uint32_t index, uint8_t rho);
  void ToRegisters();
  void ToDense();

  Rep rep_ = kExplicit;
  std::vector<uint64_t> hashes_;   // explicit: (hi << 32 | lo), ascending
  std::vector<uint32_t> entries_;  // sparse: index << 6 | rho, ascending
  std::vector<uint8_t> dense_;     // dense: registers
};

}  // namespace pulse
