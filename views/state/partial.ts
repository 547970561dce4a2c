// Executes a view definition incrementally into mergeable partial state: per
// (window, key) group, one state per measure. Partials from any actor, worker,
// node or layer merge with mergePartials; finalize turns a partial into rows.
//
// Serialized partial, after the codec's primitives:
//   u8 version (1), string view name, varint group count, then per group:
//   u8 has-window, [f64 window start], varint key length, key scalars,
//   then each measure's state in definition order (see measures.ts).
// A group may appear more than once (a worker writes each of its actors'
// groups as they are, without merging them first); readers merge repeats.
import type { Measure, ViewDef } from '../dsl.js'
import { feeds, keysOf, valueOf, windowsFor, passes } from '../semantics.js'
import type { EventRecord, KeyTuple } from '../semantics.js'
import { finishRow, sortRows } from '../evaluate.js'
import type { Row } from '../evaluate.js'
import { opsFor } from './measures.js'
import type { MeasureOps } from './measures.js'
import { PairMatcher } from './pair-matcher.js'
import { Reader, Writer } from './codec.js'
import { pulseError } from '../../src/errors.js'

export interface Group {
  window: number | null
  key: KeyTuple
  states: unknown[]
}

export interface ViewPartial {
  view: string
  groups: Map<string, Group>
}

/** A group's identity within a ViewPartial. */
export const groupId = (window: number | null, key: KeyTuple): string => JSON.stringify([window, key])

/** Compiled form of a definition: ops per measure, matchers per pairing. */
export class CompiledView {
  readonly measures: Measure[]
  readonly ops: MeasureOps<unknown>[]
  constructor(readonly def: ViewDef) {
    this.measures = Object.values(def.measures)
    this.ops = this.measures.map(opsFor)
  }
}

const compiled = new WeakMap<ViewDef, CompiledView>()
export function compile(def: ViewDef): CompiledView {
  let c = compiled.get(def)
  if (c === undefined) compiled.set(def, (c = new CompiledView(def)))
  return c
}

/** Builds one view's partial from events, in arrival order. */
export class ViewAggregator {
  private readonly c: CompiledView
  private readonly matchers = new Map<unknown, PairMatcher>()
  readonly partial: ViewPartial

  constructor(readonly view: ViewDef) {
    this.c = compile(view)
    this.partial = { view: view.name, groups: new Map() }
    for (const m of this.c.measures) {
      if (m.kind === 'pairs' && !this.matchers.has(m.pairing)) this.matchers.set(m.pairing, new PairMatcher(m.pairing))
    }
  }

  add(topic: string, e: EventRecord, time: number): void {
    if (!feeds(this.view, topic, e)) return
    const { measures, ops } = this.c
    for (const g of this.groupsOf(e, time)) {
      for (let i = 0; i < measures.length; i++) {
        const m = measures[i]!
        if (m.kind === 'pairs' || !passes(m.filter, e)) continue
        const v = m.kind === 'count' || m.kind === 'any' ? null : valueOf(m.value, e, time)
        g.states[i] = ops[i]!.add(g.states[i], v, e, time)
      }
    }
    for (const [pairing, matcher] of this.matchers) {
      const pair = matcher.offer(e, time)
      if (pair === undefined) continue
      for (const g of this.groupsOf(pair.end, pair.endTime)) {
        for (let i = 0; i < measures.length; i++) {
          const m = measures[i]!
          if (m.kind === 'pairs' && m.pairing === pairing) g.states[i] = ops[i]!.add(g.states[i], pair.seconds, pair.end, pair.endTime)
        }
      }
    }
  }

  private groupsOf(e: EventRecord, time: number): Group[] {
    const windows = this.view.window ? windowsFor(time, this.view.window) : [null]
    const out: Group[] = []
    for (const w of windows) {
      for (const key of keysOf(this.view, e, time)) {
        const id = groupId(w, key)
        let g = this.partial.groups.get(id)
        if (g === undefined) this.partial.groups.set(id, (g = { window: w, key, states: this.c.ops.map((o) => o.init()) }))
        out.push(g)
      }
    }
    return out
  }
}

/** The partial of `events` (each `{topic, event, time}`), processed in order. */
export function partialOf(view: ViewDef, events: Iterable<{ topic: string; event: EventRecord; time: number }>): ViewPartial {
  const agg = new ViewAggregator(view)
  for (const ev of events) agg.add(ev.topic, ev.event, ev.time)
  return agg.partial
}

/** a ⊕ b: a new partial; the inputs are not changed. */
export function mergePartials(view: ViewDef, a: ViewPartial, b: ViewPartial): ViewPartial {
  const { ops } = compile(view)
  const out: ViewPartial = { view: view.name, groups: new Map() }
  const copy = (g: Group): Group => ({ window: g.window, key: g.key, states: g.states.map((s, i) => ops[i]!.merge(ops[i]!.init(), s)) })
  for (const [id, g] of a.groups) out.groups.set(id, copy(g))
  for (const [id, g] of b.groups) {
    const mine = out.groups.get(id)
    if (mine === undefined) out.groups.set(id, copy(g))
    else mine.states = mine.states.map((s, i) => ops[i]!.merge(s, g.states[i]))
  }
  return out
}

/**
 * b merged into a, in place: for partials the caller owns (just deserialized),
 * where copying every group as mergePartials does is wasted work. a's groups
 * get new merged states; b's groups a lacks are taken as they are, so b is
 * consumed: use only a afterwards.
 */
export function mergeInto(view: ViewDef, a: ViewPartial, b: ViewPartial): ViewPartial {
  const { ops } = compile(view)
  for (const [id, g] of b.groups) {
    const mine = a.groups.get(id)
    if (mine === undefined) a.groups.set(id, g)
    else for (let i = 0; i < ops.length; i++) mine.states[i] = ops[i]!.merge(mine.states[i], g.states[i])
  }
  return a
}

/** The rows of a partial: measures finalized, derived measures computed after the merge. */
export function finalize(view: ViewDef, p: ViewPartial): Row[] {
  const { ops } = compile(view)
  const names = Object.keys(view.measures)
  const rows: Row[] = []
  for (const g of p.groups.values()) {
    rows.push(finishRow(view, g.window, g.key, (name) => { const i = names.indexOf(name); return ops[i]!.result(g.states[i]) }))
  }
  return sortRows(view, rows)
}

/** Writes one group: window, key, then each measure's state. */
export function writeGroup(w: Writer, ops: readonly MeasureOps<unknown>[], g: Group): void {
  if (g.window === null) w.u8(0)
  else w.u8(1).f64(g.window)
  w.varint(g.key.length)
  for (let k = 0; k < g.key.length; k++) w.scalar(g.key[k]!)
  for (let i = 0; i < ops.length; i++) ops[i]!.write(w, g.states[i])
}

/**
 * Positions of groups by window and key, through one map per key column: a
 * lookup builds no identity string (a query of 20,000 groups spent most of
 * its dedupe time in groupId).
 */
export class GroupIndex {
  private readonly root = new Map<unknown, unknown>()

  constructor(private readonly depth: number) {}

  /** The last level's map for the group, created on the way when `create`. */
  private leaf(window: number | null, key: KeyTuple, create: boolean): Map<unknown, unknown> | undefined {
    let level = this.root
    let k: unknown = window
    for (let i = 0; i < this.depth; i++) {
      let next = level.get(k) as Map<unknown, unknown> | undefined
      if (next === undefined) {
        if (!create) return undefined
        level.set(k, (next = new Map()))
      }
      level = next
      k = key[i]
    }
    return level
  }

  get(window: number | null, key: KeyTuple): number | undefined {
    const depth = this.depth
    return this.leaf(window, key, false)?.get(depth === 0 ? window : key[depth - 1]) as number | undefined
  }

  /** The group's position; a group not indexed yet gets `at` (and undefined is returned). */
  getOrSet(window: number | null, key: KeyTuple, at: number): number | undefined {
    const leaf = this.leaf(window, key, true)!
    const k = this.depth === 0 ? window : key[this.depth - 1]
    const found = leaf.get(k) as number | undefined
    if (found === undefined) leaf.set(k, at)
    return found
  }
}

/**
 * Gathers groups by reference (live state: read, never written) for
 * serializeGroups, merging a group that comes again (from another actor) into a
 * copy, so that each is written once. With one source of groups, `dedupe`
 * false skips the index altogether.
 */
export class GroupCollector {
  readonly groups: Group[] = []
  private readonly ops: MeasureOps<unknown>[]
  /** positions in `groups` by window and key (only when deduplicating) */
  private readonly index: GroupIndex
  /** positions holding a merged copy rather than a live group */
  private readonly copies = new Set<number>()

  constructor(
    view: ViewDef,
    private readonly dedupe: boolean,
  ) {
    this.ops = compile(view).ops
    this.index = new GroupIndex(Object.keys(view.key).length)
  }

  /** The collected group with this window and key (deduplicating collectors only). */
  find(window: number | null, key: KeyTuple): Group | undefined {
    const at = this.index.get(window, key)
    return at === undefined ? undefined : this.groups[at]
  }

  readonly add = (g: Group): void => {
    if (!this.dedupe) {
      this.groups.push(g)
      return
    }
    const at = this.index.getOrSet(g.window, g.key, this.groups.length)
    if (at === undefined) {
      this.groups.push(g)
      return
    }
    const ops = this.ops
    const mine = this.groups[at]!
    if (!this.copies.has(at)) {
      // merge never changes its inputs: a new states array keeps the live group as it was
      this.copies.add(at)
      this.groups[at] = { window: mine.window, key: mine.key, states: mine.states.slice() }
    }
    const states = this.groups[at]!.states
    for (let i = 0; i < ops.length; i++) states[i] = ops[i]!.merge(states[i], g.states[i])
  }
}

/** Serializes groups as they are, in the given order, repeats included (see the format above). */
export function serializeGroups(view: ViewDef, groups: readonly Group[]): Uint8Array {
  const { ops } = compile(view)
  const w = new Writer().u8(1).string(view.name).varint(groups.length)
  for (let i = 0; i < groups.length; i++) writeGroup(w, ops, groups[i]!)
  return w.finish()
}

/** Serializes a partial, groups in id order: equal partials give equal bytes. */
export function serializePartial(view: ViewDef, p: ViewPartial): Uint8Array {
  return serializeGroups(view, [...p.groups.keys()].sort().map((id) => p.groups.get(id)!))
}

/**
 * Reads a serialized partial a few groups at a time, merging each into a
 * partial as it goes (no intermediate partial), so that a caller on a busy
 * thread can stop between steps and let other work run.
 */
export class PartialReader {
  private readonly r: Reader
  private readonly ops: MeasureOps<unknown>[]
  private left: number

  constructor(readonly view: ViewDef, bytes: Uint8Array) {
    this.ops = compile(view).ops
    this.r = new Reader(bytes)
    const version = this.r.u8()
    if (version !== 1) throw pulseError('PULSE_ERR_INVALID_STATE', `unknown partial version ${version}`)
    const name = this.r.string()
    if (name !== view.name) throw pulseError('PULSE_ERR_INVALID_STATE', `partial of ${name}, expected ${view.name}`)
    this.left = this.r.varint()
  }

  /** Merges up to `max` more groups into `into` (taking them as they are when new); true when all are read. */
  mergeInto(into: ViewPartial, max = Infinity): boolean {
    const { r, ops } = this
    const groups = into.groups
    for (let n = 0; n < max && this.left > 0; n++, this.left--) {
      const window = r.u8() === 1 ? r.f64() : null
      const key: KeyTuple = []
      for (let k = r.varint(); k > 0; k--) key.push(r.scalar())
      const states = new Array<unknown>(ops.length)
      for (let i = 0; i < ops.length; i++) states[i] = ops[i]!.read(r)
      const id = groupId(window, key)
      const mine = groups.get(id)
      if (mine === undefined) groups.set(id, { window, key, states })
      else for (let i = 0; i < ops.length; i++) mine.states[i] = ops[i]!.merge(mine.states[i], states[i])
    }
    if (this.left > 0) return false
    if (!r.done) throw pulseError('PULSE_ERR_INVALID_STATE', 'trailing bytes after the last group')
    return true
  }
}

/**
 * The merge of serialized partials, read in steps: the thread is handed back
 * (setImmediate) whenever a run of steps has taken `sliceMs`, so that merging
 * thousands of groups on a thread that also serves requests does not stall them.
 */
export async function mergeSerialized(view: ViewDef, parts: readonly Uint8Array[], sliceMs = 3): Promise<ViewPartial> {
  const out: ViewPartial = { view: view.name, groups: new Map() }
  let slice = performance.now()
  for (const bytes of parts) {
    const reader = new PartialReader(view, bytes)
    while (!reader.mergeInto(out, 256)) {
      if (performance.now() - slice < sliceMs) continue
      await new Promise<void>((resolve) => setImmediate(resolve))
      slice = performance.now()
    }
  }
  return out
}

export function deserializePartial(view: ViewDef, bytes: Uint8Array): ViewPartial {
  const out: ViewPartial = { view: view.name, groups: new Map() }
  new PartialReader(view, bytes).mergeInto(out)
  return out
}
