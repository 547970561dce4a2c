// A record's event time for paced replays, read from its value as the event
// contract defines it: `timestamp`, an ISO-8601 UTC instant within the contract's
// bounds (`event_time` is accepted too, for files from other producers).
import { TIME_MAX, TIME_MIN } from '../events/contract.js'
import { parseInstant } from '../events/time.js'

const NEEDLE = '"timestamp":"'

const inBounds = (t: number): number => (t >= TIME_MIN && t < TIME_MAX ? t : NaN)

/** Epoch ms of the record's event time, or NaN when the value has none (such records are not paced). */
export function eventTimeOf(value: string): number {
  // compact JSON, as producers write it: find the field without parsing the record
  const i = value.indexOf(NEEDLE)
  if (i >= 0) {
    const from = i + NEEDLE.length
    const to = value.indexOf('"', from)
    if (to > from) {
      const t = parseInstant(value.slice(from, to))
      if (!Number.isNaN(t)) return inBounds(t)
    }
  }
  // anything else (spacing, event_time, a malformed instant): the full parse decides
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return NaN
  }
  if (typeof parsed !== 'object' || parsed === null) return NaN
  const o = parsed as { timestamp?: unknown; event_time?: unknown }
  const raw = o.timestamp ?? o.event_time
  return typeof raw === 'string' ? inBounds(parseInstant(raw)) : NaN
}

/**
 * Wall-clock due times at N× the original pace: the first timed record is due
 * at once, a record `d` ms of event time after it is due `d / speed` ms later.
 * Records earlier than the pace (late events) are due at once.
 */
export class Pacer {
  private base = NaN
  private wall0 = 0

  constructor(readonly speed: number) {}

  /** performance.now() at which a record of event time `t` is due; -Infinity when `t` is NaN. */
  due(t: number): number {
    if (Number.isNaN(t)) return -Infinity
    if (Number.isNaN(this.base)) {
      this.base = t
      this.wall0 = performance.now()
    }
    return this.wall0 + (t - this.base) / this.speed
  }
}
