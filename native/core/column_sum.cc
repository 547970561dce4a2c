#include "column_sum.h"

namespace pulse {

SumResult SumFloat64(const double* values, std::size_t n) {
  double acc[4] = {0, 0, 0, 0};
  std::size_t cnt[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) {
      const double v = values[i + k];
      const bool ok = v == v;  // false only for NaN
      acc[k] += ok ? v : 0.0;
      cnt[k] += ok;
    }
  }
  for (; i < n; ++i) {
    const double v = values[i];
    const bool ok = v == v;
    acc[0] += ok ? v : 0.0;
    cnt[0] += ok;
  }
  return {(acc[0] + acc[1]) + (acc[2] + acc[3]), cnt[0] + cnt[1] + cnt[2] + cnt[3]};
}

}  // namespace pulse
