// How fresh an answer is: the batch run it includes (cutoff, publication) and
// how far the speed layer has got (watermark range over partitions, lag).
// Actor stats cost a task on every worker, so they are shared for a second
// by every request instead of asked for each.
import type { ActorStats } from '../../actors/worker.js'
import { formatInstant } from '../events/time.js'
import type { BatchSource, Coverage, SpeedSource } from './sources.js'

export class StatsCache {
  private at = -Infinity
  private value: { stats: ActorStats[]; lag: number | null } | undefined
  private pending: Promise<{ stats: ActorStats[]; lag: number | null }> | undefined

  constructor(
    private readonly speed: SpeedSource,
    private readonly maxAgeMs = 1000,
  ) {}

  get(): Promise<{ stats: ActorStats[]; lag: number | null }> {
    if (this.value !== undefined && performance.now() - this.at < this.maxAgeMs) return Promise.resolve(this.value)
    this.pending ??= (async () => {
      try {
        const [stats, lag] = await Promise.all([this.speed.stats(), this.speed.lag?.() ?? Promise.resolve(null)])
        this.value = { stats, lag }
        this.at = performance.now()
        return this.value
      } finally {
        this.pending = undefined
      }
    })()
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
  }
  /** a cluster answer's coverage; the speed block above is this node's partitions */
  cluster: Coverage | null
}

const iso = (t: number): string | null => (Number.isFinite(t) && t > 0 ? formatInstant(t) : null)

export function freshness(batch: BatchSource, stats: ActorStats[], lag: number | null, cluster: Coverage | null = null): Freshness {
  const run = batch.current()
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
    },
    cluster,
  }
}
