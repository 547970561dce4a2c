// One view's live state inside a partition actor: the view's definition run
// incrementally, per (window, key) group, into the mergeable measure states of
// views/state. Groups are bucketed by the event-time hour of the events that
// built them, so that dropping everything before a batch cutoff (an hour
// boundary) is deleting whole buckets; a query merges the buckets.
//
// The hot path (`add`) compiles the definition once: filters become predicates,
// value references become accessors, and per event each measure's filter and
// value are computed once however many windows the event falls in. Group ids
// are short strings; key tuples are only built when a group is created.
import type { Filter, Measure, Pairing, ValueRef, ViewDef } from '../views/dsl.js'
import { keysOf, valueOf } from '../views/semantics.js'
import type { EventRecord, KeyTuple, Scalar } from '../views/semantics.js'
import { opsFor } from '../views/state/measures.js'
import type { MeasureOps } from '../views/state/measures.js'
import { groupId } from '../views/state/partial.js'
import type { ViewPartial } from '../views/state/partial.js'
import type { FormedPair } from '../views/state/pair-matcher.js'
import type { Reader, Writer } from '../views/state/codec.js'
import { HOUR } from '../src/events/time.js'

interface LiveGroup {
  window: number | null
  key: KeyTuple
  states: unknown[]
}

type Bucket = Map<string, LiveGroup>

/** Which groups a query wants: key columns equal to values, windows (or hours) overlapping [from, to). */
export interface GroupFilter {
  keys?: Readonly<Record<string, Scalar>>
  from?: number
  to?: number
}

type Accessor = (e: EventRecord, time: number) => Scalar

function accessor(ref: ValueRef): Accessor {
  switch (ref) {
    case 'score_pct':
    case 'position_pct':
    case 'time':
    case 'date':
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

const NULL_KEY = '\u0000'
const SEP = '\u0001'
const keyPart = (v: Scalar): string => (v === null ? NULL_KEY : String(v))

export class LiveView {
  /** hour start (ms) → groups of events in that hour */
  readonly buckets = new Map<number, Bucket>()
  private readonly ops: MeasureOps<unknown>[]
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
  private lastHour = NaN
  private lastBucket: Bucket | undefined

  constructor(readonly def: ViewDef) {
    const measures = Object.values<Measure>(def.measures)
    this.ops = measures.map(opsFor)
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
  }

  get name(): string {
    return this.def.name
  }

  /** Does the view take this event type at all? */
  takes(type: string): boolean {
    return this.types === undefined || this.types.has(type)
  }

  /** Applies one event to the direct measures of its groups. */
  add(e: EventRecord, time: number): void {
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
    if (w === undefined) return this.forKeys(bucket, null, e, time, idx)
    const latest = Math.floor(time / w.slide) * w.slide
    for (let s = latest - w.size + w.slide; s <= latest; s += w.slide) {
      if (time < s + w.size) this.forKeys(bucket, s, e, time, idx)
    }
  }

  private forKeys(bucket: Bucket, window: number | null, e: EventRecord, time: number, idx: number[]): void {
    const prefix = window === null ? '' : `${window}${SEP}`
    const simple = this.simpleKey
    if (simple !== undefined) {
      let id = prefix
      for (let k = 0; k < simple.length; k++) id += keyPart(simple[k]!(e, time)) + SEP
      let g = bucket.get(id)
      if (g === undefined) bucket.set(id, (g = this.newGroup(window, simple.map((a) => a(e, time)))))
      this.update(g, e, time, idx)
      return
    }
    for (const key of keysOf(this.def, e, time)) {
      let id = prefix
      for (const v of key) id += keyPart(v) + SEP
      let g = bucket.get(id)
      if (g === undefined) bucket.set(id, (g = this.newGroup(window, key)))
      this.update(g, e, time, idx)
    }
  }

  private update(g: LiveGroup, e: EventRecord, time: number, idx: number[]): void {
    const { ops, pass, vals } = this
    const states = g.states
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j]!
      if (pass[i]) states[i] = ops[i]!.add(states[i], vals[i]!, e, time)
    }
  }

  private newGroup(window: number | null, key: KeyTuple): LiveGroup {
    return { window, key, states: this.ops.map((o) => o.init()) }
  }

  private bucketOf(time: number): Bucket {
    const hour = time - (time % HOUR)
    if (hour === this.lastHour) return this.lastBucket!
    let b = this.buckets.get(hour)
    if (b === undefined) this.buckets.set(hour, (b = new Map()))
    this.lastHour = hour
    this.lastBucket = b
    return b
  }

  /** Number of live groups over all buckets. */
  get groups(): number {
    let n = 0
    for (const b of this.buckets.values()) n += b.size
    return n
  }

  /** Deletes the buckets of hours that end at or before `cutoff`; returns the groups removed. */
  dropBefore(cutoff: number): number {
    let removed = 0
    for (const [hour, b] of this.buckets) {
      if (hour + HOUR <= cutoff) {
        removed += b.size
        this.buckets.delete(hour)
      }
    }
    this.lastHour = NaN
    this.lastBucket = undefined
    return removed
  }

  /** The view's partial over every bucket, restricted to the groups `filter` selects. */
  partial(filter: GroupFilter = {}, into?: ViewPartial): ViewPartial {
    const out = into ?? { view: this.def.name, groups: new Map() }
    const keyNames = Object.keys(this.def.key)
    const wanted = Object.entries(filter.keys ?? {}).map(([name, v]) => [keyNames.indexOf(name), v] as const)
    const from = filter.from ?? -Infinity
    const to = filter.to ?? Infinity
    const size = this.def.window?.size
    for (const [hour, b] of this.buckets) {
      // non-windowed views select by the events' hour
      if (size === undefined && (hour + HOUR <= from || hour >= to)) continue
      for (const g of b.values()) {
        if (size !== undefined && (g.window! + size <= from || g.window! >= to)) continue
        if (wanted.some(([i, v]) => g.key[i] !== v)) continue
        const id = groupId(g.window, g.key)
        const mine = out.groups.get(id)
        const { ops } = this
        if (mine === undefined) out.groups.set(id, { window: g.window, key: g.key, states: g.states.map((s, i) => ops[i]!.merge(ops[i]!.init(), s)) })
        else mine.states = mine.states.map((s: unknown, i: number) => ops[i]!.merge(s, g.states[i]))
      }
    }
    return out
  }

  /** Binary form (snapshots): per bucket its hour and groups, each with window, key and measure states. */
  write(w: Writer): void {
    w.varint(this.buckets.size)
    for (const [hour, b] of this.buckets) {
      w.f64(hour).varint(b.size)
      for (const [id, g] of b) {
        w.string(id)
        if (g.window === null) w.u8(0)
        else w.u8(1).f64(g.window)
        w.varint(g.key.length)
        for (const k of g.key) w.scalar(k)
        g.states.forEach((s, i) => this.ops[i]!.write(w, s))
      }
    }
  }

  read(r: Reader): void {
    this.buckets.clear()
    this.lastHour = NaN
    this.lastBucket = undefined
    for (let nb = r.varint(); nb > 0; nb--) {
      const hour = r.f64()
      const b: Bucket = new Map()
      for (let ng = r.varint(); ng > 0; ng--) {
        const id = r.string()
        const window = r.u8() === 1 ? r.f64() : null
        const key: KeyTuple = []
        for (let k = r.varint(); k > 0; k--) key.push(r.scalar())
        b.set(id, { window, key, states: this.ops.map((o) => o.read(r)) })
      }
      this.buckets.set(hour, b)
    }
  }
}
