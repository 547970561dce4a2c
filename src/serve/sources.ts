// What the serving layer reads: a batch source (the published run's partials,
// t < cutoff) and a speed source (live partials, t ≥ cutoff). Both are
// interfaces so that one node serves its own speed layer and store, and a
// cluster node can plug in a gatherer of other nodes' partials instead.
import type { RunManifest } from '../batch/runs.js'
import type { ViewPartial } from '../../views/state/partial.js'
import type { RankSession } from '../../views/state/rank.js'
import type { GroupFilter } from '../../actors/live-view.js'
import type { ActorStats, HoldStats } from '../../actors/worker.js'
import type { GcPauses } from '../../actors/gc-pauses.js'
import type { SnapshotReport, SpeedLayer } from '../../actors/speed-layer.js'

export interface BatchSource {
  /** The run being served, or null when none is published (or none loaded yet). */
  current(): RunManifest | null
  /** The served run's partial of a view; undefined when no run or the run lacks the view. */
  partial(view: string): ViewPartial | undefined
  /** true once the source has loaded a run or found that none is published. */
  loaded(): boolean
  /** Looks for a newer run now (after a batch run finished). */
  refresh(): Promise<void>
  close(): void
}

/** Which part of a cluster answered a gathered query. */
export interface Coverage {
  /** members that own partitions */
  nodes: number
  /** `topic/partition` ids no member answered for (a member died, or is restoring) */
  missing: string[]
  /** members that could not be asked, with why */
  unreachable: string[]
  /**
   * `topic/partition` ids answered by a member that took them over and is
   * still replaying towards where they ended then: their part may be short
   */
  replaying: string[]
}

export interface SpeedSource {
  /**
   * Submits the query synchronously (so it is ordered against setCutoff), resolves
   * with the merged partial; a cluster gather adds its coverage.
   */
  query(view: string, filter: GroupFilter): Promise<ViewPartial & { coverage?: Coverage }>
  stats(): Promise<ActorStats[]>
  /** Drops everything before `cutoff`; tasks submitted after this call see it. */
  setCutoff(cutoff: number): Promise<unknown>
  /** Records not yet applied, when the source can tell. */
  lag?(): Promise<number | null>
  /**
   * Opens a threshold top-k read (views/state/rank.ts), submitted synchronously
   * like `query`. A source without it answers top-N from full reads: a cluster
   * gather offers it only while its own node holds every partition.
   */
  rank?(view: string, filter: GroupFilter, measure: number, k: number): Promise<RankSession>
  /** Per worker, the threshold reads' holds (metrics). */
  holds?(): Promise<HoldStats[]>
  /** Per worker, its garbage-collection pauses (metrics). */
  gcPauses?(): Promise<GcPauses[]>
  snapshot?(): Promise<SnapshotReport>
  readonly lastSnapshot?: SnapshotReport | undefined
}

/** The local speed layer as a speed source; `lag` from whatever feeds it. */
export function speedSourceOf(layer: SpeedLayer, lag?: () => Promise<number | null>): SpeedSource {
  return {
    query: (view, filter) => layer.query(view, filter),
    stats: () => layer.stats(),
    setCutoff: (cutoff) => layer.setCutoff(cutoff),
    lag,
    rank: (view, filter, measure, k) => layer.rank(view, filter, measure, k),
    holds: () => layer.holdStats(),
    gcPauses: () => layer.gcPauses(),
    snapshot: () => layer.snapshot(),
    get lastSnapshot() {
      return layer.lastSnapshot
    },
  }
}

/** A batch source with nothing published (tests, and nodes without a store). */
export const EMPTY_BATCH: BatchSource = {
  current: () => null,
  partial: () => undefined,
  loaded: () => true,
  refresh: async () => undefined,
  close: () => undefined,
}
