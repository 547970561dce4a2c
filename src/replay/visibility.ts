// Event-to-visible latency: each acknowledged batch waits here until the speed
// layer's actors report (in a stats round trip to every worker, the same queue
// a query goes through) that the batch's last record in each of its partitions
// is applied. The latency is that moment minus the acknowledgement.

import type { SentBatch } from './target.js'

export class VisibilityTracker {
  private waiting: SentBatch[] = []
  /** per resolved batch: latency (ms) and how many records it carried */
  readonly latencies: number[] = []
  readonly weights: number[] = []
  /** performance.now() when the last waiting batch became visible */
  lastVisibleAt = NaN
  visibleRecords = 0

  expect(batch: SentBatch): void {
    if (batch.last.size === 0) {
      // nothing the speed layer consumes: visible as sent
      this.resolve(batch, batch.at)
      return
    }
    this.waiting.push(batch)
  }

  get pending(): number {
    return this.waiting.length
  }

  /** Resolves every waiting batch whose partitions have all reached `applied` (next offsets) at `now`. */
  check(applied: ReadonlyMap<string, number>, now: number): void {
    let kept = 0
    for (let i = 0; i < this.waiting.length; i++) {
      const b = this.waiting[i]!
      let done = true
      for (const [id, last] of b.last) {
        if ((applied.get(id) ?? 0) <= last) {
          done = false
          break
        }
      }
      if (done) this.resolve(b, now)
      else this.waiting[kept++] = b
    }
    this.waiting.length = kept
  }

  private resolve(b: SentBatch, now: number): void {
    this.latencies.push(Math.max(0, now - b.at))
    this.weights.push(b.records)
    this.visibleRecords += b.records
    this.lastVisibleAt = now
  }
}

/** Percentiles over records (each record counts with its batch's latency). */
export function weightedPercentiles(values: readonly number[], weights: readonly number[], ps: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!)
  const total = weights.reduce((s, w) => s + w, 0)
  return ps.map((p) => {
    if (order.length === 0 || total === 0) return NaN
    const rank = (p / 100) * total
    let seen = 0
    for (const i of order) {
      seen += weights[i]!
      if (seen >= rank) return values[i]!
    }
    return values[order[order.length - 1]!]!
  })
}
