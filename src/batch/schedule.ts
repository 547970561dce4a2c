// Batch schedules as written in PULSE_BATCH_SCHEDULE and --batch-at: a daily UTC
// time `HH:MM`, an interval `every 1h`, or `off`. Kept apart from the scheduler
// so that configuration can check them without loading the batch engine.
import { pulseError } from '../errors.js'

/** Parses `HH:MM` (UTC) into minutes after midnight. */
export function parseDailyTime(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text.trim())
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59) throw pulseError('PULSE_ERR_CONFIG', `PULSE_BATCH_SCHEDULE must be HH:MM in UTC or "off", got ${JSON.stringify(text)}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** When scheduled runs happen: daily at a UTC time, or at a fixed interval. */
export type Schedule = { kind: 'daily'; minutes: number } | { kind: 'every'; ms: number }

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 }

/** `HH:MM` (daily, UTC), `every 15m` / `every 1h` (at least 10s), or `off` (undefined). */
export function parseSchedule(text: string): Schedule | undefined {
  const t = text.trim()
  if (t === 'off') return undefined
  const every = /^every\s+(\d+)(s|m|h)$/.exec(t)
  if (every !== null) {
    const ms = Number(every[1]) * UNITS[every[2]!]!
    if (ms < 10_000) throw pulseError('PULSE_ERR_CONFIG', `PULSE_BATCH_SCHEDULE: an interval must be at least 10s, got ${JSON.stringify(t)}`)
    return { kind: 'every', ms }
  }
  if (/^\d{2}:\d{2}$/.test(t)) return { kind: 'daily', minutes: parseDailyTime(t) }
  throw pulseError('PULSE_ERR_CONFIG', `PULSE_BATCH_SCHEDULE must be HH:MM in UTC, "every <N>s|m|h" or "off", got ${JSON.stringify(t)}`)
}

/** The next instant after `now` at `minutes` past a UTC midnight. */
export function nextDaily(now: number, minutes: number): number {
  const day = Math.floor(now / 86_400_000) * 86_400_000
  const today = day + minutes * 60_000
  return today > now ? today : today + 86_400_000
}
