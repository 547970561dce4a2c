// Top-N answers by a threshold read (views/state/rank.ts): the batch side and
// each speed worker are holders, and only the candidate groups (the top N per
// window and the few that might tie or overtake them) cross to this thread and
// are merged here. A full read of a popular-videos view moves every video of
// every window in range; this moves tens of groups per window. With one holder
// in all (a serving node's lone worker, nothing on the batch side in range),
// the worker lists its ties at the k-th place in phase 1, and that list is
// already the candidates: no phase 2, one round trip and one scan fewer.
//
// The answer is the one a full read gives: `answer()` ranks the candidates,
// which hold every group that can be in a window's top N, with their complete
// states from both sides. Should a worker's hold expire before the last phase
// (this thread was busy for longer than SpeedOptions.rankHoldMs), the read
// falls back to a full one.
import type { ViewDef } from '../../views/dsl.js'
import type { ViewPartial } from '../../views/state/partial.js'
import { RankedGroups, candidates, phaseTwo, rankMeasure } from '../../views/state/rank.js'
import type { RankList, RankSession } from '../../views/state/rank.js'
import type { GroupFilter } from '../../actors/live-view.js'
import { PulseError, pulseError } from '../errors.js'
import type { SpeedSource } from './sources.js'
import type { ViewQuery } from './view-query.js'

export interface RankedRead {
  /** the speed side: every candidate a worker holds, merged */
  partial: ViewPartial
  /** the batch side: the candidates the served run holds (full read: undefined) */
  batch?: ViewPartial | undefined
}

/** Threshold reads that fell back to a full read (a hold expired). */
export const rankedFallbacks = { count: 0 }

/** How a query is answered by a threshold read: the measure ranked, N, the source, and its threshold read. */
export interface ThresholdPlan {
  measure: number
  k: number
  speed: SpeedSource
  /** the source's `rank` as it was when planned (a cluster source offers one only while its node holds everything) */
  rank: NonNullable<SpeedSource['rank']>
}

/** A plan when the query is a top-N a threshold read can answer exactly (rankMeasure), else undefined. */
export function thresholdPlan(view: ViewDef, q: ViewQuery, speed: SpeedSource): ThresholdPlan | undefined {
  const rank = speed.rank
  if (q.top === undefined || q.order === undefined || rank === undefined) return undefined
  const measure = rankMeasure(view, q.order.column, q.order.desc)
  return measure < 0 ? undefined : { measure, k: q.top, speed, rank }
}

/**
 * The groups of `batch` (already filtered) and of the speed layer's groups
 * that `filter` selects which can be in a window's top k by the plan's
 * measure, with their complete states.
 */
export async function rankedRead(
  view: ViewDef,
  plan: ThresholdPlan,
  filter: GroupFilter,
  batch: ViewPartial | undefined,
  /** true once another batch run is served than `batch` came from */
  cutoffMoved: () => boolean,
): Promise<RankedRead> {
  const { speed, measure, k } = plan
  // submitted first, in the caller's tick: ordered against a cutoff move like any speed query
  const opening = plan.rank(view.name, filter, measure, k)
  const local = batch === undefined || batch.groups.size === 0 ? undefined : RankedGroups.of(view, measure, [...batch.groups.values()], [...batch.groups.keys()])
  let session: RankSession
  try {
    session = await opening
  } catch (err) {
    if (expired(err)) return fallback(view, speed, filter, cutoffMoved)
    throw err
  }
  try {
    // one holder in all, its ties listed: phase 1 named the candidates
    const ids = local === undefined && session.candidates !== undefined ? session.candidates : await candidatesByThreshold(session, local, k)
    const partial = await session.fetch(ids)
    if (batch === undefined) return { partial }
    const chosen: ViewPartial = { view: view.name, groups: new Map() }
    for (const id of ids) {
      const g = batch.groups.get(id)
      if (g !== undefined) chosen.groups.set(id, g)
    }
    return { partial, batch: chosen }
  } catch (err) {
    session.release()
    if (expired(err)) return fallback(view, speed, filter, cutoffMoved)
    throw err
  }
}

/** Phase 2: thresholds from phase 1's lists, every holder's groups above them (the batch side's too: `local`), the candidates among those. */
async function candidatesByThreshold(session: RankSession, local: RankedGroups | undefined, k: number): Promise<string[]> {
  const tops: RankList[] = local === undefined ? session.tops : [...session.tops, local.top(k)]
  const two = phaseTwo(tops, k)
  const lists = await session.above(two.thresholds)
  if (local !== undefined) lists.push(local.above(two.thresholds))
  return candidates(lists, two, k)
}

const expired = (err: unknown) => err instanceof PulseError && err.code === 'PULSE_ERR_READ_EXPIRED'

async function fallback(view: ViewDef, speed: SpeedSource, filter: GroupFilter, cutoffMoved: () => boolean): Promise<RankedRead> {
  rankedFallbacks.count++
  // submitted later than the batch side was read: only valid while that run is served (the route asks again)
  if (cutoffMoved()) throw pulseError('PULSE_ERR_CUTOFF_MOVED', `${view.name}: a new batch run was served during a threshold read`)
  return { partial: await speed.query(view.name, filter) }
}
