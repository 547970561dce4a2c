// Reconciliation: before a batch run is published (and the speed layer drops
// its contributions up to the new cutoff), the two layers are compared over
// the hours both hold, [since, cutoff), where `since` is the speed layer's
// current cutoff (or, before the first run, the oldest hour it holds).
//
// The batch side of the comparison comes from a second native engine per topic
// that counts only events from `since` on, with dedupe and pairing starts from
// a lookback before it (batch_plan.h), which is exactly what the speed layer
// holds past its cutoff. Per view, every (group, measure) cell of both sides is
// compared: windowed views over the windows inside [since, cutoff), other views
// over their whole state. A cell's difference is relative (|b − s| / max(|b|, |s|)
// for numbers, 0 or 1 otherwise); a view's drift is the mean over its cells.
//
// Windowed views on the speed side skip events older than the retention and
// count them per event-time hour. A differing cell of a window in an hour where
// the speed side dropped events of the view's topic is explained by those
// events: it is counted in `explainedCells`, not in the drift.
//
// A speed side that cannot answer for every partition of a view's topic (a
// cluster member down, or one replaying a partition it took over) would show
// drift that is only its own gap: such a view is not compared, and the manifest
// names it in `uncovered`. Holding the run back instead would keep every batch
// run unpublished for as long as a member is down.
//
// The cutoff a run beside a speed layer may take (latestCutoff) is bounded by
// both layers' progress: the speed layer drops what it holds before the cutoff,
// so every event it has applied before the cutoff must already be in the master
// dataset. Where ingestion is behind the speed layer on a partition, the bound
// is ingestion's own watermark there (the latest event time it stored − the
// lateness); what it has yet to store before that is late, as for the speed layer.
// A partition the speed side did not report (its member down or unreachable)
// is bounded by ingestion's watermark too: nothing says how far its actor got,
// and its ingestion may well have been on the same node.
import type { GroupFilter } from '../../actors/live-view.js'
import type { ActorStats } from '../../actors/worker.js'
import { CATALOG } from '../../views/catalog/index.js'
import type { MeasureValue, ViewDef } from '../../views/dsl.js'
import { compile } from '../../views/state/partial.js'
import type { Group, ViewPartial } from '../../views/state/partial.js'
import { HOUR, formatInstant } from '../events/time.js'
import { DEFAULT_ACTOR_OPTIONS } from '../../actors/partition-actor.js'
import { pulseError } from '../errors.js'

/** What reconciliation needs from the speed layer (one node's, or a cluster's gathered). */
export interface SpeedSide {
  /** The speed layer's cutoff: -Infinity before the first batch run. */
  readonly cutoff: number
  /** What the comparison needs of each partition's actor (a cluster gathers it from every node). */
  stats(): Promise<Array<Pick<ActorStats, 'topic' | 'partition' | 'nextOffset' | 'heldFrom' | 'droppedByHour'> & { watermark: number | null }>>
  /** `coverage` lists the `topic/partition` ids whose part is absent or may be short. */
  query(view: string, filter: GroupFilter): Promise<ViewPartial & { coverage?: SpeedCoverage }>
}

/** The partitions a speed side's answer lacks (missing) or may have short (replaying). */
export interface SpeedCoverage {
  missing: readonly string[]
  replaying: readonly string[]
}

/** What ingestion has stored of one partition (its manifest, src/ingest/partition-writer.ts). */
export interface StoredProgress {
  nextOffset: number
  /** the latest event time stored; null or absent: unknown */
  maxTime?: number | null
}

/** A partition's stored progress by logical topic; undefined before its first flush. */
export type StoredLookup = (topic: string, partition: number) => Promise<StoredProgress | undefined>

export interface ReconcileOptions {
  /** A run whose largest view drift is above this is not published. */
  threshold: number
  /** Files this far before `since` feed the comparison engine's dedupe and pairing starts. */
  lookbackMs: number
  /** The speed layer's lateness: ingestion's watermark is its latest stored event time minus this. */
  latenessMs: number
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { threshold: 0.05, lookbackMs: 24 * HOUR, latenessMs: DEFAULT_ACTOR_OPTIONS.latenessMs }

/** One view's comparison. */
export interface ViewDrift {
  drift: number
  cells: number
  /** cells that differ and are not explained */
  differing: number
  /** cells that differ in hours where the speed side dropped events */
  explained: number
}

/** The manifest's record of a comparison. */
export interface Reconciliation {
  from: string
  to: string
  threshold: number
  /** (group, measure) cells compared over all views */
  cells: number
  maxDrift: number
  /** the view with the largest drift; null when nothing differs */
  maxDriftView: string | null
  /** events the speed side dropped (older than its retention) in the compared hours */
  droppedEvents: number
  explainedCells: number
  /** views whose drift is above the threshold */
  flagged: string[]
  /** views not compared: the speed side lacked some of their topic's partitions (absent in manifests before it was recorded) */
  uncovered?: Array<{ view: string; partitions: string[] }>
}

export interface ReconcileResult extends Reconciliation {
  views: Record<string, ViewDrift>
}

export interface Reconciler {
  readonly lookbackMs: number
  /**
   * The latest cutoff both layers have passed: the start of the hour of the
   * lowest partition watermark, the speed layer's or, where ingestion has not
   * stored everything the speed layer applied, ingestion's (from `stored`);
   * never before the speed layer's current cutoff. Partitions in `known`
   * (those with files in the master dataset) that the speed side does not
   * report are bounded by ingestion's watermark. Undefined when the speed
   * layer holds no events yet. Throws PULSE_ERR_BATCH_INPUT when no hour is
   * complete yet: ingestion has stored nothing of a partition the speed layer
   * has applied records of, and there is no cutoff to keep.
   */
  latestCutoff(stored?: StoredLookup, known?: ReadonlyArray<{ topic: string; partition: number }>): Promise<number | undefined>
  /** Where the comparison starts for a run up to `cutoff`; undefined when the layers share no hour. */
  since(cutoff: number): Promise<number | undefined>
  compare(since: number, cutoff: number, batch: (view: string) => ViewPartial): Promise<ReconcileResult>
}

const TOLERANCE = 1e-9

/** How far apart two measure values are, from 0 (equal) to 1. */
export function cellDifference(a: MeasureValue, b: MeasureValue): number {
  if (a === b) return 0
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(Math.abs(a), Math.abs(b))
    const d = Math.abs(a - b) / scale
    return d <= TOLERANCE ? 0 : d
  }
  return 1
}

/**
 * Compares one view's two partials over [since, cutoff). `dropped` holds the
 * starts of the hours in which the speed side dropped events of the view's topic.
 */
export function compareView(def: ViewDef, batch: ViewPartial, speed: ViewPartial, since: number, cutoff: number, dropped: ReadonlySet<number>): ViewDrift {
  const { ops } = compile(def)
  const size = def.window?.size
  const inside = (g: Group) => size === undefined || (g.window! >= since && g.window! + size <= cutoff)
  const empty = ops.map((o) => o.result(o.init()))
  const droppedIn = (window: number | null): boolean => {
    if (window === null || size === undefined || dropped.size === 0) return false
    for (let h = window - (window % HOUR); h < window + size; h += HOUR) if (dropped.has(h)) return true
    return false
  }
  const out: ViewDrift = { drift: 0, cells: 0, differing: 0, explained: 0 }
  let sum = 0
  // cellDifference is symmetric: which side a group came from does not matter
  const visit = (g: Group, other: Group | undefined) => {
    if (!inside(g)) return
    for (let i = 0; i < ops.length; i++) {
      const mine = ops[i]!.result(g.states[i])
      const theirs = other === undefined ? empty[i]! : ops[i]!.result(other.states[i])
      const d = cellDifference(mine, theirs)
      out.cells++
      if (d === 0) continue
      if (droppedIn(g.window)) out.explained++
      else {
        out.differing++
        sum += d
      }
    }
  }
  for (const [id, g] of batch.groups) visit(g, speed.groups.get(id))
  for (const [id, g] of speed.groups) if (!batch.groups.has(id)) visit(g, undefined)
  out.drift = out.cells === 0 ? 0 : sum / out.cells
  return out
}

/** The partitions of `topic` a speed answer lacks or may have short. */
function uncoveredOf(topic: string, coverage: SpeedCoverage | undefined): string[] {
  if (coverage === undefined) return []
  const mine = `${topic}/`
  return [...coverage.missing, ...coverage.replaying].filter((id) => id.startsWith(mine))
}

/**
 * A node's own speed layer as the side to compare with: the partitions it is
 * still replaying after a restart (its snapshot older than the group's
 * offsets) may be short, so their views are not compared.
 */
export function layerSide(layer: SpeedSide, replaying: () => readonly string[]): SpeedSide {
  return {
    get cutoff() {
      return layer.cutoff
    },
    stats: () => layer.stats(),
    query: async (view, filter) => Object.assign(await layer.query(view, filter), { coverage: { missing: [], replaying: replaying() } }),
  }
}

/** Reconciles against a speed layer in this process (or one gathering a cluster's). */
export function speedReconciler(speed: SpeedSide, options: Partial<ReconcileOptions> = {}): Reconciler {
  const o = { ...DEFAULT_RECONCILE_OPTIONS, ...options }
  return {
    lookbackMs: o.lookbackMs,
    async latestCutoff(stored, known = []) {
      let low = Infinity
      const unstored: string[] = []
      const storedBound = (id: string, m: StoredProgress | undefined): void => {
        const w = m?.maxTime === undefined || m.maxTime === null ? -Infinity : m.maxTime - o.latenessMs
        if (w === -Infinity) unstored.push(id)
        if (w < low) low = w
      }
      const stats = await speed.stats()
      const reported = new Set(stats.map((s) => `${s.topic}/${s.partition}`))
      const bound = async (s: (typeof stats)[number]): Promise<void> => {
        if (s.watermark !== null && Number.isFinite(s.watermark) && s.watermark < low) low = s.watermark
        if (stored === undefined || !(s.nextOffset > 0)) return
        const m = await stored(s.topic, s.partition)
        if (m === undefined || m.nextOffset < s.nextOffset) storedBound(`${s.topic}/${s.partition}`, m)
      }
      const unreported = async ({ topic, partition }: { topic: string; partition: number }): Promise<void> => {
        if (stored !== undefined && !reported.has(`${topic}/${partition}`)) storedBound(`${topic}/${partition}`, await stored(topic, partition))
      }
      await Promise.all([...stats.map(bound), ...known.map(unreported)])
      if (low === Infinity) return undefined
      if (low === -Infinity) {
        if (Number.isFinite(speed.cutoff)) return speed.cutoff
        throw pulseError('PULSE_ERR_BATCH_INPUT', 'master dataset', `no hour is complete yet: ingestion has stored no event time on ${unstored.sort().join(', ')}, which the speed layer has applied records of or did not report`)
      }
      return Math.max(low - (((low % HOUR) + HOUR) % HOUR), speed.cutoff)
    },
    async since(cutoff) {
      let since = speed.cutoff
      if (!Number.isFinite(since)) {
        since = Infinity
        for (const s of await speed.stats()) if (s.heldFrom !== null && s.heldFrom < since) since = s.heldFrom
      }
      return Number.isFinite(since) && since < cutoff ? since : undefined
    },
    async compare(since, cutoff, batch) {
      const droppedByTopic = new Map<string, Set<number>>()
      let droppedEvents = 0
      for (const s of await speed.stats()) {
        for (const [hour, n] of s.droppedByHour) {
          if (hour < since || hour >= cutoff) continue
          droppedEvents += n
          let set = droppedByTopic.get(s.topic)
          if (set === undefined) droppedByTopic.set(s.topic, (set = new Set()))
          set.add(hour)
        }
      }
      const views: Record<string, ViewDrift> = {}
      const uncovered: Array<{ view: string; partitions: string[] }> = []
      const result: ReconcileResult = {
        from: formatInstant(since),
        to: formatInstant(cutoff),
        threshold: o.threshold,
        cells: 0,
        maxDrift: 0,
        maxDriftView: null,
        droppedEvents,
        explainedCells: 0,
        flagged: [],
        uncovered,
        views,
      }
      const none = new Set<number>()
      for (const def of CATALOG) {
        const speedPartial = await speed.query(def.name, { from: since, to: cutoff })
        const gaps = uncoveredOf(def.topic, speedPartial.coverage)
        if (gaps.length > 0) {
          uncovered.push({ view: def.name, partitions: gaps })
          continue
        }
        const v = compareView(def, batch(def.name), speedPartial, since, cutoff, droppedByTopic.get(def.topic) ?? none)
        views[def.name] = v
        result.cells += v.cells
        result.explainedCells += v.explained
        if (v.drift > result.maxDrift) {
          result.maxDrift = v.drift
          result.maxDriftView = def.name
        }
        if (v.drift > o.threshold) result.flagged.push(def.name)
      }
      return result
    },
  }
}
