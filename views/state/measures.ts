// Mergeable partial state for every measure kind: init, add, merge, result,
// and a binary form. merge never mutates its inputs, and is commutative and
// associative (up to floating-point rounding for sums, which use compensated
// summation so that the order of additions changes results by ~1 ulp at most).
import type { Measure, MeasureValue } from '../dsl.js'
import type { EventRecord, Scalar } from '../semantics.js'
import { Hll } from './hll.js'
import type { Reader, Writer } from './codec.js'

export interface MeasureOps<S> {
  init(): S
  /** `value` is what the measure reads from the event (the duration in seconds for pairs); may update `s` in place. */
  add(s: S, value: Scalar, e: EventRecord, time: number): S
  /** A new state: shares nothing `add` could change with `a` or `b`. */
  merge(a: S, b: S): S
  result(s: S): MeasureValue
  write(w: Writer, s: S): void
  read(r: Reader): S
}

// Neumaier's compensated sum: s + c, c holding the rounding error of s.
// States are flat objects: one allocation per group and measure.
interface KSum {
  s: number
  c: number
}
function kadd(k: KSum, x: number): void {
  const t = k.s + x
  k.c += Math.abs(k.s) >= Math.abs(x) ? k.s - t + x : x - t + k.s
  k.s = t
}

const count: MeasureOps<number> = {
  init: () => 0,
  add: (s) => s + 1,
  merge: (a, b) => a + b,
  result: (s) => s,
  write: (w, s) => void w.varint(s),
  read: (r) => r.varint(),
}

interface SumState extends KSum {
  n: number
}
function sumLike(finish: (s: SumState) => MeasureValue): MeasureOps<SumState> {
  return {
    init: () => ({ s: 0, c: 0, n: 0 }),
    add: (st, v) => {
      if (typeof v === 'number') {
        kadd(st, v)
        st.n++
      }
      return st
    },
    merge: (a, b) => {
      // an empty side is the identity, exactly (not just numerically)
      if (a.n === 0 || b.n === 0) {
        const x = a.n === 0 ? b : a
        return { s: x.s, c: x.c, n: x.n }
      }
      const out: SumState = { s: a.s, c: a.c, n: a.n + b.n }
      kadd(out, b.s)
      kadd(out, b.c)
      return out
    },
    result: finish,
    write: (w, st) => void w.f64(st.s).f64(st.c).varint(st.n),
    read: (r) => ({ s: r.f64(), c: r.f64(), n: r.varint() }),
  }
}
const sum = sumLike((st) => st.s + st.c)
const avg = sumLike((st) => (st.n === 0 ? null : (st.s + st.c) / st.n))

function extreme(pick: (a: number, b: number) => number): MeasureOps<number | null> {
  return {
    init: () => null,
    add: (s, v) => (typeof v !== 'number' ? s : s === null ? v : pick(s, v)),
    merge: (a, b) => (a === null ? b : b === null ? a : pick(a, b)),
    result: (s) => s,
    write: (w, s) => void w.scalar(s),
    read: (r) => r.scalar() as number | null,
  }
}
const min = extreme(Math.min)
const max = extreme(Math.max)

const distinct: MeasureOps<Hll> = {
  init: () => Hll.empty(),
  add: (s, v) => {
    if (v !== null) s.add(typeof v === 'string' ? v : String(v))
    return s
  },
  merge: (a, b) => a.merge(b),
  result: (s) => s.estimate(),
  write: (w, s) => s.write(w),
  read: (r) => Hll.deserialize(r.bytes()),
}

/** The value at the earliest (first) or latest (last) event time; ties go to the larger event_id. */
interface Pick {
  time: number
  id: string
  value: Scalar
}
function byTime(latest: boolean): MeasureOps<Pick | null> {
  /** whether (time, id) wins over `b`: the one ordering of add and merge */
  const beats = (time: number, id: string, b: Pick) => (latest ? time > b.time : time < b.time) || (time === b.time && id > b.id)
  return {
    init: () => null,
    add: (s, v, e, time) => {
      // most events lose on time alone: decided before the id is made a string
      if (s !== null && (latest ? time < s.time : time > s.time)) return s
      const id = String(e.event_id)
      if (s === null) return { time, id, value: v }
      // a state has one owner (merge copies), so the winner is written in place:
      // a new Pick per winning event was most of what a 'last' measure allocated
      if (beats(time, id, s)) {
        s.time = time
        s.id = id
        s.value = v
      }
      return s
    },
    merge: (a, b) => {
      const w = a === null ? b : b === null ? a : beats(b.time, b.id, a) ? b : a
      return w === null ? null : { time: w.time, id: w.id, value: w.value }
    },
    result: (s) => (s === null ? null : s.value),
    write: (w, s) => {
      if (s === null) w.u8(0)
      else w.u8(1).f64(s.time).string(s.id).scalar(s.value)
    },
    read: (r) => (r.u8() === 0 ? null : { time: r.f64(), id: r.string(), value: r.scalar() }),
  }
}

const anyOps: MeasureOps<boolean> = {
  init: () => false,
  add: () => true,
  merge: (a, b) => a || b,
  result: (s) => s,
  write: (w, s) => void w.u8(s ? 1 : 0),
  read: (r) => r.u8() === 1,
}

/** count, sum, min and max of pair durations: enough for every pair aggregate. */
interface Durations extends KSum {
  n: number
  min: number
  max: number
}
function pairOps(agg: 'count' | 'sum' | 'avg' | 'min' | 'max'): MeasureOps<Durations> {
  return {
    init: () => ({ n: 0, s: 0, c: 0, min: Infinity, max: -Infinity }),
    add: (s, v) => {
      const x = v as number
      s.n++
      kadd(s, x)
      if (x < s.min) s.min = x
      if (x > s.max) s.max = x
      return s
    },
    merge: (a, b) => {
      if (a.n === 0 || b.n === 0) {
        const x = a.n === 0 ? b : a
        return { n: x.n, s: x.s, c: x.c, min: x.min, max: x.max }
      }
      const out: Durations = { n: a.n + b.n, s: a.s, c: a.c, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) }
      kadd(out, b.s)
      kadd(out, b.c)
      return out
    },
    result: (s) => {
      const total = s.s + s.c
      if (agg === 'count') return s.n
      if (agg === 'sum') return total
      if (s.n === 0) return null
      return agg === 'avg' ? total / s.n : agg === 'min' ? s.min : s.max
    },
    write: (w, s) => void w.varint(s.n).f64(s.s).f64(s.c).f64(s.min).f64(s.max),
    read: (r) => ({ n: r.varint(), s: r.f64(), c: r.f64(), min: r.f64(), max: r.f64() }),
  }
}

/** inner aggregate per sub-key (a map), outer aggregate over the map at the end. */
function perKeyOps(m: Extract<Measure, { kind: 'perKey' }>): MeasureOps<Map<string, number>> {
  const combine = m.inner === 'max' ? Math.max : m.inner === 'min' ? Math.min : (a: number, b: number) => a + b
  return {
    init: () => new Map(),
    add: (s, v, e) => {
      if (typeof v !== 'number') return s
      const sub = String(e[m.subKey])
      const prev = s.get(sub)
      s.set(sub, prev === undefined ? v : combine(prev, v))
      return s
    },
    merge: (a, b) => {
      const out = new Map(a)
      for (const [k, v] of b) {
        const prev = out.get(k)
        out.set(k, prev === undefined ? v : combine(prev, v))
      }
      return out
    },
    result: (s) => {
      if (s.size === 0) return m.outer === 'sum' ? 0 : null
      const xs = [...s.values()]
      if (m.outer === 'sum') return xs.reduce((a, b) => a + b, 0)
      if (m.outer === 'avg') return xs.reduce((a, b) => a + b, 0) / xs.length
      return m.outer === 'max' ? Math.max(...xs) : Math.min(...xs)
    },
    write: (w, s) => {
      // sorted keys: equal states give equal bytes
      const keys = [...s.keys()].sort()
      w.varint(keys.length)
      for (const k of keys) w.string(k).f64(s.get(k)!)
    },
    read: (r) => {
      const s = new Map<string, number>()
      for (let n = r.varint(); n > 0; n--) s.set(r.string(), r.f64())
      return s
    },
  }
}

/** The operations of one measure of a definition. */
export function opsFor(m: Measure): MeasureOps<unknown> {
  switch (m.kind) {
    case 'count':
      return count as MeasureOps<unknown>
    case 'sum':
      return sum as MeasureOps<unknown>
    case 'avg':
      return avg as MeasureOps<unknown>
    case 'min':
      return min as MeasureOps<unknown>
    case 'max':
      return max as MeasureOps<unknown>
    case 'distinct':
      return distinct as MeasureOps<unknown>
    case 'first':
      return byTime(false) as MeasureOps<unknown>
    case 'last':
      return byTime(true) as MeasureOps<unknown>
    case 'any':
      return anyOps as MeasureOps<unknown>
    case 'pairs':
      return pairOps(m.agg) as MeasureOps<unknown>
    case 'perKey':
      return perKeyOps(m) as MeasureOps<unknown>
  }
}
