// HyperLogLog: hash vectors from an independent implementation (Python's mmh3,
// MurmurHash3 x86_128 seed 0, first 64 bits), byte parity between TypeScript
// and C++, union laws, exactness below 129 values, sizes, corrupt input.
import t from 'tap'
import { Hll, EXPLICIT_MAX, SPARSE_MAX } from '../../views/state/hll.js'
import { Reader, Writer } from '../../views/state/codec.js'
import { hash64 } from '../../views/state/hash.js'
import { hash64 as nativeHash64, hllFromStrings, hllMerge } from '../../src/native.js'
import { Rng } from '../../src/generator/rng.js'

// `python3 -c "import mmh3; b = mmh3.hash128(s.encode(), 0, x64arch=False).to_bytes(16, 'little')"`,
// hi = b[0:4], lo = b[4:8], both little-endian
const VECTORS: Array<[string, string]> = [
  ['', '0000000000000000'],
  ['a', 'a794933c5556b01b'],
  ['ab', '158451df25be3010'],
  ['abc', '75cdc6d1a2b006a5'],
  ['abcd', '96b6ccaa45afc62e'],
  ['abcde', 'c5402efb5d24c5bc'],
  ['hello', '2b2444a0db91def7'],
  ['abcdefghijklmno', 'ee6d1d694a1ad5ae'],
  ['abcdefghijklmnop', '9fd2762790b91256'],
  ['abcdefghijklmnopq', '0445a4d364515c6f'],
  ['ünïcødé €', '6eeeb41326294231'],
  ['s12345', '9d783320b8e60312'],
  ['x'.repeat(100), '9c373792c609208c'],
]
const hex = ([hi, lo]: [number, number]) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')

t.test('hash: TypeScript and C++ both equal the reference vectors', async (t) => {
  for (const [s, want] of VECTORS) {
    t.equal(hex(hash64(s)), want, `ts ${JSON.stringify(s).slice(0, 12)}`)
    t.equal(hex(nativeHash64(s)), want, `c++ ${JSON.stringify(s).slice(0, 12)}`)
  }
})

function values(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => (i % 11 === 0 ? `ü-${tag}-${i}-€` : `${tag}-${i}`))
}
function sketch(xs: readonly string[]): Hll {
  const h = Hll.empty()
  for (const x of xs) h.add(x)
  return h
}
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))

t.test('C++ and TypeScript build byte-identical sketches in every representation', async (t) => {
  for (const n of [0, 1, 50, 128, 129, 500, 3000, 3100, 5000, 100_000]) {
    const xs = values(n, `p${n}`)
    t.ok(same(hllFromStrings(xs), sketch(xs).serialize()), `${n} values`)
  }
})

t.test('C++ merge equals TypeScript merge', async (t) => {
  for (const [a, b] of [[10, 20], [100, 100], [2000, 50], [4000, 9000]] as const) {
    const x = sketch(values(a, 'a'))
    const y = sketch(values(b, 'b'))
    t.ok(same(hllMerge(x.serialize(), y.serialize()), x.merge(y).serialize()), `${a} ∪ ${b}`)
  }
})

t.test('exact up to 128 distinct values, duplicates ignored; an estimate above', async (t) => {
  const h = Hll.empty()
  for (let round = 0; round < 3; round++) for (let i = 0; i < EXPLICIT_MAX; i++) h.add(`v${i}`)
  t.equal(h.estimate(), 128)
  t.ok(h.isExact())
  h.add('one more')
  t.notOk(h.isExact())
  t.ok(Math.abs(h.estimate() - 129) <= 3)
})

t.test('write puts into a Writer exactly the bytes of serialize(), in every representation', async (t) => {
  for (const n of [0, 1, EXPLICIT_MAX, EXPLICIT_MAX + 1, SPARSE_MAX, SPARSE_MAX + 1, 50_000]) {
    const h = sketch(values(n, 'w'))
    const direct = new Writer().u8(7)
    h.write(direct)
    const copied = new Writer().u8(7).bytes(h.serialize())
    t.ok(same(direct.u8(9).finish(), copied.u8(9).finish()), `${n} values`)
    const r = new Reader(direct.finish())
    r.u8()
    t.ok(same(Hll.deserialize(r.bytes()).serialize(), h.serialize()), `${n} values read back`)
  }
})

t.test('sizes: empty 8 bytes, 100 values ≤ 1 KB, dense 16 KB', async (t) => {
  t.equal(Hll.empty().serialize().length, 8)
  t.ok(sketch(values(100, 's')).serialize().length <= 1024)
  t.equal(sketch(values(100, 's')).serialize().length, 8 + 100 * 8)
  t.equal(sketch(values(50_000, 'd')).serialize().length, 4 + 16384)
})

t.test('union is exact, commutative, associative and idempotent (bytes), across representations', async (t) => {
  const rng = new Rng(7)
  for (let trial = 0; trial < 25; trial++) {
    const sets = [0, 1, 2].map((k) => values(rng.pick([0, 3, 60, 120, 200, 2500, 4000]), `t${trial}-${rng.int(3)}-${k}`))
    const [a, b, c] = sets.map(sketch) as [Hll, Hll, Hll]
    const direct = sketch(sets.flat()).serialize()
    t.ok(same(a.merge(b).merge(c).serialize(), direct), 'equals the sketch of the union')
    t.ok(same(a.merge(b).serialize(), b.merge(a).serialize()), 'commutative')
    t.ok(same(a.merge(b).merge(c).serialize(), a.merge(b.merge(c)).serialize()), 'associative')
    t.ok(same(a.merge(a).serialize(), a.serialize()), 'idempotent')
  }
})

t.test('merge leaves its inputs alone', async (t) => {
  const a = sketch(values(40, 'x'))
  const b = sketch(values(4000, 'y'))
  const before = [a.serialize(), b.serialize()]
  a.merge(b)
  b.merge(a)
  t.ok(same(a.serialize(), before[0]!) && same(b.serialize(), before[1]!))
})

t.test('serialize / deserialize round-trips every representation', async (t) => {
  for (const n of [0, 7, 128, 129, 3000, SPARSE_MAX * 3]) {
    const bytes = sketch(values(n, `r${n}`)).serialize()
    const back = Hll.deserialize(bytes)
    t.ok(same(back.serialize(), bytes), `${n} values`)
    t.equal(back.estimate(), sketch(values(n, `r${n}`)).estimate())
  }
})

t.test('corrupt bytes are PULSE_ERR_INVALID_SKETCH', async (t) => {
  const explicit = sketch(values(5, 'c')).serialize()
  const sparse = sketch(values(300, 'c')).serialize()
  const bad = (b: Uint8Array, why: string) => t.throws(() => Hll.deserialize(b), { code: 'PULSE_ERR_INVALID_SKETCH' }, why)
  bad(explicit.subarray(0, 3), 'too short')
  bad(explicit.subarray(0, explicit.length - 1), 'truncated')
  bad(Uint8Array.from([2, ...explicit.subarray(1)]), 'version')
  bad(Uint8Array.from([1, 12, ...explicit.subarray(2)]), 'precision')
  bad(Uint8Array.from([1, 14, 9, ...explicit.subarray(3)]), 'representation')
  const swapped = sparse.slice()
  swapped.set(sparse.subarray(8, 12), 12)
  swapped.set(sparse.subarray(12, 16), 8)
  bad(swapped, 'unsorted entries')
})

t.test('accuracy smoke test: 20 sketches of 50,000 values within 4%', async (t) => {
  for (let s = 0; s < 20; s++) {
    const h = Hll.empty()
    for (let i = 0; i < 50_000; i++) h.add(`acc-${s}-${i}`)
    const err = Math.abs(h.estimate() - 50_000) / 50_000
    t.ok(err < 0.04, `sketch ${s}: ${(err * 100).toFixed(2)}%`)
  }
})
