// 64-bit hash of a string for the distinct-count sketches: MurmurHash3 x86_128
// with seed 0 over the UTF-8 bytes, keeping the first two 32-bit words (h1, h2).
// 32-bit integer arithmetic only (no BigInt); native/core/hash.cc computes the
// same bits, so sketches built in C++ and in TypeScript are byte-identical.

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

let scratch = new Uint8Array(256)
const encoder = new TextEncoder()

/** The last hash: [hi, lo] as unsigned 32-bit words. Reused: copy what you keep. */
export const HASH = new Uint32Array(2)

/** UTF-8 bytes of `s` in the scratch buffer; returns their count. */
function toBytes(s: string): number {
  const n = s.length
  if (scratch.length < n * 3) scratch = new Uint8Array(n * 3 + 64)
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) return encoder.encodeInto(s, scratch).written
    scratch[i] = c
  }
  return n
}

function word(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)
}

/** Tail word from up to 4 bytes at `o` (fewer when the input ends). */
function tailWord(b: Uint8Array, o: number, n: number): number {
  let k = 0
  for (let i = Math.min(4, n) - 1; i >= 0; i--) k = (k << 8) | b[o + i]!
  return k
}

/** Hashes the first `len` bytes of `b` into HASH. */
export function hashBytes(b: Uint8Array, len: number): void {
  let h1 = 0
  let h2 = 0
  let h3 = 0
  let h4 = 0
  const blocks = len >>> 4
  for (let i = 0; i < blocks; i++) {
    const o = i << 4
    let k1 = word(b, o)
    let k2 = word(b, o + 4)
    let k3 = word(b, o + 8)
    let k4 = word(b, o + 12)
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
    h1 ^= k1
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
    h2 ^= k2
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
    h3 ^= k3
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
    h4 ^= k4
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0
  }
  const t = blocks << 4
  const rest = len & 15
  if (rest > 12) h4 ^= Math.imul(rotl(Math.imul(tailWord(b, t + 12, rest - 12), C4), 18), C1)
  if (rest > 8) h3 ^= Math.imul(rotl(Math.imul(tailWord(b, t + 8, rest - 8), C3), 17), C4)
  if (rest > 4) h2 ^= Math.imul(rotl(Math.imul(tailWord(b, t + 4, rest - 4), C2), 16), C3)
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(tailWord(b, t, rest), C1), 15), C2)
  h1 ^= len
  h2 ^= len
  h3 ^= len
  h4 ^= len
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  HASH[0] = h1
  HASH[1] = h2
}

// One-entry memo: an event's user_id is hashed by every view that counts users
let lastString: string | undefined
let lastHi = 0
let lastLo = 0

/** Hashes a string into HASH (no allocation for ASCII strings). */
export function hashString(s: string): void {
  if (s === lastString) {
    HASH[0] = lastHi
    HASH[1] = lastLo
    return
  }
  const len = toBytes(s) // may replace the scratch buffer: read it after
  hashBytes(scratch, len)
  lastString = s
  lastHi = HASH[0]!
  lastLo = HASH[1]!
}

/** Convenience form: [hi, lo]. */
export function hash64(s: string): [number, number] {
  hashString(s)
  return [HASH[0]!, HASH[1]!]
}
