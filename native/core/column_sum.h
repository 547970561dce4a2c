// Column reductions over flat numeric arrays. Pure C++: no N-API here, so the
// kernels can be unit-tested and reused by the batch aggregator.
#pragma once
#include <cstddef>

namespace pulse {

struct SumResult {
  double sum;
  std::size_t count;  // values that took part (non-NaN)
};

// Sums `n` doubles, skipping NaN (Arrow's null stand-in for float columns).
// Four independent accumulators let the compiler pipeline the adds; the order
// of additions differs from a left fold, so results may differ in the last ulp.
SumResult SumFloat64(const double* values, std::size_t n);

}  // namespace pulse
