// Identical speed queries in flight at the same time share one round trip to
// the workers: under load, a burst of the same dashboard query costs one task
// per worker instead of one per request. A request joining in-flight work sees
// state at most one query latency older than its arrival. The key includes the
// served batch run, so a query never pairs a new run with a speed answer from
// before the cutoff moved.
import type { GroupFilter } from '../../actors/live-view.js'
import type { ViewPartial } from '../../views/state/partial.js'
import type { Coverage, SpeedSource } from './sources.js'

export class QueryCoalescer {
  private readonly inflight = new Map<string, Promise<ViewPartial & { coverage?: Coverage }>>()
  joined = 0

  constructor(private readonly speed: SpeedSource) {}

  query(view: string, filter: GroupFilter, runId: string | undefined): Promise<ViewPartial & { coverage?: Coverage }> {
    const key = JSON.stringify([runId ?? null, view, filter.keys ?? {}, filter.from ?? null, filter.to ?? null])
    const pending = this.inflight.get(key)
    if (pending !== undefined) {
      this.joined++
      return pending
    }
    const p = this.speed.query(view, filter).finally(() => this.inflight.delete(key))
    this.inflight.set(key, p)
    return p
  }
}
