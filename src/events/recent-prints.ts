// The last `capacity` event ids a partition actor applied, for deduplicating
// redeliveries within a bounded horizon, kept without a heap object per id.
//
// A set of id strings kept every id alive for the whole horizon (seconds at
// speed-layer rates), so each one was copied out of the young generation and
// promoted, then died in the old one: work for every scavenge and every full
// collection of a worker, paid per event. Here an id is a 96-bit fingerprint,
// three 32-bit hashes of its UTF-16 code units, held in typed arrays: a ring in
// arrival order (which id falls out next) and a linear-probing table of ring
// positions (lookup). Deleting from the table shifts later entries back, so no
// tombstones build up.
//
// Two distinct ids share a fingerprint with probability 2^-96 per pair
// (assuming the three hashes behave as independent uniform ones, which the
// unit test checks on a million ids): over a horizon of 20,000 ids, about one
// event in 4·10^24 would be taken for a duplicate. The ids are not chosen to
// collide by anyone with something to gain: an event's producer owns its id.
import type { Reader, Writer } from '../../views/state/codec.js'

/** Murmur3's finalizer: every input bit flips each output bit with probability about 1/2. */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

export class RecentPrints {
  /** Fingerprints by ring position, three words each. */
  private readonly prints: Int32Array
  /** The table: ring position + 1 per slot, 0 for empty; at most half full. */
  private readonly slots: Int32Array
  private readonly mask: number
  /** The ring position the next new id takes (the oldest id's, once full). */
  private next = 0
  private count = 0
  // the fingerprint `hash` computed last (fields: no array per call)
  private a = 0
  private b = 0
  private c = 0

  constructor(readonly capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity))
    this.prints = new Int32Array(this.capacity * 3)
    let size = 16
    while (size < this.capacity * 2) size *= 2
    this.slots = new Int32Array(size)
    this.mask = size - 1
  }

  get size(): number {
    return this.count
  }

  has(id: string): boolean {
    this.hash(id)
    return this.probe(this.a, this.b, this.c) >= 0
  }

  /** Remembers `id` unless already known; returns false for a repeat. */
  add(id: string): boolean {
    this.hash(id)
    return this.addPrint(this.a, this.b, this.c)
  }

  /** The fingerprints, oldest first: count, then three little-endian words each. */
  write(w: Writer): void {
    w.varint(this.count)
    const p = this.prints
    for (let i = this.count; i > 0; i--) {
      const at = ((this.next - i + this.capacity) % this.capacity) * 3
      w.u32(p[at]! >>> 0).u32(p[at + 1]! >>> 0).u32(p[at + 2]! >>> 0)
    }
  }

  /** Adds the fingerprints `write` wrote, in their order. */
  read(r: Reader): void {
    for (let n = r.varint(); n > 0; n--) this.addPrint(r.u32() | 0, r.u32() | 0, r.u32() | 0)
  }

  /** An id's fingerprint as three signed words (cold paths and tests; `add` keeps it in fields). */
  static print(id: string): [number, number, number] {
    const p = new RecentPrints(1)
    p.hash(id)
    return [p.a, p.b, p.c]
  }

  private hash(id: string): void {
    const n = id.length
    // three lanes mixing each code unit differently: FNV-1a, a multiply-add
    // with a shift, a multiply with a rotation; each finished by fmix
    let a = 0x811c9dc5 ^ n
    let b = 0x9747b28c
    let c = 0x27d4eb2f
    for (let i = 0; i < n; i++) {
      const x = id.charCodeAt(i)
      a = Math.imul(a ^ x, 0x01000193)
      b = Math.imul(b + x, 0x5bd1e995)
      b ^= b >>> 15
      c = Math.imul(c ^ x, 0xcc9e2d51)
      c = (c << 15) | (c >>> 17)
    }
    this.a = fmix(a)
    this.b = fmix(b ^ n)
    this.c = fmix(Math.imul(c, 0x1b873593) ^ n)
  }

  /** The slot holding this fingerprint; when absent, -1 - the empty slot that ended the search. */
  private probe(a: number, b: number, c: number): number {
    const { slots, prints, mask } = this
    for (let s = a & mask; ; s = (s + 1) & mask) {
      const r = slots[s]!
      if (r === 0) return -1 - s
      const p = (r - 1) * 3
      if (prints[p] === a && prints[p + 1] === b && prints[p + 2] === c) return s
    }
  }

  private addPrint(a: number, b: number, c: number): boolean {
    const found = this.probe(a, b, c)
    if (found >= 0) return false
    const { slots, prints, mask } = this
    let s = -1 - found
    if (this.count === this.capacity) {
      // the oldest leaves first, and the entries it shifts back may free a slot
      // nearer the new one's home: search again
      this.forget(this.next)
      s = a & mask
      while (slots[s] !== 0) s = (s + 1) & mask
    } else this.count++
    const p = this.next * 3
    prints[p] = a
    prints[p + 1] = b
    prints[p + 2] = c
    slots[s] = this.next + 1
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1
    return true
  }

  /** Takes ring position `at` out of the table, shifting the entries behind it back. */
  private forget(at: number): void {
    const { slots, prints, mask } = this
    let hole = prints[at * 3]! & mask
    while (slots[hole] !== at + 1) hole = (hole + 1) & mask
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const r = slots[j]!
      const home = prints[(r - 1) * 3]! & mask
      // the entry may move to the hole unless its home lies after the hole (cyclically)
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole] = r
        hole = j
      }
    }
    slots[hole] = 0
  }
}
