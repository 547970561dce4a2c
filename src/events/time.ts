// Strict ISO-8601 UTC instants: `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z`.
// Hand-parsed from char codes: ~10x faster than Date.parse and stricter
// (Date.parse accepts offsets, missing Z, and rolls 2026-02-30 over to March).

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Positions of the digits in `YYYY-MM-DDTHH:MM:SS`. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]

function two(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48)
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (any year ≥ 0): the
 * year is counted from March, so the leap day ends it, in 400-year eras of
 * 146,097 days. Integer arithmetic instead of Date.UTC, which cost about as
 * much as the rest of parseInstant put together on the validator's path.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400 // 0-399
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1 // 0-365, from March 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468 // 719468: days from 0000-03-01 to 1970-01-01
}

/** Epoch milliseconds of an ISO-8601 UTC instant, or NaN when `s` is not one. */
export function parseInstant(s: string): number {
  const n = s.length
  if (n < 20 || n > 24 || s.charCodeAt(n - 1) !== 90 /* Z */) return NaN
  // - - T : :
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN
  for (let k = 0; k < DIGITS.length; k++) {
    const c = s.charCodeAt(DIGITS[k]!)
    if (c < 48 || c > 57) return NaN
  }
  const year = two(s, 0) * 100 + two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0
  if (day > DAYS_IN_MONTH[month - 1]! + leap) return NaN
  let ms = 0
  if (n > 20) {
    // fraction: '.' then 1-3 digits, then 'Z'
    if (s.charCodeAt(19) !== 46 || n === 21) return NaN
    let scale = 100
    for (let i = 20; i < n - 1; i++) {
      const d = s.charCodeAt(i) - 48
      if (d < 0 || d > 9) return NaN
      ms += d * scale
      scale /= 10
    }
  }
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + ms
}

/** `2026-11-22T09:41:12.345Z` for epoch milliseconds (always with milliseconds). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString()
}

export const MINUTE = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000

/** `YYYY-MM-DD` of an epoch-ms instant (UTC). */
export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** UTC hour 0–23 of an epoch-ms instant. */
export function hourOf(ms: number): number {
  return Math.floor((((ms % DAY) + DAY) % DAY) / HOUR)
}
