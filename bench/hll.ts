// HyperLogLog: accuracy from 1 to 10,000,000 distinct values, throughput of
// adds / merges / (de)serialization in TypeScript and C++, bytes per sketch,
// and the memory of a million small sketches.
//
//   npx tsc -p tsconfig.json && node --expose-gc dist/bench/hll.js
import { pathToFileURL } from 'node:url'
import { Hll } from '../views/state/hll.js'
import { hllFromStrings, hllMerge } from '../src/native.js'
import { Rng } from '../src/generator/rng.js'
import { printTable, saveResult } from './report.js'

/** 1, 2, 3, 6, 10, 18, 32, 56, 100, … 10^7: four points per decade. */
const POINTS = Array.from({ length: 29 }, (_, k) => Math.round(10 ** (k / 4)))

interface Band {
  band: string
  lo: number
  hi: number
  errors: number[]
}

function accuracy(): { bands: Band[]; all: number[]; stringCheck: number[] } {
  const bands: Band[] = [
    { band: '1–128 (explicit)', lo: 1, hi: 128, errors: [] },
    { band: '129–1k', lo: 129, hi: 1_000, errors: [] },
    { band: '1k–10k', lo: 1_001, hi: 10_000, errors: [] },
    { band: '10k–100k', lo: 10_001, hi: 100_000, errors: [] },
    { band: '100k–1M', lo: 100_001, hi: 1_000_000, errors: [] },
    { band: '1M–10M', lo: 1_000_001, hi: 10_000_000, errors: [] },
  ]
  const all: number[] = []
  // Each trial grows one sketch with fresh random 64-bit hashes and reads the
  // estimate at every point on the way: more trials where they are cheap.
  const plan: Array<[trials: number, upTo: number]> = [
    [12, 10_000_000],
    [38, 1_000_000],
    [250, 100_000],
  ]
  const rng = new Rng(2026)
  for (const [trials, upTo] of plan) {
    for (let trial = 0; trial < trials; trial++) {
      const h = Hll.empty()
      let n = 0
      for (const point of POINTS) {
        if (point > upTo) break
        for (; n < point; n++) h.addHash(rng.uint32(), rng.uint32())
        const err = (h.estimate() - point) / point
        all.push(err)
        bands.find((b) => point >= b.lo && point <= b.hi)!.errors.push(err)
      }
    }
  }
  // The same with string values through the hash, to show the hash adds no bias.
  const stringCheck: number[] = []
  for (let trial = 0; trial < 30; trial++) {
    const h = Hll.empty()
    for (let i = 0; i < 100_000; i++) h.add(`user-${trial}-${i}`)
    stringCheck.push((h.estimate() - 100_000) / 100_000)
  }
  return { bands, all, stringCheck }
}

function stats(errors: number[]) {
  const abs = errors.map(Math.abs).sort((a, b) => a - b)
  const pct = (x: number) => Math.round(x * 10000) / 100
  return {
    samples: abs.length,
    'mean |err| %': pct(abs.reduce((a, b) => a + b, 0) / abs.length),
    'p99 |err| %': pct(abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.99))]!),
    'max |err| %': pct(abs[abs.length - 1]!),
  }
}

function rate(n: number, fn: () => void): number {
  fn() // warm-up
  const start = performance.now()
  fn()
  return Math.round(n / ((performance.now() - start) / 1000))
}

export function runHllBench(): void {
  const acc = accuracy()
  const accRows = [...acc.bands.map((b) => ({ band: b.band, ...stats(b.errors) })), { band: 'all above 128', ...stats(acc.all.filter((e, i) => e !== 0 || i < 0)) }]
  accRows.push({ band: '100k, string values (30 trials)', ...stats(acc.stringCheck) })
  printTable('HyperLogLog accuracy, precision 14 (targets: p99 ≤ 2.5%, mean ≤ 1%)', accRows)

  const N = 1_000_000
  const ids = Array.from({ length: N }, (_, i) => `s${i}`)
  const rng = new Rng(1)
  const hashes = new Uint32Array(2 * N).map(() => rng.uint32())
  const dense = () => {
    const h = Hll.empty()
    for (let i = 0; i < 20_000; i++) h.add(`m${i}`)
    return h
  }
  const d1 = dense()
  const d2 = Hll.empty()
  for (let i = 0; i < 20_000; i++) d2.add(`q${i}`)
  const s1 = Hll.empty()
  const s2 = Hll.empty()
  for (let i = 0; i < 1000; i++) {
    s1.add(`a${i}`)
    s2.add(`b${i}`)
  }
  const bytesDense = d1.serialize()
  const throughput = [
    { operation: 'add(string), TypeScript', 'ops/s': rate(N, () => { const h = Hll.empty(); for (let i = 0; i < N; i++) h.add(ids[i]!) }) },
    { operation: 'addHash(hi, lo), TypeScript', 'ops/s': rate(N, () => { const h = Hll.empty(); for (let i = 0; i < N; i++) h.addHash(hashes[2 * i]!, hashes[2 * i + 1]!) }) },
    { operation: 'add(string), C++ (hllFromStrings, incl. N-API string copies)', 'ops/s': rate(N, () => void hllFromStrings(ids)) },
    { operation: 'merge dense ∪ dense, TypeScript', 'ops/s': rate(2000, () => { for (let i = 0; i < 2000; i++) d1.merge(d2) }) },
    { operation: 'merge dense ∪ dense, C++ (incl. (de)serialize)', 'ops/s': rate(2000, () => { const b = d2.serialize(); for (let i = 0; i < 2000; i++) hllMerge(bytesDense, b) }) },
    { operation: 'merge sparse ∪ sparse (1k each), TypeScript', 'ops/s': rate(2000, () => { for (let i = 0; i < 2000; i++) s1.merge(s2) }) },
    { operation: 'serialize dense', 'ops/s': rate(5000, () => { for (let i = 0; i < 5000; i++) d1.serialize() }) },
    { operation: 'deserialize dense', 'ops/s': rate(5000, () => { for (let i = 0; i < 5000; i++) Hll.deserialize(bytesDense) }) },
  ]
  printTable('HyperLogLog throughput, one core', throughput)

  const sizes = [0, 1, 10, 100, 128, 129, 1000, 3000, 10_000, 100_000].map((n) => {
    const h = Hll.empty()
    for (let i = 0; i < n; i++) h.add(`z${i}`)
    return { values: n, representation: h.isExact() ? 'explicit' : h.serialize().length > 16_000 ? 'dense' : 'sparse', 'serialized bytes': h.serialize().length, 'heap bytes (approx)': h.byteSize() }
  })
  printTable('Bytes per sketch', sizes)

  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const before = process.memoryUsage()
  const many: Hll[] = new Array(1_000_000)
  const r2 = new Rng(3)
  for (let i = 0; i < many.length; i++) {
    const h = Hll.empty()
    for (let k = 1 + r2.int(10); k > 0; k--) h.addHash(r2.uint32(), r2.uint32())
    many[i] = h
  }
  gc?.()
  const after = process.memoryUsage()
  const used = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)
  const memory = [{ sketches: many.length, 'values each': '1–10', 'MB total': Math.round(used / 1e6), 'bytes per sketch': Math.round(used / many.length), 'gc before reading': gc !== undefined }]
  printTable('Memory of a million small sketches', memory)

  const path = saveResult('hll', { precision: 14, accuracy: accRows, throughput, sizes, memory })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) runHllBench()
