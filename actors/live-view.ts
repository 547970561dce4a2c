// One view's live state inside a partition actor: the view's definition run
// incrementally, per (window, key) group, into the mergeable measure states of
// views/state. Groups are bucketed by the event-time hour of the events that
// built them, so that dropping everything before a batch cutoff (an hour
// boundary) is deleting whole buckets; a query merges the buckets. A bucket's
// groups are slots in a column store (group-table.ts).
//
// The hot path (`add`) compiles the definition once: filters become predicates,
// value references become accessors, and per event each measure's filter and
// value are computed once however many windows the event falls in. Groups are
// found through maps keyed by the raw key values, one per key column, path
// compressed (key-trie.ts; an event's strings keep their cached hashes from
// view to view, no key string is built per event), which hold the groups' slots.
import type { Filter, Measure, Pairing, ValueRef, ViewDef } from '../views/dsl.js'
import { keysOf, valueOf } from '../views/semantics.js'
import type { EventRecord, KeyTuple, Scalar } from '../views/semantics.js'
import { opsFor } from '../views/state/measures.js'
import type { MeasureOps } from '../views/state/measures.js'
import { groupId } from '../views/state/partial.js'
import type { Group } from '../views/state/partial.js'
import type { ViewPartial } from '../views/state/partial.js'
import type { FormedPair } from '../views/state/pair-matcher.js'
import type { Reader, Writer } from '../views/state/codec.js'
import { HOUR } from '../src/events/time.js'
import { compileAdd, dateMemo, instantMemo } from './view-compiler.js'
import type { AddFn } from './view-compiler.js'
import { GroupTable, readWindows, TableLayout } from './group-table.js'
import { pulseError } from '../src/errors.js'
import { findSlot, visitSlots } from './key-trie.js'
import type { Level } from './key-trie.js'

/** A live group as a read sees it: materialized from the columns, numeric states copied, objects (sketches) shared. */
export type LiveGroup = Group

/** The groups of one event-time hour: their columns, and maps to find their slots. */
export interface Bucket {
  table: GroupTable
  /** non-windowed views */
  plain: Level
  /** windowed views: by window start, as the number of slides from the hour (a small integer) */
  windows: Map<number, Level>
}

/** Which groups a query wants: key columns equal to values, windows (or hours) overlapping [from, to). */
export interface GroupFilter {
  keys?: Readonly<Record<string, Scalar>>
  from?: number
  to?: number
}

type Accessor = (e: EventRecord, time: number) => Scalar

function accessor(ref: ValueRef): Accessor {
  switch (ref) {
    // the generated code's memos: every view an event feeds asks again
    case 'time':
      return (_e, time) => instantMemo(time)
    case 'date':
      return (_e, time) => dateMemo(time)
    case 'score_pct':
    case 'position_pct':
    case 'hour':
      return (e, time) => valueOf(ref, e, time)
    default:
      return (e) => {
        const v = e[ref]
        return v === undefined ? null : (v as Scalar)
      }
  }
}

function predicate(f: Filter): ((e: EventRecord) => boolean) | null {
  const types = f.types === undefined ? undefined : new Set<string>(f.types)
  const where = f.where === undefined ? [] : Object.entries(f.where)
  if (types === undefined && where.length === 0) return null
  return (e) => {
    if (types !== undefined && !types.has(e.event_type as string)) return false
    for (const [field, wanted] of where) if (e[field] !== wanted) return false
    return true
  }
}

/** The single map key of views without key columns. */
const NO_KEY = true

export class LiveView {
  /** hour start (ms) → groups of events in that hour */
  readonly buckets = new Map<number, Bucket>()
  private readonly ops: MeasureOps<unknown>[]
  private readonly layout: TableLayout
  private readonly filters: Array<((e: EventRecord) => boolean) | null>
  private readonly values: Array<Accessor | null>
  /** indexes of measures fed by events (all but pairs) */
  private readonly direct: number[]
  /** pairing → indexes of its measures */
  readonly pairings = new Map<Pairing, number[]>()
  private readonly types: ReadonlySet<string> | undefined
  /** accessors of the key columns when every column is a plain value; otherwise keysOf */
  private readonly simpleKey: Accessor[] | undefined
  // per-event scratch: each measure's filter outcome and value
  private readonly pass: boolean[]
  private readonly vals: Scalar[]
  /** the key values of the event at hand (simple keys) */
  private readonly keyScratch: Scalar[]
  private lastHour = NaN
  private lastBucket: Bucket | undefined
  /** Applies one event to the direct measures of its groups: generated per view (view-compiler.ts), or the generic path. */
  readonly add: AddFn

  constructor(readonly def: ViewDef) {
    const measures = Object.values<Measure>(def.measures)
    this.ops = measures.map(opsFor)
    this.layout = TableLayout.of(def)
    this.filters = measures.map((m) => (m.kind === 'pairs' ? null : predicate(m.filter)))
    this.values = measures.map((m) => ('value' in m ? accessor(m.value) : null))
    this.direct = measures.flatMap((m, i) => (m.kind === 'pairs' ? [] : [i]))
    measures.forEach((m, i) => {
      if (m.kind === 'pairs') this.pairings.set(m.pairing, [...(this.pairings.get(m.pairing) ?? []), i])
    })
    this.types = def.types === undefined ? undefined : new Set<string>(def.types)
    const refs = Object.values(def.key)
    this.simpleKey = refs.every((r) => typeof r === 'string') ? refs.map((r) => accessor(r as ValueRef)) : undefined
    this.pass = measures.map(() => false)
    this.vals = measures.map(() => null)
    this.keyScratch = Object.keys(def.key).map(() => null)
    this.add = compileAdd(def, this, this.ops, this.layout) ?? ((e, time) => this.addGeneric(e, time))
  }

  get name(): string {
    return this.def.name
  }

  /** Does the view take this event type at all? */
  takes(type: string): boolean {
    return this.types === undefined || this.types.has(type)
  }

  /** `add` interpreted from the definition: for key columns the generator does not handle (`each`), and as its reference. */
  addGeneric(e: EventRecord, time: number): void {
    if (this.types !== undefined && !this.types.has(e.event_type as string)) return
    const { direct, filters, values, pass, vals } = this
    // a group exists for every event the view takes, even one no measure passes (a row of zeros)
    for (let j = 0; j < direct.length; j++) {
      const i = direct[j]!
      const f = filters[i]
      pass[i] = f === null || f!(e)
      if (!pass[i]) continue
      const value = values[i]
      vals[i] = value === null ? null : value!(e, time)
    }
    this.forGroups(e, time, direct)
  }

  /** Applies a formed pair to the pair measures of the end event's groups. */
  addPair(pairing: Pairing, pair: FormedPair): void {
    const idx = this.pairings.get(pairing)
    if (idx === undefined) return
    for (const i of idx) {
      this.pass[i] = true
      this.vals[i] = pair.seconds
    }
    this.forGroups(pair.end, pair.endTime, idx)
  }

  private forGroups(e: EventRecord, time: number, idx: number[]): void {
    const bucket = this.bucketOf(time)
    const w = this.def.window
    if (w === undefined) return this.forKeys(bucket, bucket.plain, null, e, time, idx)
    const hour = time - (time % HOUR)
    const latest = Math.floor(time / w.slide) * w.slide
    for (let s = latest - w.size + w.slide; s <= latest; s += w.slide) {
      if (time >= s + w.size) continue
      const slot = (s - hour) / w.slide
      let level = bucket.windows.get(slot)
      if (level === undefined) bucket.windows.set(slot, (level = new Map()))
      this.forKeys(bucket, level, s, e, time, idx)
    }
  }

  private forKeys(bucket: Bucket, root: Level, window: number | null, e: EventRecord, time: number, idx: number[]): void {
    const simple = this.simpleKey
    if (simple !== undefined) {
      const key = this.keyScratch
      for (let k = 0; k < simple.length; k++) key[k] = simple[k]!(e, time)
      this.update(bucket.table, this.groupAt(bucket, root, window, key), e, time, idx)
      return
    }
    for (const key of keysOf(this.def, e, time)) this.update(bucket.table, this.groupAt(bucket, root, window, key), e, time, idx)
  }

  /** The slot of a key tuple's group, created when new. */
  private groupAt(bucket: Bucket, root: Level, window: number | null, key: KeyTuple): number {
    if (key.length > 0) return findSlot(root, bucket.table, window, key, key.length)
    let g = root.get(NO_KEY) as number | undefined
    if (g === undefined) root.set(NO_KEY, (g = bucket.table.alloc(window)))
    return g
  }

  private update(table: GroupTable, slot: number, e: EventRecord, time: number, idx: number[]): void {
    const { pass, vals } = this
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j]!
      if (pass[i]) table.add(i, slot, vals[i]!, e, time)
    }
  }

  private newBucket(): Bucket {
    return { table: new GroupTable(this.layout), plain: new Map(), windows: new Map() }
  }

  /** Files a group read from a snapshot under its window and key. */
  private place(bucket: Bucket, hour: number, g: Group): void {
    bucket.table.set(this.newSlot(bucket, hour, g.window, g.key), g.states)
  }

  /** The slot of a group read from a snapshot, filed under its window and key; a second group with both is an error. */
  private newSlot(bucket: Bucket, hour: number, window: number | null, key: KeyTuple): number {
    const w = this.def.window
    let root = bucket.plain
    if (w !== undefined) {
      const slot = (window! - hour) / w.slide
      let level = bucket.windows.get(slot)
      if (level === undefined) bucket.windows.set(slot, (level = new Map()))
      root = level
    }
    const before = bucket.table.n
    const slot = this.groupAt(bucket, root, window, key)
    if (bucket.table.n === before) throw pulseError('PULSE_ERR_INVALID_STATE', `duplicate group in a snapshot of ${this.def.name}`)
    return slot
  }

  /** The bucket of an event time's hour, created when new. */
  bucketOf(time: number): Bucket {
    const hour = time - (time % HOUR)
    if (hour === this.lastHour) return this.lastBucket!
    let b = this.buckets.get(hour)
    if (b === undefined) this.buckets.set(hour, (b = this.newBucket()))
    this.lastHour = hour
    this.lastBucket = b
    return b
  }

  /** Number of live groups over all buckets. */
  get groups(): number {
    let n = 0
    for (const b of this.buckets.values()) n += b.table.n
    return n
  }

  /** Deletes the buckets of hours that end at or before `cutoff`; returns the groups removed. */
  dropBefore(cutoff: number): number {
    let removed = 0
    for (const [hour, b] of this.buckets) {
      if (hour + HOUR <= cutoff) {
        removed += b.table.n
        this.buckets.delete(hour)
      }
    }
    this.lastHour = NaN
    this.lastBucket = undefined
    return removed
  }

  /**
   * Calls `each` for every group `filter` selects. Groups are found through the
   * window and key maps: a key filter descends one branch per filtered column, a
   * time range skips whole windows (or hours), so a point query costs what it
   * selects, not every group. Each group is materialized for the call; its
   * sketches are the live ones: read, don't change.
   */
  select(filter: GroupFilter, each: (g: LiveGroup) => void): void {
    this.selectSlots(filter, (table, slot) => each(table.group(slot)))
  }

  /** `select` without materializing: the table and slot of each group `filter` selects. */
  selectSlots(filter: GroupFilter, each: (table: GroupTable, slot: number) => void): void {
    const keyNames = Object.keys(this.def.key)
    const keys = filter.keys ?? {}
    // a filter on a column the view does not have selects nothing
    if (Object.keys(keys).some((k) => !keyNames.includes(k))) return
    const wanted = keyNames.map((k) => keys[k])
    const from = filter.from ?? -Infinity
    const to = filter.to ?? Infinity
    const w = this.def.window
    let table: GroupTable
    const found = (slot: number) => each(table, slot)
    const visit = (level: Level): void => {
      if (wanted.length > 0) return visitSlots(level, table, wanted, 0, found)
      const g = level.get(NO_KEY) as number | undefined
      if (g !== undefined) found(g)
    }
    for (const [hour, b] of this.buckets) {
      table = b.table
      if (w === undefined) {
        // non-windowed views select by the events' hour
        if (hour + HOUR > from && hour < to) visit(b.plain)
        continue
      }
      for (const [slot, level] of b.windows) {
        const start = hour + slot * w.slide
        if (start + w.size > from && start < to) visit(level)
      }
    }
  }

  /** The view's partial of the groups `filter` selects (merged into `into` when given), states copied. */
  partial(filter: GroupFilter = {}, into?: ViewPartial): ViewPartial {
    const out = into ?? { view: this.def.name, groups: new Map() }
    const { ops } = this
    this.select(filter, (g) => {
      const id = groupId(g.window, g.key)
      const mine = out.groups.get(id)
      if (mine === undefined) out.groups.set(id, { window: g.window, key: g.key, states: g.states.map((s, i) => ops[i]!.merge(ops[i]!.init(), s)) })
      else mine.states = mine.states.map((s: unknown, i: number) => ops[i]!.merge(s, g.states[i]))
    })
    return out
  }

  /** Snapshot form (version 4): per bucket its hour and its table's columns (GroupTable.writeColumns). */
  write(w: Writer): void {
    w.varint(this.buckets.size)
    for (const [hour, b] of this.buckets) {
      w.f64(hour)
      b.table.writeColumns(w)
    }
  }

  /** Reads what `write` wrote; snapshots before version 4 hold each group as a row (window, key, states). */
  read(r: Reader, version: number): void {
    this.buckets.clear()
    this.lastHour = NaN
    this.lastBucket = undefined
    for (let nb = r.varint(); nb > 0; nb--) {
      const hour = r.f64()
      const b = this.newBucket()
      if (version >= 4) this.readColumns(r, b, hour)
      else {
        for (let ng = r.varint(); ng > 0; ng--) {
          const window = r.u8() === 1 ? r.f64() : null
          const key: KeyTuple = []
          for (let k = r.varint(); k > 0; k--) key.push(r.scalar())
          this.place(b, hour, { window, key, states: this.ops.map((o) => o.read(r)) })
        }
      }
      this.buckets.set(hour, b)
    }
  }

  /** A bucket's columns: its groups are filed in the order written, so that slot i gets the measures' entry i. */
  private readColumns(r: Reader, b: Bucket, hour: number): void {
    const win = readWindows(r)
    const n = win.length
    const keys = Array.from({ length: this.layout.keyCount }, () => {
      const values = new Array<Scalar>(n)
      for (let i = 0; i < n; i++) values[i] = r.scalar()
      return values
    })
    const key: Scalar[] = new Array<Scalar>(keys.length)
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < keys.length; k++) key[k] = keys[k]![i]!
      const w = win[i]!
      this.newSlot(b, hour, Number.isNaN(w) ? null : w, key)
    }
    b.table.readMeasures(r)
  }
}
