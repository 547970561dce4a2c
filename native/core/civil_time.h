// Civil (proleptic Gregorian, UTC) dates from epoch day numbers, for the date
// keys and instants the batch engine writes (src/events/time.ts does the same in TypeScript).
#pragma once
#include <cstdint>

namespace pulse::batch {

struct CivilDate {
  int64_t year, month, day;
};

// Howard Hinnant's days → y/m/d; `days` counts from 1970-01-01 and may be negative.
inline CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2), m, d};
}

}  // namespace pulse::batch
