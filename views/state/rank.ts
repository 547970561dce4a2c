// Exact top-k per window over groups split between several holders (actor
// workers, the batch side), reading tens of groups instead of all of them.
//
// Three phases, after Cao and Wang's threshold algorithm (TPUT, PODC 2004),
// for an order value that adds up over holders and is never negative (counts,
// sums of non-negative fields), highest first:
//   1. every holder lists its own k largest groups per window; per window τ₁ is
//      the k-th largest sum of the values listed (a lower bound of the k-th
//      largest total);
//   2. every holder lists each of its groups whose value is at least τ₁/m
//      (m holders). A group no holder lists has a total below τ₁, so all of
//      the true top k are listed. A listed group's total is at least what was
//      listed for it and below that plus τ₁/m per holder that did not list it;
//      τ₂, the k-th largest lower bound, prunes the groups whose upper bound
//      falls below it;
//   3. the groups left (the candidates, k and a few more) are fetched whole
//      from every holder, merged, and ranked as any answer is.
// Ties at the k-th place are all kept, so the order's tie-break (the key) picks
// among them as it would over every group.
import type { ViewDef } from '../dsl.js'
import { EVENTS, typesOn } from '../../src/events/contract.js'
import type { EventType, Topic } from '../../src/events/contract.js'
import { compile, groupId } from './partial.js'
import type { Group } from './partial.js'

/** A holder's listed groups: window, identity (groupId) and order value of each. */
export interface RankList {
  windows: Array<number | null>
  ids: string[]
  values: number[]
}

/** Per window, the least value a holder lists in phase 2. */
export type Thresholds = Map<number | null, number>

/** Floating sums merge in another order than they are listed in: bounds are widened by this much. */
const SLACK = 1e-9

const widenDown = (x: number) => x - Math.abs(x) * SLACK - SLACK

const emptyList = (): RankList => ({ windows: [], ids: [], values: [] })

/**
 * The index of the measure a threshold read can rank `view` by, or -1: the
 * column must be a count or a sum of a field the event contract keeps ≥ 0,
 * ranked highest first, and the view must have no distinct counts (an answer
 * says whether any selected group holds an estimate, which only a full read
 * can tell).
 */
export function rankMeasure(view: ViewDef, column: string, desc: boolean): number {
  if (!desc) return -1
  const measures = Object.values(view.measures)
  if (measures.some((m) => m.kind === 'distinct')) return -1
  const i = Object.keys(view.measures).indexOf(column)
  const m = measures[i]
  if (m === undefined) return -1
  if (m.kind === 'count') return i
  if (m.kind !== 'sum' || typeof m.value !== 'string') return -1
  const types: readonly EventType[] = m.filter.types ?? view.types ?? typesOn(view.topic as Topic)
  const field = m.value
  const nonNegative = types.every((t) => {
    const rule = (EVENTS[t].fields as Record<string, { kind: string; min?: number } | undefined>)[field]
    return rule === undefined || ((rule.kind === 'int' || rule.kind === 'num') && rule.min !== undefined && rule.min >= 0)
  })
  return nonNegative ? i : -1
}

/**
 * Ranks groups by one measure's value: phase 1 and 2 for a holder whose groups
 * are in memory. Group i is known by its window, its value and, only once it
 * is listed, its identity (groupId).
 */
export class RankedGroups {
  private readonly ids: Array<string | undefined>

  /** Over whole groups: values from their states. */
  static of(view: ViewDef, measure: number, groups: readonly Group[], ids?: string[]): RankedGroups {
    const op = compile(view).ops[measure]!
    const values = new Float64Array(groups.length)
    for (let i = 0; i < groups.length; i++) values[i] = (op.result(groups[i]!.states[measure]) as number | null) ?? 0
    return new RankedGroups(
      groups.map((g) => g.window),
      values,
      (i) => groupId(groups[i]!.window, groups[i]!.key),
      ids,
    )
  }

  constructor(
    private readonly windows: ReadonlyArray<number | null>,
    private readonly values: Float64Array,
    /** group i's identity, asked once for the groups listed */
    private readonly identify: (i: number) => string,
    /** the identities when already known, taken over */
    ids?: string[],
  ) {
    this.ids = ids ?? new Array<string | undefined>(windows.length)
  }

  private id(i: number): string {
    let id = this.ids[i]
    if (id === undefined) this.ids[i] = id = this.identify(i)
    return id
  }

  private push(list: RankList, i: number): void {
    list.windows.push(this.windows[i]!)
    list.ids.push(this.id(i))
    list.values.push(this.values[i]!)
  }

  /**
   * Phase 1: per window, k groups with the largest values (any of those tied
   * at the k-th), or with `ties`, every group tied at the k-th as well: then a
   * sole holder's list is the candidates themselves (RankSession.candidates).
   */
  top(k: number, ties = false): RankList {
    const byWindow = new Map<number | null, number[]>()
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i]!
      const list = byWindow.get(w)
      if (list === undefined) byWindow.set(w, [i])
      else list.push(i)
    }
    const out = emptyList()
    const values = this.values
    for (const members of byWindow.values()) {
      let chosen = members.length <= k ? members : largest(members, values, k)
      if (ties && chosen !== members) {
        // the heap's root, its least, is the k-th value; no group left out is above it
        const least = values[chosen[0]!]!
        chosen = members.filter((i) => values[i]! >= least)
      }
      for (const i of chosen) this.push(out, i)
    }
    return out
  }

  /** Phase 2: every group at or above its window's threshold (a window without one lists nothing). */
  above(thresholds: Thresholds): RankList {
    const out = emptyList()
    for (let i = 0; i < this.windows.length; i++) {
      const t = thresholds.get(this.windows[i]!)
      if (t !== undefined && this.values[i]! >= t) this.push(out, i)
    }
    return out
  }
}

/** The k members with the largest values: a bounded min-heap, O(n log k), its root (first) the least of them. */
function largest(members: readonly number[], values: Float64Array, k: number): number[] {
  const heap: number[] = []
  const less = (a: number, b: number) => values[a]! < values[b]!
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1
      const r = l + 1
      let m = at
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
      if (m === at) return
      ;[heap[at], heap[m]] = [heap[m]!, heap[at]!]
      at = m
    }
  }
  for (const i of members) {
    if (heap.length < k) {
      heap.push(i)
      for (let at = heap.length - 1; at > 0; ) {
        const up = (at - 1) >> 1
        if (!less(heap[at]!, heap[up]!)) break
        ;[heap[at], heap[up]] = [heap[up]!, heap[at]!]
        at = up
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i
      down(0)
    }
  }
  return heap
}

/** Per window, the value listed for each group, summed over the lists. */
function sums(lists: readonly RankList[]): Map<number | null, Map<string, { sum: number; holders: number }>> {
  const out = new Map<number | null, Map<string, { sum: number; holders: number }>>()
  for (const list of lists) {
    for (let i = 0; i < list.ids.length; i++) {
      const w = list.windows[i]!
      let byId = out.get(w)
      if (byId === undefined) out.set(w, (byId = new Map()))
      const s = byId.get(list.ids[i]!)
      if (s === undefined) byId.set(list.ids[i]!, { sum: list.values[i]!, holders: 1 })
      else {
        s.sum += list.values[i]!
        s.holders++
      }
    }
  }
  return out
}

/** The k-th largest of `xs`, or -Infinity when there are fewer than k. */
function kth(xs: number[], k: number): number {
  if (xs.length < k) return -Infinity
  return xs.sort((a, b) => b - a)[k - 1]!
}

/** What phase 1 tells phase 3: per window, τ₁, and the threshold sent to the holders. */
export interface PhaseTwo {
  /** per window, the least value a holder lists */
  thresholds: Thresholds
  /** per window, τ₁ (a lower bound of the k-th largest total; -Infinity when fewer than k groups were listed) */
  tau: Map<number | null, number>
  holders: number
}

/**
 * Phase 1 → 2: each window's threshold for a holder, τ₁/m, slightly widened
 * for floating sums. -Infinity (list everything) where fewer than k groups
 * were listed: the window has fewer than k groups in all.
 */
export function phaseTwo(tops: readonly RankList[], k: number): PhaseTwo {
  const m = tops.length
  const thresholds: Thresholds = new Map()
  const tau = new Map<number | null, number>()
  for (const [w, byId] of sums(tops)) {
    const t = kth([...byId.values()].map((s) => s.sum), k)
    tau.set(w, t)
    thresholds.set(w, t === -Infinity ? -Infinity : widenDown(t / m))
  }
  return { thresholds, tau, holders: m }
}

/**
 * Phase 2 → 3: the groups that may be in a window's top k, given every
 * holder's phase-2 list (in the order of phase 1's).
 */
export function candidates(lists: readonly RankList[], two: PhaseTwo, k: number): string[] {
  const m = two.holders
  const out: string[] = []
  for (const [w, byId] of sums(lists)) {
    const t = two.thresholds.get(w) ?? -Infinity
    const entries = [...byId]
    if (t === -Infinity) {
      // every holder listed every group of the window
      for (const [id] of entries) out.push(id)
      continue
    }
    // both are lower bounds of the k-th largest total
    const bound = widenDown(Math.max(two.tau.get(w) ?? -Infinity, kth(entries.map(([, s]) => s.sum), k)))
    // a holder that did not list a group holds less than t of it, or (t ≤ 0: it lists all it has) none
    const listsAll = t <= 0
    for (const [id, s] of entries) {
      if (s.holders === m || listsAll ? s.sum >= bound : s.sum + (m - s.holders) * t > bound) out.push(id)
    }
  }
  return out
}

/**
 * A threshold read held open on the holders that keep their state in other
 * threads or nodes: phase 1's lists come with it, and it ends with `fetch` or
 * `release`. Each holder's state stays as it was at phase 1 until then.
 */
export interface RankSession {
  /** phase 1: each holder's top k per window */
  readonly tops: RankList[]
  /**
   * When one holder holds every group selected and listed its ties at the
   * k-th place in phase 1 (RankedGroups.top), its groups' identities: the
   * exact candidates, so phase 2 is not needed (fetch them, or release).
   */
  readonly candidates?: readonly string[] | undefined
  /** phase 2: each holder's groups at or above their window's threshold (same order as tops) */
  above(thresholds: Thresholds): Promise<RankList[]>
  /** phase 3: the named groups, merged over the holders; ends the session */
  fetch(ids: readonly string[]): Promise<import('./partial.js').ViewPartial>
  /** ends the session without fetching (after a failure) */
  release(): void
}
