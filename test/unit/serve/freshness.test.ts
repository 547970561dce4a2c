// The actor-stats cache behind every answer's freshness: shared for maxAgeMs,
// then served stale (up to maxStaleMs) while one refresh runs, so requests do
// not wait for busy workers; past maxStaleMs, or with nothing yet, they wait.
import t from 'tap'
import { freshness, FreshnessJson, StatsCache } from '../../../src/serve/freshness.js'
import type { RunManifest } from '../../../src/batch/runs.js'
import type { Coverage, SpeedSource } from '../../../src/serve/sources.js'
import type { ActorStats } from '../../../actors/worker.js'

function fakeSpeed() {
  const calls: Array<{ resolve: (s: ActorStats[]) => void; reject: (e: Error) => void }> = []
  const speed: SpeedSource = {
    query: async () => ({ view: 'v', groups: new Map() }),
    stats: () => new Promise<ActorStats[]>((resolve, reject) => calls.push({ resolve, reject })),
    setCutoff: async () => 0,
  }
  return { speed, calls }
}
const stats = (n: number) => [{ partition: n }] as unknown as ActorStats[]
const flush = () => new Promise((r) => setImmediate(r))

t.test('shared for maxAgeMs, then served stale while one refresh runs', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 0
  const c = new StatsCache(speed, 1000, 5000, () => now)
  const first = c.get()
  const second = c.get()
  t.equal(calls.length, 1, 'nothing yet: both wait for one round trip')
  calls[0]!.resolve(stats(1))
  t.same((await first).stats, stats(1))
  t.same((await second).stats, stats(1))
  now = 500
  t.same((await c.get()).stats, stats(1))
  t.equal(calls.length, 1, 'within maxAgeMs: no round trip')
  now = 1500
  t.same((await c.get()).stats, stats(1), 'stale: served at once')
  t.same((await c.get()).stats, stats(1))
  t.equal(calls.length, 2, 'one refresh')
  calls[1]!.resolve(stats(2))
  await flush()
  t.same((await c.get()).stats, stats(2), 'the refreshed stats from then on')
})

t.test('past maxStaleMs requests wait; a failed refresh rejects nothing unawaited', async (t) => {
  const { speed, calls } = fakeSpeed()
  let now = 0
  const c = new StatsCache(speed, 1000, 5000, () => now)
  const first = c.get()
  calls[0]!.resolve(stats(1))
  await first
  now = 2000
  await c.get()
  calls[1]!.reject(new Error('worker gone'))
  await flush()
  now = 6000
  const waiting = c.get()
  t.equal(calls.length, 3)
  let settled = false
  void waiting.then(() => (settled = true))
  await flush()
  t.notOk(settled, 'too stale: waits for the round trip')
  calls[2]!.resolve(stats(3))
  t.same((await waiting).stats, stats(3))
})

t.test('freshness: watermark range, newest event time and cutoff over the actors; lag and age per answer', async (t) => {
  const at = (iso: string) => Date.parse(iso)
  const actor = (watermark: string, maxTime: string, cutoff: number) => ({ watermark: at(watermark), maxTime: at(maxTime), cutoff }) as unknown as ActorStats
  const one = [actor('2026-11-02T10:00:00Z', '2026-11-02T10:02:00Z', -Infinity), actor('2026-11-02T10:01:00Z', '2026-11-02T10:03:00Z', -Infinity)]
  const a = freshness(null, one, 5, 10)
  const b = freshness(null, one, 7, 20)
  t.same(a.speed, { partitions: 2, watermark: { min: '2026-11-02T10:00:00.000Z', max: '2026-11-02T10:01:00.000Z' }, maxEventTime: '2026-11-02T10:03:00.000Z', lag: 5, cutoff: null, ageMs: 10 })
  t.same([b.speed.lag, b.speed.ageMs], [7, 20], 'lag and age are per answer')
  t.same(Object.keys(b.speed), ['partitions', 'watermark', 'maxEventTime', 'lag', 'cutoff', 'ageMs'], 'the fields in the documented order')
  const two = [actor('2026-11-02T10:05:00Z', '2026-11-02T10:07:00Z', at('2026-11-02T10:00:00Z'))]
  t.same(freshness(null, two, 0, 0).speed, { partitions: 1, watermark: { min: '2026-11-02T10:05:00.000Z', max: '2026-11-02T10:05:00.000Z' }, maxEventTime: '2026-11-02T10:07:00.000Z', lag: 0, cutoff: '2026-11-02T10:00:00.000Z', ageMs: 0 })
  t.same(freshness(null, [], null).speed, { partitions: 0, watermark: { min: null, max: null }, maxEventTime: null, lag: null, cutoff: null, ageMs: 0 }, 'no actors yet')
})

t.test('FreshnessJson: the JSON of freshness(), written again only when its inputs change', async (t) => {
  const at = (iso: string) => Date.parse(iso)
  const actor = (watermark: string, maxTime: string, cutoff: number) => ({ watermark: at(watermark), maxTime: at(maxTime), cutoff }) as unknown as ActorStats
  const stats = [actor('2026-11-02T10:00:00Z', '2026-11-02T10:02:00Z', at('2026-11-02T09:00:00Z')), actor('2026-11-02T10:01:00Z', '2026-11-02T10:03:00Z', -Infinity)]
  // a run id that spells the spliced field, escaped inside its string
  const run = { runId: 'r"ageMs":1}', cutoffIso: '2026-11-02T09:00:00.000Z', cutoff: at('2026-11-02T09:00:00Z'), finishedAt: '2026-11-02T09:05:00.000Z', durationMs: 1200 } as unknown as RunManifest
  const cluster: Coverage = { nodes: 2, missing: ['auth/1'], unreachable: [], replaying: [] }
  const w = new FreshnessJson()
  for (const [r, s, lag, age, c] of [
    [run, stats, 5, 0, null],
    [run, stats, 5, 1234, null],
    [null, stats, null, 7, cluster],
    [run, [], 0, 3, cluster],
    [run, stats, 9, 250, cluster],
  ] as const) {
    t.equal(w.write(r, s as ActorStats[], lag, age, c), JSON.stringify(freshness(r, s as ActorStats[], lag, age, c)), `age ${age}`)
  }
  // the same inputs: the parts written before are reused (stats edited in place would not show)
  const same = new FreshnessJson()
  const mutable = [actor('2026-11-02T10:00:00Z', '2026-11-02T10:02:00Z', -Infinity)]
  const first = JSON.parse(same.write(null, mutable, 1, 10)) as { speed: { maxEventTime: string; ageMs: number } }
  ;(mutable[0] as { maxTime: number }).maxTime = at('2026-11-02T11:00:00Z')
  const second = JSON.parse(same.write(null, mutable, 1, 20)) as { speed: { maxEventTime: string; ageMs: number } }
  t.equal(second.speed.maxEventTime, first.speed.maxEventTime, 'reused while the stats array is the same one')
  t.equal(second.speed.ageMs, 20, 'the age is always this request\'s')
  const third = JSON.parse(same.write(null, [...mutable], 1, 30)) as { speed: { maxEventTime: string } }
  t.equal(third.speed.maxEventTime, '2026-11-02T11:00:00.000Z', 'a new stats array is written anew')
})
