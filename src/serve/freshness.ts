// How fresh an answer is: the batch run it includes (cutoff, publication) and
// how far the speed layer has got (watermark range over partitions, lag).
// Actor stats cost a task on every worker, so they are shared for a second
// by every request instead of asked for each. Past that second the last stats
// are still served (for up to maxStaleMs) while one refresh runs: requests do
// not wait for a worker busy applying a batch.
import type { ActorStats } from '../../actors/worker.js'
import { formatInstant } from '../events/time.js'
import type { RunManifest } from '../batch/runs.js'
import type { Coverage, SpeedSource } from './sources.js'

export class StatsCache {
  private at = -Infinity
  private value: { stats: ActorStats[]; lag: number | null } | undefined
  private pending: Promise<{ stats: ActorStats[]; lag: number | null }> | undefined

  constructor(
    private readonly speed: SpeedSource,
    private readonly maxAgeMs = 1000,
    private readonly maxStaleMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<{ stats: ActorStats[]; lag: number | null }> {
    const age = this.now() - this.at
    if (this.value !== undefined && age < this.maxAgeMs) return Promise.resolve(this.value)
    if (this.pending === undefined) {
      this.pending = (async () => {
        try {
          const [stats, lag] = await Promise.all([this.speed.stats(), this.speed.lag?.() ?? Promise.resolve(null)])
          this.value = { stats, lag }
          this.at = this.now()
          return this.value
        } finally {
          this.pending = undefined
        }
      })()
      // a refresh nobody waits for may fail: the next request asks again
      this.pending.catch(() => undefined)
    }
    if (this.value !== undefined && age < this.maxStaleMs) return Promise.resolve(this.value)
    return this.pending
  }
}

export interface Freshness {
  batch: { runId: string; cutoff: string; cutoffMs: number; publishedAt: string; durationMs: number } | null
  speed: {
    partitions: number
    /** lowest and highest partition watermark: windows ending at or before `min` are final everywhere */
    watermark: { min: string | null; max: string | null }
    maxEventTime: string | null
    /** records not yet applied; null when unknown */
    lag: number | null
    /** the speed layer's cutoff (t ≥ cutoff is its side); null before the first batch run */
    cutoff: string | null
    /** how long before this answer its speed part was read (reused reads are up to the reuse bound old) */
    ageMs: number
  }
  /** a cluster answer's coverage; the speed block above is this node's partitions */
  cluster: Coverage | null
}

const iso = (t: number): string | null => (Number.isFinite(t) && t > 0 ? formatInstant(t) : null)

/** `run`: the batch run whose partial the answer holds (read with it, before any await). */
export function freshness(run: RunManifest | null, stats: ActorStats[], lag: number | null, ageMs = 0, cluster: Coverage | null = null): Freshness {
  const marks = stats.map((s) => s.watermark).filter((w) => Number.isFinite(w) && w > 0)
  const cutoff = Math.max(-Infinity, ...stats.map((s) => s.cutoff))
  return {
    batch: run === null ? null : { runId: run.runId, cutoff: run.cutoffIso, cutoffMs: run.cutoff, publishedAt: run.finishedAt, durationMs: run.durationMs },
    speed: {
      partitions: stats.length,
      watermark: { min: marks.length === 0 ? null : iso(Math.min(...marks)), max: marks.length === 0 ? null : iso(Math.max(...marks)) },
      maxEventTime: iso(Math.max(-Infinity, ...stats.map((s) => s.maxTime))),
      lag,
      cutoff: iso(cutoff),
      ageMs,
    },
    cluster,
  }
}

/**
 * Freshness as the JSON an answer carries. Between stats refreshes (a second),
 * requests differ only in `ageMs`: the rest is written once per change of its
 * inputs and the age spliced in, where writing it whole cost every request
 * four ISO instants, the scans over the actors' stats, an object and a
 * stringify (formatInstant alone was 4% of the serving thread's busy time).
 */
export class FreshnessJson {
  private run: RunManifest | null | undefined
  private stats: ActorStats[] | undefined
  private lag: number | null | undefined
  private cluster: Coverage | null | undefined
  /** the JSON up to the age's value, and after it */
  private head = ''
  private tail = ''

  write(run: RunManifest | null, stats: ActorStats[], lag: number | null, ageMs: number, cluster: Coverage | null = null): string {
    if (run !== this.run || stats !== this.stats || lag !== this.lag || cluster !== this.cluster) {
      const json = JSON.stringify(freshness(run, stats, lag, 0, cluster))
      // the speed block comes before the cluster block and the batch block has no such key
      const at = json.indexOf(AGE_FIELD) + AGE_FIELD.length
      this.head = json.slice(0, at)
      this.tail = json.slice(at + 1)
      this.run = run
      this.stats = stats
      this.lag = lag
      this.cluster = cluster
    }
    return this.head + ageMs + this.tail
  }
}

const AGE_FIELD = '"ageMs":'
