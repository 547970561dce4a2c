// The replay's report: three small tables on stdout (throughput, consumer lag
// over time, event-to-visible latency); the JSON form is the summary itself.
import { formatTable } from '../table.js'
import type { ReplaySummary } from './run.js'

/** At most `n` samples, evenly spread, the first and the last included. */
export function spread<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs]
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]!)
  return out
}

/** A figure, or '-' where there is none (nothing sent, nothing visible). */
const fig = (x: number): number | string => (Number.isFinite(x) ? x : '-')

export function formatReplay(r: ReplaySummary, samples = 8): string {
  const pace = r.speed === 'max' ? 'as fast as possible' : `${r.speed}× the original pace`
  const out: string[] = []
  out.push(`Replay of ${r.source} → ${r.target}, ${pace}; the replay's own speed layer (${r.speedLayer.workers} workers, 62 views) consuming`)
  out.push(
    ...formatTable([
      {
        'events sent': r.sent,
        ...(r.skipped > 0 ? { skipped: r.skipped } : {}),
        'send s': r.sendSeconds,
        'events/s': r.eventsPerSecond,
        'MB/s': r.mbPerSecond,
        'all visible s': r.complete ? fig(r.visibleSeconds) : 'not all',
        'events/s end to end': r.complete ? fig(r.visibleEventsPerSecond) : '-',
      },
    ]),
  )
  const c = r.speedLayer
  const n = (x: number) => x.toLocaleString('en-US')
  out.push(`speed layer: ${n(c.records)} records applied: ${n(c.valid)} valid, ${n(c.invalid)} invalid, ${n(c.duplicates)} duplicates, ${n(c.late)} late, ${n(c.dropped)} dropped`)
  out.push('', `Speed-layer consumer lag over time (records behind the end offsets; ${r.lag.length} samples, ${Math.min(samples, r.lag.length)} shown)`)
  if (r.lag.length === 0) out.push('(nothing sent)')
  else out.push(...formatTable(spread(r.lag, samples).map((s) => ({ 's': s.s, sent: s.sent, applied: s.applied, lag: s.lag }))))
  const l = r.latencyMs
  out.push('', `Append → visible in a speed-layer query (per record; ${l.batches} batches)`)
  out.push(...formatTable([{ records: l.records, 'p50 ms': fig(l.p50), 'p90 ms': fig(l.p90), 'p99 ms': fig(l.p99), 'max ms': fig(l.max) }]))
  return out.join('\n')
}
