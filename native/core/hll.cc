#include "hll.h"

#include <algorithm>
#include <cmath>

namespace pulse {
namespace {

double Sigma(double x) {
  if (x == 1.0) return INFINITY;
  double y = 1, z = x;
  for (;;) {
    x *= x;
    const double prev = z;
    z += x * y;
    y += y;
    if (z == prev) return z;
  }
}

double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0;
  double y = 1, z = 1 - x;
  for (;;) {
    x = std::sqrt(x);
    const double prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z == prev) return z / 3;
  }
}

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint32_t GetU32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

uint8_t Hll::Rho(Hash64 h) {
  const uint32_t rest = h.hi & 0x3ffff;
  if (rest != 0) return static_cast<uint8_t>(__builtin_clz(rest) - 14 + 1);
  return h.lo != 0 ? static_cast<uint8_t>(18 + __builtin_clz(h.lo) + 1) : static_cast<uint8_t>(kQ + 1);
}

void Hll::AddHash(Hash64 h) {
  if (rep_ == kExplicit) {
    const uint64_t v = uint64_t(h.hi) << 32 | h.lo;
    auto it = std::lower_bound(hashes_.begin(), hashes_.end(), v);
    if (it != hashes_.end() && *it == v) return;
    hashes_.insert(it, v);
    if (hashes_.size() > kExplicitMax) ToRegisters();
    return;
  }
  SetRegister(h.hi >> 18, Rho(h));
}

void Hll::SetRegister(uint32_t index, uint8_t rho) {
  if (rep_ == kDense) {
    if (rho > dense_[index]) dense_[index] = rho;
    return;
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), index,
                             [](uint32_t e, uint32_t idx) { return (e >> 6) < idx; });
  if (it != entries_.end() && (*it >> 6) == index) {
    if (rho > (*it & 63)) *it = index << 6 | rho;
    return;
  }
  entries_.insert(it, index << 6 | rho);
  if (entries_.size() > kSparseMax) ToDense();
}

void Hll::ToRegisters() {
  std::vector<uint64_t> hashes;
  hashes.swap(hashes_);
  rep_ = kSparse;
  for (uint64_t v : hashes) {
    const Hash64 h{static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
    SetRegister(h.hi >> 18, Rho(h));
  }
}

void Hll::ToDense() {
  dense_.assign(kRegisters, 0);
  for (uint32_t e : entries_) dense_[e >> 6] = e & 63;
  entries_.clear();
  entries_.shrink_to_fit();
  rep_ = kDense;
}

void Hll::Merge(const Hll& other) {
  if (other.rep_ == kExplicit) {
    for (uint64_t v : other.hashes_) AddHash({static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)});
    return;
  }
  if (rep_ == kExplicit) {
    std::vector<uint64_t> mine;
    mine.swap(hashes_);
    rep_ = other.rep_;
    entries_ = other.entries_;
    dense_ = other.dense_;
    for (uint64_t v : mine) {
      const Hash64 h{static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
      SetRegister(h.hi >> 18, Rho(h));
    }
    return;
  }
  if (other.rep_ == kSparse) {
    for (uint32_t e : other.entries_) SetRegister(e >> 6, e & 63);
  } else {
    for (uint32_t i = 0; i < kRegisters; ++i)
      if (other.dense_[i] != 0) SetRegister(i, other.dense_[i]);
  }
}

double Hll::Estimate() const {
  if (rep_ == kExplicit) return static_cast<double>(hashes_.size());
  double hist[kQ + 2] = {0};
  if (rep_ == kSparse) {
    hist[0] = kRegisters - static_cast<double>(entries_.size());
    for (uint32_t e : entries_) hist[e & 63] += 1;
  } else {
    for (uint8_t r : dense_) hist[r] += 1;
  }
  const double m = kRegisters;
  double z = m * Tau(1 - hist[kQ + 1] / m);
  for (int k = kQ; k >= 1; --k) z = 0.5 * (z + hist[k]);
  z += m * Sigma(hist[0] / m);
  return std::round(m * m / (2 * std::log(2.0) * z));
}

void Hll::Serialize(std::vector<uint8_t>& out) const {
  out.clear();
  out.push_back(1);
  out.push_back(kPrecision);
  out.push_back(rep_);
  out.push_back(0);
  if (rep_ == kDense) {
    out.insert(out.end(), dense_.begin(), dense_.end());
  } else if (rep_ == kSparse) {
    PutU32(out, static_cast<uint32_t>(entries_.size()));
    for (uint32_t e : entries_) PutU32(out, e);
  } else {
    PutU32(out, static_cast<uint32_t>(hashes_.size()));
    for (uint64_t v : hashes_) {
      PutU32(out, static_cast<uint32_t>(v >> 32));
      PutU32(out, static_cast<uint32_t>(v));
    }
  }
}

bool Hll::Deserialize(const uint8_t* data, std::size_t len, Hll& out, std::string& error) {
  out = Hll();
  if (len < 4 || data[0] != 1 || data[1] != kPrecision) {
    error = "bad header";
    return false;
  }
  if (data[2] == kDense) {
    if (len != 4 + kRegisters) {
      error = "dense sketch of the wrong length";
      return false;
    }
    out.rep_ = kDense;
    out.dense_.assign(data + 4, data + len);
    return true;
  }
  if (len < 8) {
    error = "missing count";
    return false;
  }
  const uint32_t n = GetU32(data + 4);
  if (data[2] == kExplicit && n <= kExplicitMax && len == 8 + 8 * std::size_t(n)) {
    for (uint32_t i = 0; i < n; ++i) out.hashes_.push_back(uint64_t(GetU32(data + 8 + 8 * i)) << 32 | GetU32(data + 12 + 8 * i));
    if (!std::is_sorted(out.hashes_.begin(), out.hashes_.end())) { error = "unsorted"; return false; }
    return true;
  }
  if (data[2] == kSparse && n <= kSparseMax && len == 8 + 4 * std::size_t(n)) {
    out.rep_ = kSparse;
    for (uint32_t i = 0; i < n; ++i) out.entries_.push_back(GetU32(data + 8 + 4 * i));
    if (!std::is_sorted(out.entries_.begin(), out.entries_.end())) { error = "unsorted"; return false; }
    return true;
  }
  error = "bad representation or length";
  return false;
}

}  // namespace pulse
