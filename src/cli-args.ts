// Small parsers for CLI values, each failing with PULSE_ERR_CLI_USAGE naming the flag.
import { pulseError } from './errors.js'
import { parseInstant } from './events/time.js'

export function intArg(flag: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback
  const n = Number(raw.replace(/_/g, ''))
  if (!Number.isInteger(n) || n < min) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return n
}

export function fractionArg(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected a fraction in [0, 1), got ${JSON.stringify(raw)}`)
  return n
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90s`, `5m`, `2h`, `1d`, `250ms` (a bare number is seconds). */
export function durationArg(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim())
  if (m === null) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected a duration like 90s, 5m, 2h or 1d, got ${JSON.stringify(raw)}`)
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!)
}

/** An ISO-8601 UTC instant or `now`. */
export function instantArg(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  if (raw === 'now') return Date.now()
  const t = parseInstant(raw)
  if (Number.isNaN(t)) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected an ISO-8601 UTC instant (2026-11-02T00:00:00Z) or "now", got ${JSON.stringify(raw)}`)
  return t
}
