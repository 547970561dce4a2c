// HyperLogLog distinct-count sketch, precision 14 (16,384 registers, relative
// standard error ≈ 0.81%), over the 64-bit hash of hash.ts. The C++ twin in
// native/core/hll.cc produces the same bytes.
//
// Representation, chosen by content only (so merge order never changes the bytes):
//   EXPLICIT  the sorted set of distinct 64-bit hashes, while there are ≤ 128 of
//             them: the count is exact.
//   SPARSE    sorted entries (index << 6 | rho), one per non-zero register,
//             while ≤ 3,072 registers are non-zero.
//   DENSE     16,384 one-byte registers.
// It only moves down that list (explicit → sparse → dense), never back.
//
// Register of a hash (hi, lo): index = top 14 bits of hi; rho = 1 + leading
// zeros of the remaining 50 bits (low 18 bits of hi, then lo), so 1..51.
//
// Serialized, little-endian:
//   u8 version (1), u8 precision (14), u8 representation (1 explicit,
//   2 sparse, 3 dense), u8 0;
//   explicit: u32 count, count × (u32 hi, u32 lo) ascending by (hi, lo);
//   sparse:   u32 count, count × u32 entry ascending;
//   dense:    16,384 register bytes.
// An empty sketch is 8 bytes; 100 values take 808.
//
// Estimate for sparse and dense: Ertl's improved estimator ("New cardinality
// estimation algorithms for HyperLogLog sketches", 2017), which needs neither
// bias tables nor a switch to linear counting.
import type { Writer } from './codec.js'
import { HASH, hashString } from './hash.js'
import { pulseError } from '../../src/errors.js'

export const PRECISION = 14
const M = 1 << PRECISION
const Q = 64 - PRECISION // 50
export const EXPLICIT_MAX = 128
export const SPARSE_MAX = 3072
const EXPLICIT = 1
const SPARSE = 2
const DENSE = 3

function rhoOf(hi: number, lo: number): number {
  const rest = hi & 0x3ffff
  if (rest !== 0) return Math.clz32(rest) - 14 + 1
  return lo !== 0 ? 18 + Math.clz32(lo) + 1 : Q + 1
}

/** Position of `key` in sorted `arr[0..n)`, or -(insertion point) - 1. */
function search(arr: Uint32Array, n: number, key: number, shift: number): number {
  let lo = 0
  let hi = n - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = arr[mid]! >>> shift
    if (v < key) lo = mid + 1
    else if (v > key) hi = mid - 1
    else return mid
  }
  return -lo - 1
}

function sigma(x: number): number {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  for (;;) {
    x *= x
    const prev = z
    z += x * y
    y += y
    if (z === prev) return z
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  for (;;) {
    x = Math.sqrt(x)
    const prev = z
    y *= 0.5
    z -= (1 - x) * (1 - x) * y
    if (z === prev) return z / 3
  }
}

const NO_ENTRIES = new Uint32Array(0)

export class Hll {
  private rep = EXPLICIT
  /** explicit: pairs (hi, lo) in [0, 2n); sparse: entries in [0, n) */
  // shared until the first insert grows it: most live sketches stay tiny or empty
  private list: Uint32Array = NO_ENTRIES
  private n = 0
  private dense: Uint8Array | undefined

  static empty(): Hll {
    return new Hll()
  }

  add(value: string): this {
    hashString(value)
    return this.addHash(HASH[0]!, HASH[1]!)
  }

  addHash(hi: number, lo: number): this {
    hi >>>= 0
    lo >>>= 0
    if (this.rep === EXPLICIT) {
      if (this.insertHash(hi, lo) && this.n > EXPLICIT_MAX) this.toRegisters()
      return this
    }
    this.setRegister(hi >>> 18, rhoOf(hi, lo))
    return this
  }

  /** Exact union as a new sketch; neither input changes. */
  merge(other: Hll): Hll {
    return this.copy().mergeInto(other)
  }

  /** Exact union into this sketch. */
  mergeInto(other: Hll): this {
    if (other.rep === EXPLICIT) {
      for (let i = 0; i < other.n; i++) this.addHash(other.list[2 * i]!, other.list[2 * i + 1]!)
      return this
    }
    if (this.rep === EXPLICIT) {
      const mine = this.list.slice(0, 2 * this.n)
      const count = this.n
      this.copyRegistersFrom(other)
      for (let i = 0; i < count; i++) this.setRegister(mine[2 * i]! >>> 18, rhoOf(mine[2 * i]!, mine[2 * i + 1]!))
      return this
    }
    if (other.rep === SPARSE) {
      for (let i = 0; i < other.n; i++) this.setRegister(other.list[i]! >>> 6, other.list[i]! & 63)
    } else {
      const r = other.dense!
      for (let i = 0; i < M; i++) if (r[i]! !== 0) this.setRegister(i, r[i]!)
    }
    return this
  }

  /** While exact: the number of distinct hashes, and hash i's words as hashAt(i) sets HASH; -1 once estimating. */
  exactCount(): number {
    return this.rep === EXPLICIT ? this.n : -1
  }

  hashAt(i: number): void {
    HASH[0] = this.list[2 * i]!
    HASH[1] = this.list[2 * i + 1]!
  }

  isExact(): boolean {
    return this.rep === EXPLICIT
  }

  estimate(): number {
    if (this.rep === EXPLICIT) return this.n
    const hist = new Float64Array(Q + 2)
    if (this.rep === SPARSE) {
      hist[0] = M - this.n
      for (let i = 0; i < this.n; i++) hist[this.list[i]! & 63]!++
    } else {
      const r = this.dense!
      for (let i = 0; i < M; i++) hist[r[i]!]!++
    }
    let z = M * tau(1 - hist[Q + 1]! / M)
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + hist[k]!)
    z += M * sigma(hist[0]! / M)
    return Math.round(M * M / (2 * Math.LN2 * z))
  }

  serialize(): Uint8Array {
    const body = this.rep === DENSE ? M : 4 + this.n * (this.rep === EXPLICIT ? 8 : 4)
    const out = new Uint8Array(4 + body)
    const view = new DataView(out.buffer)
    out[0] = 1
    out[1] = PRECISION
    out[2] = this.rep
    if (this.rep === DENSE) {
      out.set(this.dense!, 4)
      return out
    }
    view.setUint32(4, this.n, true)
    const words = this.rep === EXPLICIT ? 2 * this.n : this.n
    for (let i = 0; i < words; i++) view.setUint32(8 + 4 * i, this.list[i]!, true)
    return out
  }

  /**
   * Writes what `w.bytes(this.serialize())` writes, without the intermediate
   * array: snapshots write hundreds of thousands of sketches.
   */
  write(w: Writer): void {
    if (this.rep === DENSE) {
      w.varint(4 + M).u8(1).u8(PRECISION).u8(this.rep).u8(0).raw(this.dense!)
      return
    }
    const words = this.rep === EXPLICIT ? 2 * this.n : this.n
    w.varint(8 + 4 * words).u8(1).u8(PRECISION).u8(this.rep).u8(0).u32(this.n)
    for (let i = 0; i < words; i++) w.u32(this.list[i]!)
  }

  static deserialize(bytes: Uint8Array): Hll {
    const bad = (why: string) => pulseError('PULSE_ERR_INVALID_SKETCH', why)
    if (bytes.length < 4) throw bad(`${bytes.length} bytes, need at least 4`)
    if (bytes[0] !== 1) throw bad(`unknown version ${bytes[0]}`)
    if (bytes[1] !== PRECISION) throw bad(`precision ${bytes[1]}, expected ${PRECISION}`)
    const h = new Hll()
    const rep = bytes[2]!
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (rep === DENSE) {
      if (bytes.length !== 4 + M) throw bad(`dense sketch of ${bytes.length} bytes, expected ${4 + M}`)
      h.rep = DENSE
      h.dense = bytes.slice(4)
      let nonZero = 0
      for (let i = 0; i < M; i++) {
        if (h.dense[i]! > Q + 1) throw bad(`register ${i} = ${h.dense[i]}`)
        if (h.dense[i] !== 0) nonZero++
      }
      if (nonZero <= SPARSE_MAX) throw bad('dense sketch with few registers set')
      return h
    }
    if (rep !== EXPLICIT && rep !== SPARSE) throw bad(`unknown representation ${rep}`)
    if (bytes.length < 8) throw bad('missing count')
    const n = view.getUint32(4, true)
    const words = rep === EXPLICIT ? 2 * n : n
    if (bytes.length !== 8 + 4 * words) throw bad(`${bytes.length} bytes for ${n} entries`)
    if (rep === EXPLICIT ? n > EXPLICIT_MAX : n > SPARSE_MAX || n <= 0) throw bad(`${n} entries in representation ${rep}`)
    const list = new Uint32Array(words)
    for (let i = 0; i < words; i++) list[i] = view.getUint32(8 + 4 * i, true)
    for (let i = 1; i < n; i++) {
      const ordered =
        rep === EXPLICIT
          ? list[2 * i - 2]! < list[2 * i]! || (list[2 * i - 2] === list[2 * i] && list[2 * i - 1]! < list[2 * i + 1]!)
          : list[i - 1]! >>> 6 < list[i]! >>> 6
      if (!ordered) throw bad(`entries not strictly ascending at ${i}`)
    }
    if (rep === SPARSE) for (let i = 0; i < n; i++) if ((list[i]! & 63) === 0 || (list[i]! & 63) > Q + 1) throw bad(`bad entry ${i}`)
    h.rep = rep
    h.list = list
    h.n = n
    return h
  }

  /** Approximate bytes held, for memory accounting. */
  byteSize(): number {
    return 48 + (this.rep === DENSE ? M : this.list.byteLength)
  }

  // ---------------------------------------------------------------- internals

  private copy(): Hll {
    const h = new Hll()
    h.rep = this.rep
    h.n = this.n
    h.list = this.list.slice()
    h.dense = this.dense?.slice()
    return h
  }

  /** Inserts a hash into the explicit set; false when already present. */
  private insertHash(hi: number, lo: number): boolean {
    let a = 0
    let b = this.n - 1
    const l = this.list
    while (a <= b) {
      const mid = (a + b) >>> 1
      const h = l[2 * mid]!
      const w = l[2 * mid + 1]!
      if (h < hi || (h === hi && w < lo)) a = mid + 1
      else if (h > hi || w > lo) b = mid - 1
      else return false
    }
    if (2 * (this.n + 1) > l.length) {
      const grown = new Uint32Array(Math.max(8, l.length * 2))
      grown.set(l)
      this.list = grown
    }
    this.list.copyWithin(2 * a + 2, 2 * a, 2 * this.n)
    this.list[2 * a] = hi
    this.list[2 * a + 1] = lo
    this.n++
    return true
  }

  private toRegisters(): void {
    const hashes = this.list.slice(0, 2 * this.n)
    const count = this.n
    this.rep = SPARSE
    this.list = new Uint32Array(256)
    this.n = 0
    for (let i = 0; i < count; i++) this.setRegister(hashes[2 * i]! >>> 18, rhoOf(hashes[2 * i]!, hashes[2 * i + 1]!))
  }

  private copyRegistersFrom(other: Hll): void {
    this.rep = other.rep
    this.n = other.n
    this.list = other.list.slice()
    this.dense = other.dense?.slice()
  }

  private setRegister(index: number, rho: number): void {
    if (this.rep === DENSE) {
      if (rho > this.dense![index]!) this.dense![index] = rho
      return
    }
    const at = search(this.list, this.n, index, 6)
    if (at >= 0) {
      if (rho > (this.list[at]! & 63)) this.list[at] = (index << 6) | rho
      return
    }
    const pos = -at - 1
    if (this.n === this.list.length) {
      const grown = new Uint32Array(this.list.length * 2)
      grown.set(this.list)
      this.list = grown
    }
    this.list.copyWithin(pos + 1, pos, this.n)
    this.list[pos] = (index << 6) | rho
    this.n++
    if (this.n > SPARSE_MAX) this.toDense()
  }

  private toDense(): void {
    const d = new Uint8Array(M)
    for (let i = 0; i < this.n; i++) d[this.list[i]! >>> 6] = this.list[i]! & 63
    this.rep = DENSE
    this.dense = d
    this.list = new Uint32Array(0)
    this.n = 0
  }
}
