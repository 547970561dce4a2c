// The speed-query coalescer: identical queries in flight share one round trip,
// and a finished answer is reused for at most maxAgeMs (then asked again). The
// served batch run is part of the identity, failures are never reused, and the
// number of remembered answers is bounded.
import t from 'tap'
import { QueryCoalescer } from '../../../src/serve/coalesce.js'
import type { SpeedSource } from '../../../src/serve/sources.js'
import type { GroupFilter } from '../../../actors/live-view.js'
import type { ViewPartial } from '../../../views/state/partial.js'

function fakeSpeed() {
  const calls: Array<{ view: string; filter: GroupFilter; resolve: (p: ViewPartial) => void; reject: (e: Error) => void }> = []
  const speed: SpeedSource = {
    query: (view, filter) => new Promise<ViewPartial>((resolve, reject) => calls.push({ view, filter, resolve, reject })),
    stats: async () => [],
    setCutoff: async () => 0,
  }
  return { speed, calls }
}
const partial = (view: string): ViewPartial => ({ view, groups: new Map() })
const flush = () => new Promise((r) => setImmediate(r))

t.test('identical queries in flight share one speed query', async (t) => {
  const { speed, calls } = fakeSpeed()
  const c = new QueryCoalescer(speed, { maxAgeMs: 0 })
  const a = c.query('v', { keys: { k: 'x' } }, 'run1')
  const b = c.query('v', { keys: { k: 'x' } }, 'run1')
  const other = c.query('v', { keys: { k: 'y' } }, 'run1')
  t.equal(calls.length, 2)
  t.equal(c.joined, 1)
  const p = partial('v')
  calls[0]!.resolve(p)
  calls[1]!.resolve(partial('v'))
  t.equal((await a).partial, p)
  t.equal((await b).partial, p)
  await other
  // maxAgeMs 0: a finished answer is not reused
  void c.query('v', { keys: { k: 'x' } }, 'run1')
  t.equal(calls.length, 3)
})

t.test('a finished answer is reused for maxAgeMs, then asked again', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 1000
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, refreshAfterMs: 100, now: () => now })
  const first = c.query('v', {}, 'run1')
  const p = partial('v')
  calls[0]!.resolve(p)
  t.same(await first, { partial: p, at: 1000 })
  now = 1100
  const again = await c.query('v', {}, 'run1')
  t.equal(calls.length, 1, 'no new speed query within refreshAfterMs')
  t.equal(again.partial, p)
  t.equal(again.at, 1000, 'the reused answer keeps the time it was asked for')
  t.equal(c.reused, 1)
  now = 1300
  const tooOld = c.query('v', {}, 'run1')
  t.equal(calls.length, 2, 'older than maxAgeMs: asked again')
  const joined = c.query('v', {}, 'run1')
  t.equal(calls.length, 2, 'and waited for, together')
  const q = partial('v')
  calls[1]!.resolve(q)
  t.same(await tooOld, { partial: q, at: 1300 })
  t.equal((await joined).partial, q)
})

t.test('past refreshAfterMs the read is served while one refresh runs behind it', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 0
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, refreshAfterMs: 100, now: () => now })
  const first = c.query('v', {}, 'run1')
  const p = partial('v')
  calls[0]!.resolve(p)
  await first
  now = 150
  t.equal((await c.query('v', {}, 'run1')).partial, p, 'served at once')
  t.equal((await c.query('v', {}, 'run1')).partial, p)
  t.equal(calls.length, 2, 'one refresh started')
  const q = partial('v')
  calls[1]!.resolve(q)
  await flush()
  now = 200
  t.same(await c.query('v', {}, 'run1'), { partial: q, at: 150 }, 'the refreshed read from then on')
  t.equal(calls.length, 2)
})

t.test('a failed refresh is not reused and rejects nothing unawaited', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 0
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, refreshAfterMs: 100, now: () => now })
  const first = c.query('v', {}, 'run1')
  const p = partial('v')
  calls[0]!.resolve(p)
  await first
  now = 150
  await c.query('v', {}, 'run1')
  calls[1]!.reject(new Error('worker busy'))
  await flush()
  now = 160
  t.equal((await c.query('v', {}, 'run1')).partial, p, 'the finished read still serves within maxAgeMs')
  t.equal(calls.length, 3, 'and another refresh starts')
})

t.test('another batch run, view or filter is another query', async (t) => {
  const { speed, calls } = fakeSpeed()
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, now: () => 0 })
  void c.query('v', { from: 1 }, 'run1')
  void c.query('v', { from: 1 }, 'run2')
  void c.query('v', { from: 1 }, undefined)
  void c.query('w', { from: 1 }, 'run1')
  void c.query('v', { from: 1, to: 5 }, 'run1')
  void c.query('v', { from: 1, keys: { k: 1 } }, 'run1')
  t.equal(calls.length, 6)
})

t.test('a failed query is not reused', async (t) => {
  const { speed, calls } = fakeSpeed()
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, now: () => 0 })
  const a = c.query('v', {}, 'run1')
  calls[0]!.reject(new Error('worker gone'))
  await t.rejects(a, /worker gone/)
  await flush()
  void c.query('v', {}, 'run1')
  t.equal(calls.length, 2)
})

t.test('remembered answers are bounded', async (t) => {
  const { speed, calls } = fakeSpeed()
  const c = new QueryCoalescer(speed, { maxAgeMs: 250, maxEntries: 3, now: () => 0 })
  for (let i = 0; i < 5; i++) void c.query('v', { keys: { k: i } }, 'run1')
  for (const call of calls) call.resolve(partial('v'))
  await flush()
  t.ok(c.size <= 3, `${c.size} entries`)
  void c.query('v', { keys: { k: 4 } }, 'run1')
  t.equal(calls.length, 5, 'the newest is kept')
  void c.query('v', { keys: { k: 0 } }, 'run1')
  t.equal(calls.length, 6, 'the oldest was dropped')
})

t.test('by default a point read is reused for 250 ms like any other', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 0
  const c = new QueryCoalescer(speed, { now: () => now })
  const one: ViewPartial = { view: 'v', groups: new Map([['a', { window: null, key: ['a'], states: [] }]]) }
  const a = c.query('v', { keys: { k: 'a' } }, 'run1')
  calls[0]!.resolve(one)
  t.equal((await a).partial, one)
  now = 50
  t.equal((await c.query('v', { keys: { k: 'a' } }, 'run1')).partial, one, 'reused while young')
  t.equal(calls.length, 1)
  now = 100
  t.equal((await c.query('v', { keys: { k: 'a' } }, 'run1')).partial, one, 'past a quarter of the bound: still served')
  t.equal(calls.length, 2, 'with one refresh behind it')
  t.equal(c.reused, 2)
  now = 400
  void c.query('v', { keys: { k: 'a' } }, 'run1')
  t.equal(c.reused, 2, 'past the bound it is not served')
  t.equal(c.joined, 1, 'the request waits for the refresh in flight')
})

t.test('a threshold read is refreshed past half the bound, not a quarter (it holds the workers while it ranks)', async (t) => {
  const { speed } = fakeSpeed()
  let now = 0
  let reads = 0
  const c = new QueryCoalescer(speed, { maxAgeMs: 200, now: () => now })
  const read = async () => {
    reads++
    return { partial: partial('v') }
  }
  const top = () => c.ranked('v', {}, 'run1', 0, 10, read)
  await top()
  t.equal(reads, 1)
  now = 90
  await top()
  t.equal(reads, 1, 'past a quarter: served as it is')
  now = 110
  await top()
  t.equal(reads, 2, 'past half: one refresh behind it')
  t.equal(c.thresholdReads, 2)
  t.equal(c.reused, 2)
})
