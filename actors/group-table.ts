// The groups of one view in one event-time hour, stored by column: a group is a
// slot number, and each measure's state is one or more typed-array columns
// indexed by it. The earlier layout, an object per group with a key tuple, a
// states array and an object per sum, put half a kilobyte of small objects per
// group on the young generation, all of which survived until the hour was
// dropped: the workers' scavenges copied them, and a read waited behind that
// copying. Columns grow by doubling, so a new group costs no allocation until a
// column is full. A distinct count keeps its first two hashes in columns (most
// groups see one or two users: a user's own rows, a minute of a video) and
// becomes a sketch object at the third; first/last picks and per-key maps stay
// objects (created when a group first needs one).
//
// A group is materialized (window, key tuple, states as views/state/measures.ts
// holds them) only when it is read: queries, snapshots, ranking.
import type { Measure, ViewDef } from '../views/dsl.js'
import type { EventRecord, KeyTuple, Scalar } from '../views/semantics.js'
import type { MeasureOps } from '../views/state/measures.js'
import { opsFor } from '../views/state/measures.js'
import { Hll } from '../views/state/hll.js'
import { HASH, hashString } from '../views/state/hash.js'
import type { Writer } from '../views/state/codec.js'

export type Column = Float64Array | Uint32Array | Uint8Array | unknown[]
type ColumnKind = 'f64' | 'u32' | 'u8' | 'obj'

/** How one measure kind lays its state out in columns, and converts to and from its ops' state. */
interface MeasureColumns {
  readonly kinds: readonly ColumnKind[]
  /** Applies one value (the measure's filter passed) to the state at `slot`, columns from `at`. */
  add(cols: Column[], at: number, slot: number, v: Scalar, e: EventRecord, time: number): void
  /** The state as its MeasureOps holds it (numbers copied, objects shared: read, don't keep). */
  get(cols: Column[], at: number, slot: number): unknown
  set(cols: Column[], at: number, slot: number, state: unknown): void
  /** Writes the state as its ops' write would, without materializing it (snapshots). */
  write(w: Writer, cols: Column[], at: number, slot: number): void
}

interface SumState {
  s: number
  c: number
  n: number
}

interface Durations extends SumState {
  min: number
  max: number
}

/** Neumaier's compensated addition of x into (s[i], c[i]), as measures.ts. */
function kadd(s: Float64Array, c: Float64Array, i: number, x: number): void {
  const sum = s[i]!
  const t = sum + x
  c[i] = c[i]! + (Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum)
  s[i] = t
}

const f64 = (cols: Column[], i: number) => cols[i] as Float64Array
const u32 = (cols: Column[], i: number) => cols[i] as Uint32Array
const u8 = (cols: Column[], i: number) => cols[i] as Uint8Array
const obj = (cols: Column[], i: number) => cols[i] as unknown[]

const countColumns: MeasureColumns = {
  kinds: ['f64'],
  add: (cols, at, slot) => void f64(cols, at)[slot]!++,
  get: (cols, at, slot) => f64(cols, at)[slot],
  set: (cols, at, slot, s) => void (f64(cols, at)[slot] = s as number),
  write: (w, cols, at, slot) => void w.varint(f64(cols, at)[slot]!),
}

const anyColumns: MeasureColumns = {
  kinds: ['u8'],
  add: (cols, at, slot) => void (u8(cols, at)[slot] = 1),
  get: (cols, at, slot) => u8(cols, at)[slot] === 1,
  set: (cols, at, slot, s) => void (u8(cols, at)[slot] = s === true ? 1 : 0),
  write: (w, cols, at, slot) => void w.u8(u8(cols, at)[slot]!),
}

/** sum and avg: s, c (compensation), n */
const sumColumns: MeasureColumns = {
  kinds: ['f64', 'f64', 'f64'],
  add: (cols, at, slot, v) => {
    if (typeof v !== 'number') return
    kadd(f64(cols, at), f64(cols, at + 1), slot, v)
    f64(cols, at + 2)[slot]!++
  },
  get: (cols, at, slot): SumState => ({ s: f64(cols, at)[slot]!, c: f64(cols, at + 1)[slot]!, n: f64(cols, at + 2)[slot]! }),
  set: (cols, at, slot, state) => {
    const x = state as SumState
    f64(cols, at)[slot] = x.s
    f64(cols, at + 1)[slot] = x.c
    f64(cols, at + 2)[slot] = x.n
  },
  write: (w, cols, at, slot) => void w.f64(f64(cols, at)[slot]!).f64(f64(cols, at + 1)[slot]!).varint(f64(cols, at + 2)[slot]!),
}

/** min and max: the value, and whether there is one (null otherwise) */
function extremeColumns(pick: (a: number, b: number) => number): MeasureColumns {
  return {
    kinds: ['f64', 'u8'],
    add: (cols, at, slot, v) => {
      if (typeof v !== 'number') return
      const has = u8(cols, at + 1)
      const x = f64(cols, at)
      x[slot] = has[slot] === 1 ? pick(x[slot]!, v) : v
      has[slot] = 1
    },
    get: (cols, at, slot) => (u8(cols, at + 1)[slot] === 1 ? f64(cols, at)[slot] : null),
    set: (cols, at, slot, s) => {
      f64(cols, at)[slot] = s === null ? 0 : (s as number)
      u8(cols, at + 1)[slot] = s === null ? 0 : 1
    },
    write: (w, cols, at, slot) => void w.scalar(u8(cols, at + 1)[slot] === 1 ? f64(cols, at)[slot]! : null),
  }
}

/** pair durations: n, s, c, min, max (min and max meaningful once n > 0) */
const pairColumns: MeasureColumns = {
  kinds: ['f64', 'f64', 'f64', 'f64', 'f64'],
  add: (cols, at, slot, v) => {
    const x = v as number
    const n = f64(cols, at)
    const min = f64(cols, at + 3)
    const max = f64(cols, at + 4)
    if (n[slot] === 0 || x < min[slot]!) min[slot] = x
    if (n[slot] === 0 || x > max[slot]!) max[slot] = x
    n[slot]!++
    kadd(f64(cols, at + 1), f64(cols, at + 2), slot, x)
  },
  get: (cols, at, slot): Durations => {
    const n = f64(cols, at)[slot]!
    return { n, s: f64(cols, at + 1)[slot]!, c: f64(cols, at + 2)[slot]!, min: n === 0 ? Infinity : f64(cols, at + 3)[slot]!, max: n === 0 ? -Infinity : f64(cols, at + 4)[slot]! }
  },
  set: (cols, at, slot, state) => {
    const x = state as Durations
    f64(cols, at)[slot] = x.n
    f64(cols, at + 1)[slot] = x.s
    f64(cols, at + 2)[slot] = x.c
    f64(cols, at + 3)[slot] = x.min
    f64(cols, at + 4)[slot] = x.max
  },
  write: (w, cols, at, slot) => {
    const n = f64(cols, at)[slot]!
    w.varint(n).f64(f64(cols, at + 1)[slot]!).f64(f64(cols, at + 2)[slot]!)
    w.f64(n === 0 ? Infinity : f64(cols, at + 3)[slot]!).f64(n === 0 ? -Infinity : f64(cols, at + 4)[slot]!)
  },
}

/** Measures whose state stays an object (sketches, picks, per-key maps): null until the group first needs one. */
function objectColumns(ops: MeasureOps<unknown>): MeasureColumns {
  return {
    kinds: ['obj'],
    add: (cols, at, slot, v, e, time) => {
      const col = obj(cols, at)
      const s = col[slot]
      col[slot] = ops.add(s === null ? ops.init() : s, v, e, time)
    },
    get: (cols, at, slot) => obj(cols, at)[slot] ?? ops.init(),
    set: (cols, at, slot, s) => void (obj(cols, at)[slot] = s),
    write: (w, cols, at, slot) => ops.write(w, obj(cols, at)[slot] ?? ops.init()),
  }
}

/** Inline hashes per group before a distinct count becomes a sketch object (two: `Hll.writeSmall` writes them). */
const INLINE = 2
/** The inline count of a group whose hashes moved to its sketch. */
const SPILLED = 255

/**
 * Adds a hash (hi, lo) to the distinct count at `slot`: columns from `at` are
 * the inline count (u8), INLINE pairs of hash words (u32), and the sketch (obj).
 * The sketch chooses its representation by content, so one built from the
 * inline hashes has the bytes it would have had all along.
 */
function addDistinctHash(cols: Column[], at: number, slot: number, hi: number, lo: number): void {
  const count = u8(cols, at)
  const n = count[slot]!
  if (n === SPILLED) {
    ;(obj(cols, at + 1 + 2 * INLINE)[slot] as Hll).addHash(hi, lo)
    return
  }
  for (let j = 0; j < n; j++) if (u32(cols, at + 1 + 2 * j)[slot] === hi && u32(cols, at + 2 + 2 * j)[slot] === lo) return
  if (n < INLINE) {
    u32(cols, at + 1 + 2 * n)[slot] = hi
    u32(cols, at + 2 + 2 * n)[slot] = lo
    count[slot] = n + 1
    return
  }
  const h = inlineSketch(cols, at, slot, n).addHash(hi, lo)
  obj(cols, at + 1 + 2 * INLINE)[slot] = h
  count[slot] = SPILLED
}

function inlineSketch(cols: Column[], at: number, slot: number, n: number): Hll {
  const h = Hll.empty()
  for (let j = 0; j < n; j++) h.addHash(u32(cols, at + 1 + 2 * j)[slot]!, u32(cols, at + 2 + 2 * j)[slot]!)
  return h
}

/** A distinct count's value (generated code): hashed as the sketch would. */
export function addDistinct(cols: Column[], at: number, slot: number, v: string): void {
  hashString(v)
  addDistinctHash(cols, at, slot, HASH[0]!, HASH[1]!)
}

const distinctColumns: MeasureColumns = {
  kinds: ['u8', ...Array.from({ length: 2 * INLINE }, (): ColumnKind => 'u32'), 'obj'],
  add: (cols, at, slot, v) => {
    if (v !== null) addDistinct(cols, at, slot, typeof v === 'string' ? v : String(v))
  },
  get: (cols, at, slot) => {
    const n = u8(cols, at)[slot]!
    return n === SPILLED ? obj(cols, at + 1 + 2 * INLINE)[slot] : inlineSketch(cols, at, slot, n)
  },
  set: (cols, at, slot, s) => {
    const h = s as Hll
    const n = h.exactCount()
    if (n < 0 || n > INLINE) {
      u8(cols, at)[slot] = SPILLED
      obj(cols, at + 1 + 2 * INLINE)[slot] = h
      return
    }
    for (let j = 0; j < n; j++) {
      h.hashAt(j)
      u32(cols, at + 1 + 2 * j)[slot] = HASH[0]!
      u32(cols, at + 2 + 2 * j)[slot] = HASH[1]!
    }
    u8(cols, at)[slot] = n
  },
  write: (w, cols, at, slot) => {
    const n = u8(cols, at)[slot]!
    if (n === SPILLED) (obj(cols, at + 1 + 2 * INLINE)[slot] as Hll).write(w)
    else Hll.writeSmall(w, n, u32(cols, at + 1)[slot]!, u32(cols, at + 2)[slot]!, u32(cols, at + 3)[slot]!, u32(cols, at + 4)[slot]!)
  },
}

function columnsFor(m: Measure): MeasureColumns {
  switch (m.kind) {
    case 'count':
      return countColumns
    case 'any':
      return anyColumns
    case 'sum':
    case 'avg':
      return sumColumns
    case 'min':
      return extremeColumns(Math.min)
    case 'max':
      return extremeColumns(Math.max)
    case 'pairs':
      return pairColumns
    case 'distinct':
      return distinctColumns
    case 'first':
    case 'last':
    case 'perKey':
      return objectColumns(opsFor(m))
  }
}

/** A view's column layout: per measure its columns' kind and the index of its first. */
export class TableLayout {
  static of(def: ViewDef): TableLayout {
    return new TableLayout(Object.values<Measure>(def.measures), Object.keys(def.key).length)
  }

  readonly measures: readonly MeasureColumns[]
  /** index of each measure's first column */
  readonly at: readonly number[]
  readonly kinds: readonly ColumnKind[]

  constructor(
    measures: readonly Measure[],
    readonly keyCount: number,
  ) {
    this.measures = measures.map(columnsFor)
    const at: number[] = []
    const kinds: ColumnKind[] = []
    for (const m of this.measures) {
      at.push(kinds.length)
      kinds.push(...m.kinds)
    }
    this.at = at
    this.kinds = kinds
  }
}

const FIRST_CAPACITY = 16

const ARRAYS = { f64: Float64Array, u32: Uint32Array, u8: Uint8Array }

function grow<T extends Float64Array | Uint32Array | Uint8Array>(col: T, cap: number): T {
  const out = new (col.constructor as new (n: number) => T)(cap)
  out.set(col)
  return out
}

export class GroupTable {
  /** groups held: slots [0, n) */
  n = 0
  private capacity = FIRST_CAPACITY
  /** window start per slot; NaN for non-windowed views */
  private win: Float64Array = new Float64Array(FIRST_CAPACITY)
  /** per key column, its value per slot */
  readonly keys: Scalar[][]
  readonly cols: Column[]

  constructor(readonly layout: TableLayout) {
    this.keys = Array.from({ length: layout.keyCount }, () => [])
    this.cols = layout.kinds.map((k) => (k === 'obj' ? [] : new ARRAYS[k](FIRST_CAPACITY)))
  }

  /** A new group's slot, its states empty; the caller pushes its key values onto `keys`. */
  alloc(window: number | null): number {
    const slot = this.n++
    if (slot === this.capacity) this.grow()
    this.win[slot] = window === null ? NaN : window
    const cols = this.cols
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!
      if (Array.isArray(c)) c.push(null)
    }
    return slot
  }

  private grow(): void {
    const cap = (this.capacity *= 2)
    this.win = grow(this.win, cap)
    const cols = this.cols
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!
      if (!Array.isArray(c)) cols[i] = grow(c, cap)
    }
  }

  /** Replaces a group's states with the given ones, in the form of measures.ts (snapshots). */
  set(slot: number, states: readonly unknown[]): void {
    const { measures, at } = this.layout
    for (let i = 0; i < measures.length; i++) measures[i]!.set(this.cols, at[i]!, slot, states[i])
  }

  /** Applies a value to measure i of a group, as its ops' add would. */
  add(i: number, slot: number, v: Scalar, e: EventRecord, time: number): void {
    this.layout.measures[i]!.add(this.cols, this.layout.at[i]!, slot, v, e, time)
  }

  /** Writes the group at `slot` as views/state/partial.ts's writeGroup writes its materialized form. */
  write(w: Writer, slot: number): void {
    const win = this.win[slot]!
    if (Number.isNaN(win)) w.u8(0)
    else w.u8(1).f64(win)
    const keys = this.keys
    w.varint(keys.length)
    for (let k = 0; k < keys.length; k++) w.scalar(keys[k]![slot]!)
    const { measures, at } = this.layout
    for (let i = 0; i < measures.length; i++) measures[i]!.write(w, this.cols, at[i]!, slot)
  }

  window(slot: number): number | null {
    const w = this.win[slot]!
    return Number.isNaN(w) ? null : w
  }

  key(slot: number): KeyTuple {
    const keys = this.keys
    const out = new Array<Scalar>(keys.length)
    for (let k = 0; k < keys.length; k++) out[k] = keys[k]![slot]!
    return out
  }

  /** The group at `slot` in the form of views/state/partial.ts: a new object, its numeric states copies. */
  group(slot: number): { window: number | null; key: KeyTuple; states: unknown[] } {
    const { measures, at } = this.layout
    const states = new Array<unknown>(measures.length)
    for (let i = 0; i < measures.length; i++) states[i] = measures[i]!.get(this.cols, at[i]!, slot)
    return { window: this.window(slot), key: this.key(slot), states }
  }
}

