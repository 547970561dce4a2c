// A worker's side of a threshold read (views/state/rank.ts), straight from its
// actors' columns. Phase 1 used to build every selected group as an object (its
// states, its key) and index it, to rank by one number: at 50 reads a second of
// a 5-minute top-10, that kept each worker about half busy, mostly allocating.
// Here a group is a (table, slot) and its value, merged over the worker's
// actors (partitions of one topic hold the same video in the same window); it
// gets an identity only when listed, and is built (and merged over the actors
// holding it) only when phase 3 fetches it. A count held twice adds up; other
// measures merge their states first, as a full read does, so that a floating
// sum has the same last bits whichever way it was read.
import type { ViewDef } from '../views/dsl.js'
import type { KeyTuple, Scalar } from '../views/semantics.js'
import { compile, groupId, GroupIndex } from '../views/state/partial.js'
import type { Group } from '../views/state/partial.js'
import type { MeasureOps } from '../views/state/measures.js'
import { RankedGroups } from '../views/state/rank.js'
import { grow } from './group-table.js'
import type { GroupTable } from './group-table.js'

export class SlotRanking {
  private readonly windows: Array<number | null> = []
  private values = new Float64Array(256)
  private readonly tables: GroupTable[] = []
  private readonly slots: number[] = []
  // A group held by more than one actor: its further (table, slot) pairs, in the
  // order taken, chained in flat arrays (a map of small arrays cost an allocation
  // per pair, and most groups of a popular-videos window are held by every actor)
  private readonly moreTables: GroupTable[] = []
  private readonly moreSlots: number[] = []
  /** per further pair, the next of its group's (-1: none) */
  private readonly moreNext: number[] = []
  /** per group, its first and last further pair, plus one (0: none) */
  private moreHead = new Int32Array(256)
  private moreTail = new Int32Array(256)
  private readonly index: GroupIndex
  private readonly key: Scalar[]
  private readonly ops: MeasureOps<unknown>[]
  private readonly op: MeasureOps<unknown>
  /** counts add up exactly; other measures' groups held twice keep their merged state here */
  private readonly counts: boolean
  private readonly merged = new Map<number, unknown>()

  constructor(
    view: ViewDef,
    private readonly measure: number,
  ) {
    this.ops = compile(view).ops
    this.op = this.ops[measure]!
    this.counts = Object.values(view.measures)[measure]!.kind === 'count'
    this.key = new Array<Scalar>(Object.keys(view.key).length)
    this.index = new GroupIndex(this.key.length)
  }

  get size(): number {
    return this.windows.length
  }

  /** Takes the group at `slot` of `table` (LiveView.selectSlots). */
  readonly add = (table: GroupTable, slot: number): void => {
    const window = table.window(slot)
    const key = this.key
    for (let k = 0; k < key.length; k++) key[k] = table.keys[k]![slot]!
    const op = this.op
    const n = this.windows.length
    const at = this.index.getOrSet(window, key, n)
    if (at !== undefined) {
      if (this.counts) this.values[at]! += table.state(this.measure, slot) as number
      else {
        const mine = this.merged.get(at) ?? this.tables[at]!.state(this.measure, this.slots[at]!)
        const state = op.merge(mine, table.state(this.measure, slot))
        this.merged.set(at, state)
        this.values[at] = (op.result(state) as number | null) ?? 0
      }
      const e = this.moreSlots.length
      this.moreTables.push(table)
      this.moreSlots.push(slot)
      this.moreNext.push(-1)
      const tail = this.moreTail[at]!
      if (tail === 0) this.moreHead[at] = e + 1
      else this.moreNext[tail - 1] = e
      this.moreTail[at] = e + 1
      return
    }
    if (n === this.values.length) {
      this.values = grow(this.values, n * 2)
      this.moreHead = grow(this.moreHead, n * 2)
      this.moreTail = grow(this.moreTail, n * 2)
    }
    this.values[n] = (op.result(table.state(this.measure, slot)) as number | null) ?? 0
    this.windows.push(window)
    this.tables.push(table)
    this.slots.push(slot)
  }

  /** Phases 1 and 2 over the groups taken. */
  ranked(): RankedGroups {
    return new RankedGroups(this.windows, this.values.subarray(0, this.windows.length), (i) => groupId(this.windows[i]!, this.tables[i]!.key(this.slots[i]!)))
  }

  /** Phase 3: the group with this window and key, merged over the actors holding it; undefined when none does. */
  group(window: number | null, key: KeyTuple): Group | undefined {
    const at = this.index.get(window, key)
    if (at === undefined) return undefined
    const g = this.tables[at]!.group(this.slots[at]!)
    // merge never changes its inputs: the live states stay as they are
    const ops = this.ops
    for (let e = this.moreHead[at]! - 1; e >= 0; e = this.moreNext[e]!) {
      const table = this.moreTables[e]!
      const slot = this.moreSlots[e]!
      for (let i = 0; i < ops.length; i++) g.states[i] = ops[i]!.merge(g.states[i], table.state(i, slot))
    }
    return g
  }
}
