// Interns strings to dense ids (1, 2, …; 0 stands for null) so that keys become
// integer tuples and each distinct string is hashed for the sketches once, not
// once per row. Open addressing over a byte arena; ids are stable for the life
// of the dictionary, so they can be compared across batches and columns.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "hash.h"

namespace pulse::batch {

// A fast 64-bit hash for table lookups (not the sketch hash): 8 bytes at a time.
inline uint64_t FastHash(const uint8_t* p, std::size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i) w |= uint64_t(p[i]) << (8 * i);
  h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

class StringDict {
 public:
  StringDict() : slots_(1024, 0) {
    entries_.push_back({0, 0, 0, {0, 0}});  // id 0: null
  }

  uint32_t Intern(const uint8_t* p, std::size_t n) {
    const uint64_t h = FastHash(p, n);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const uint32_t id = slots_[i];
      if (id == 0) {
        const uint32_t fresh = static_cast<uint32_t>(entries_.size());
        entries_.push_back({arena_.size(), static_cast<uint32_t>(n), h, HashBytes(p, n)});
        arena_.insert(arena_.end(), p, p + n);
        slots_[i] = fresh;
        if (entries_.size() * 2 > slots_.size()) Grow();
        return fresh;
      }
      const Entry& e = entries_[id];
      if (e.hash == h && e.len == n && std::memcmp(arena_.data() + e.at, p, n) == 0) return id;
    }
  }

  std::string_view View(uint32_t id) const {
    const Entry& e = entries_[id];
    return {reinterpret_cast<const char*>(arena_.data() + e.at), e.len};
  }
  Hash64 SketchHash(uint32_t id) const { return entries_[id].sketch; }
  std::size_t size() const { return entries_.size() - 1; }

 private:
  struct Entry {
    std::size_t at;
    uint32_t len;
    uint64_t hash;
    Hash64 sketch;
  };

  void Grow() {
    std::vector<uint32_t> next(slots_.size() * 2, 0);
    const std::size_t mask = next.size() - 1;
    for (uint32_t id = 1; id < entries_.size(); ++id) {
      std::size_t i = entries_[id].hash & mask;
      while (next[i] != 0) i = (i + 1) & mask;
      next[i] = id;
    }
    slots_.swap(next);
  }

  std::vector<uint8_t> arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;
};

// A set of 128-bit fingerprints (event-id dedupe): two independent 64-bit
// hashes, so a false "seen" needs both to collide (≈ n² / 2^129).
class FingerprintSet {
 public:
  FingerprintSet() : slots_(1 << 16) {}

  // True when newly inserted.
  bool Insert(uint64_t a, uint64_t b) {
    if (a == 0 && b == 0) a = 1;  // (0, 0) marks an empty slot
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Mix64(a) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.a == 0 && s.b == 0) {
        s = {a, b};
        if (++count_ * 2 > slots_.size()) Grow();
        return true;
      }
      if (s.a == a && s.b == b) return false;
    }
  }

 private:
  struct Slot {
    uint64_t a = 0, b = 0;
  };
  void Grow() {
    std::vector<Slot> next(slots_.size() * 2);
    const std::size_t mask = next.size() - 1;
    for (const Slot& s : slots_) {
      if (s.a == 0 && s.b == 0) continue;
      std::size_t i = Mix64(s.a) & mask;
      while (next[i].a != 0 || next[i].b != 0) i = (i + 1) & mask;
      next[i] = s;
    }
    slots_.swap(next);
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace pulse::batch
