// The speed actors' dedupe horizon: the fingerprint table must answer as a set
// of the last `capacity` id strings would, and its hashes must not collide.
import t from 'tap'
import { RecentPrints } from '../../src/events/recent-prints.js'
import { Reader, Writer } from '../../views/state/codec.js'
import { Rng } from '../../src/generator/rng.js'

/** The reference: the last `capacity` distinct ids, as strings. */
class Reference {
  private readonly ring: string[] = []
  private readonly set = new Set<string>()
  constructor(private readonly capacity: number) {}
  add(id: string): boolean {
    if (this.set.has(id)) return false
    if (this.ring.length === this.capacity) this.set.delete(this.ring.shift()!)
    this.ring.push(id)
    this.set.add(id)
    return true
  }
  has(id: string): boolean {
    return this.set.has(id)
  }
}

/** The generator's seeded numbers in [0, 1): the test's draws repeat. */
function random(seed: number): () => number {
  const rng = new Rng(seed)
  return () => rng.float()
}

const hex = (rnd: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('')
const uuid = (rnd: () => number) => `${hex(rnd, 8)}-${hex(rnd, 4)}-4${hex(rnd, 3)}-a${hex(rnd, 3)}-${hex(rnd, 12)}`

t.test('a bounded horizon, oldest out first', async (t) => {
  const r = new RecentPrints(3)
  t.ok(r.add('a'))
  t.notOk(r.add('a'), 'a repeat')
  for (const id of ['b', 'c', 'd']) t.ok(r.add(id))
  t.notOk(r.has('a'), 'fell out of the horizon')
  t.ok(r.has('b') && r.has('c') && r.has('d'))
  t.equal(r.size, 3)
  t.ok(r.add('a'), 'new again once forgotten')
  t.notOk(r.has('b'))
})

t.test('answers as a set of the last ids would, through evictions and wrap-around', async (t) => {
  for (const capacity of [1, 7, 100, 1000]) {
    const rnd = random(capacity)
    const r = new RecentPrints(capacity)
    const ref = new Reference(capacity)
    // ids from a pool about twice the horizon: repeats within and beyond it
    const pool = Array.from({ length: capacity * 2 + 3 }, (_, i) => (i % 3 === 0 ? uuid(rnd) : `e${i}`))
    let differ = 0
    for (let i = 0; i < 100_000; i++) {
      const id = pool[Math.floor(rnd() * pool.length)]!
      if (r.add(id) !== ref.add(id)) differ++
      const probe = pool[Math.floor(rnd() * pool.length)]!
      if (r.has(probe) !== ref.has(probe)) differ++
    }
    t.equal(differ, 0, `capacity ${capacity}: same answers as the reference`)
    t.equal(r.size, Math.min(capacity, new Set(pool).size))
  }
})

t.test('written and read back, the horizon is the same', async (t) => {
  const rnd = random(7)
  const r = new RecentPrints(500)
  const ids = Array.from({ length: 800 }, () => uuid(rnd))
  for (const id of ids) r.add(id)
  const w = new Writer()
  r.write(w)
  const back = new RecentPrints(500)
  back.read(new Reader(w.finish()))
  t.equal(back.size, 500)
  t.ok(ids.slice(300).every((id) => back.has(id)), 'the last 500 are known')
  t.ok(ids.slice(0, 300).every((id) => !back.has(id)), 'the older ones are not')
  // read into a smaller horizon: the newest stay
  const small = new RecentPrints(100)
  small.read(new Reader(w.finish()))
  t.ok(ids.slice(700).every((id) => small.has(id)) && !small.has(ids[699]!))
})

t.test('a million distinct ids: no fingerprint shared, lanes collide as independent hashes would', async (t) => {
  const rnd = random(2024)
  const n = 1_000_000
  const ids = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? uuid(rnd) : `evt-${i}`))
  const r = new RecentPrints(n)
  let repeats = 0
  for (const id of ids) if (!r.add(id)) repeats++
  t.equal(repeats, 0, 'every distinct id is new')

  // birthday bound per 32-bit lane: n²/2^33 ≈ 116 colliding pairs expected
  const expected = (n * (n - 1)) / 2 / 2 ** 32
  const lanes = [0, 1, 2].map((lane) => {
    const seen = new Map<number, number>()
    const pairs: Array<[number, number]> = []
    ids.forEach((id, i) => {
      const h = RecentPrints.print(id)[lane]!
      const j = seen.get(h)
      if (j === undefined) seen.set(h, i)
      else pairs.push([j, i])
    })
    return pairs
  })
  lanes.forEach((pairs, lane) => t.ok(pairs.length > expected / 2 && pairs.length < expected * 2, `lane ${lane}: ${pairs.length} colliding pairs, about ${Math.round(expected)} expected`))
  // a pair colliding in one lane is no likelier to collide in another
  const both = lanes[0]!.filter(([i, j]) => {
    const a = RecentPrints.print(ids[i]!)
    const b = RecentPrints.print(ids[j]!)
    return a[1] === b[1] || a[2] === b[2]
  })
  t.equal(both.length, 0, 'no pair collides in two lanes')
})
