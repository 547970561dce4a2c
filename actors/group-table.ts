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
// holds them) only when it is read: queries, ranking. Snapshots write the
// columns themselves (writeColumns).
import type { Measure, ViewDef } from '../views/dsl.js'
import type { EventRecord, KeyTuple, Scalar } from '../views/semantics.js'
import type { MeasureOps } from '../views/state/measures.js'
import { opsFor } from '../views/state/measures.js'
import { Hll } from '../views/state/hll.js'
import { HASH, hashString } from '../views/state/hash.js'
import type { Reader, Writer } from '../views/state/codec.js'
import { pulseError } from '../src/errors.js'

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
  /**
   * Snapshots: writes the states its typed columns do not hold, slots [0, n),
   * after every typed column was written as it is (GroupTable.writeColumns).
   */
  writeObjects?(w: Writer, cols: Column[], at: number, n: number): void
  readObjects?(r: Reader, cols: Column[], at: number, n: number): void
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
}

const anyColumns: MeasureColumns = {
  kinds: ['u8'],
  add: (cols, at, slot) => void (u8(cols, at)[slot] = 1),
  get: (cols, at, slot) => u8(cols, at)[slot] === 1,
  set: (cols, at, slot, s) => void (u8(cols, at)[slot] = s === true ? 1 : 0),
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
    // no pairs yet: zeros, as a new group's columns (get reads ±Infinity)
    f64(cols, at + 3)[slot] = x.n === 0 ? 0 : x.min
    f64(cols, at + 4)[slot] = x.n === 0 ? 0 : x.max
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
    writeObjects: (w, cols, at, n) => {
      const col = obj(cols, at)
      for (let slot = 0; slot < n; slot++) ops.write(w, col[slot] ?? ops.init())
    },
    readObjects: (r, cols, at, n) => {
      const col = obj(cols, at)
      for (let slot = 0; slot < n; slot++) col[slot] = ops.read(r)
    },
  }
}

/** Inline hashes per group before a distinct count becomes a sketch object. */
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
    // kept ascending, as a sketch lists them: a state has one form in the columns, so snapshots of equal states are equal bytes
    let j = n
    for (; j > 0; j--) {
      const h = u32(cols, at + 1 + 2 * (j - 1))[slot]!
      const l = u32(cols, at + 2 + 2 * (j - 1))[slot]!
      if (h < hi || (h === hi && l < lo)) break
      u32(cols, at + 1 + 2 * j)[slot] = h
      u32(cols, at + 2 + 2 * j)[slot] = l
    }
    u32(cols, at + 1 + 2 * j)[slot] = hi
    u32(cols, at + 2 + 2 * j)[slot] = lo
    count[slot] = n + 1
    return
  }
  const h = inlineSketch(cols, at, slot, n).addHash(hi, lo)
  obj(cols, at + 1 + 2 * INLINE)[slot] = h
  count[slot] = SPILLED
  // the inline words are not read again; zeros, as a group restored spilled has
  for (let j = 1; j <= 2 * INLINE; j++) u32(cols, at + j)[slot] = 0
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
  // the inline counts and hashes are typed columns: only spilled sketches are written here
  writeObjects: (w, cols, at, n) => {
    const count = u8(cols, at)
    const col = obj(cols, at + 1 + 2 * INLINE)
    for (let slot = 0; slot < n; slot++) if (count[slot] === SPILLED) (col[slot] as Hll).write(w)
  },
  readObjects: (r, cols, at, n) => {
    const count = u8(cols, at)
    const col = obj(cols, at + 1 + 2 * INLINE)
    for (let slot = 0; slot < n; slot++) {
      const c = count[slot]!
      if (c === SPILLED) col[slot] = Hll.deserialize(r.bytes())
      else if (c > INLINE) throw pulseError('PULSE_ERR_INVALID_STATE', `inline distinct count ${c} in a snapshot`)
    }
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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Version 4 snapshots copy typed columns as they lie in memory: little-endian hosts only. */
function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw pulseError('PULSE_ERR_INVALID_STATE', 'snapshots hold columns in little-endian order; this host is big-endian')
}

/** The first n entries of a typed column as bytes (a view). */
const bytesOf = (c: Float64Array | Uint32Array | Uint8Array, n: number) => new Uint8Array(c.buffer, c.byteOffset, n * c.BYTES_PER_ELEMENT)

/** Windows as writeColumns wrote them (n, then the column): a copy, aligned. */
export function readWindows(r: Reader): Float64Array {
  const n = r.varint()
  const out = new Float64Array(n)
  new Uint8Array(out.buffer).set(r.raw(n * 8))
  return out
}

const ARRAYS = { f64: Float64Array, u32: Uint32Array, u8: Uint8Array }

/** A copy of a typed column in a new one of `cap` entries (the rest zeros). */
export function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(col: T, cap: number): T {
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

  /**
   * Snapshots (version 4): n, the window column, each key column's values,
   * every typed column's first n entries as they are in memory, then the
   * states held as objects. Copying columns whole instead of writing group by
   * group made an actor's snapshot, during which its worker applies nothing,
   * several times shorter.
   */
  writeColumns(w: Writer): void {
    requireLittleEndian()
    const n = this.n
    w.varint(n).raw(bytesOf(this.win, n))
    for (const values of this.keys) for (let slot = 0; slot < n; slot++) w.scalar(values[slot]!)
    for (const c of this.cols) if (!Array.isArray(c)) w.raw(bytesOf(c, n))
    const { measures, at } = this.layout
    for (let i = 0; i < measures.length; i++) measures[i]!.writeObjects?.(w, this.cols, at[i]!, n)
  }

  /**
   * Reads what writeColumns wrote after its windows and keys, once the caller
   * has allocated the groups (slots [0, n), in the order written).
   */
  readMeasures(r: Reader): void {
    requireLittleEndian()
    const n = this.n
    for (const c of this.cols) if (!Array.isArray(c)) bytesOf(c, n).set(r.raw(n * c.BYTES_PER_ELEMENT))
    const { measures, at } = this.layout
    for (let i = 0; i < measures.length; i++) measures[i]!.readObjects?.(r, this.cols, at[i]!, n)
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

  /** Measure m's state at `slot`, as its MeasureOps holds it (objects shared: read, don't keep). */
  state(m: number, slot: number): unknown {
    return this.layout.measures[m]!.get(this.cols, this.layout.at[m]!, slot)
  }

  /** The group at `slot` in the form of views/state/partial.ts: a new object, its numeric states copies. */
  group(slot: number): { window: number | null; key: KeyTuple; states: unknown[] } {
    const { measures, at } = this.layout
    const states = new Array<unknown>(measures.length)
    for (let i = 0; i < measures.length; i++) states[i] = measures[i]!.get(this.cols, at[i]!, slot)
    return { window: this.window(slot), key: this.key(slot), states }
  }
}

