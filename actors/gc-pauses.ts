// Garbage-collection pauses of a worker's isolate, counted in fixed buckets.
// A read that reaches a worker during a pause waits for it: on the speed
// layer's workers, scavenges of the young generation (where each new group is
// first allocated) are the tail of query latency (docs/speed.md). prom-client's
// default metrics see only the serving thread's collections.
import { constants, PerformanceObserver } from 'node:perf_hooks'

/** Upper bounds (ms) of the buckets; a last bucket takes the longer pauses. */
export const GC_PAUSE_BOUNDS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250]

export interface PauseHistogram {
  /** pauses per bucket of GC_PAUSE_BOUNDS_MS, then those longer than the last bound (not cumulative) */
  buckets: number[]
  count: number
  ms: number
}

/** Minor: scavenges of the young generation; major: every other kind. */
export interface GcPauses {
  minor: PauseHistogram
  major: PauseHistogram
}

const histogram = (): PauseHistogram => ({ buckets: new Array<number>(GC_PAUSE_BOUNDS_MS.length + 1).fill(0), count: 0, ms: 0 })

/** Counts this thread's pauses from now on into the returned object (for the life of the thread). */
export function watchGcPauses(): GcPauses {
  const pauses: GcPauses = { minor: histogram(), major: histogram() }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind
      const h = kind === constants.NODE_PERFORMANCE_GC_MINOR ? pauses.minor : pauses.major
      let b = 0
      while (b < GC_PAUSE_BOUNDS_MS.length && e.duration > GC_PAUSE_BOUNDS_MS[b]!) b++
      h.buckets[b]!++
      h.count++
      h.ms += e.duration
    }
  }).observe({ entryTypes: ['gc'] })
  return pauses
}

/** Pauses between two readings of one thread's counts. */
export function pausesSince(now: PauseHistogram, before: PauseHistogram): PauseHistogram {
  return { buckets: now.buckets.map((n, i) => n - (before.buckets[i] ?? 0)), count: now.count - before.count, ms: now.ms - before.ms }
}
