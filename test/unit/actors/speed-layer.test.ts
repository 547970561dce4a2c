// The speed layer end to end in one process: records in the embedded log,
// actors in worker threads, snapshots in a local store. Every view's answer
// must equal the reference evaluator's over the valid, deduplicated events.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CATALOG } from '../../../views/catalog/index.js'
import { dedupe, evaluate } from '../../../views/evaluate.js'
import { finalize, mergePartials, partialOf, serializePartial } from '../../../views/state/partial.js'
import type { ViewPartial } from '../../../views/state/partial.js'
import { InProcessLog } from '../../../src/sources/in-process-log.js'
import { LocalStore } from '../../../src/store/local-store.js'
import type { ObjectStore } from '../../../src/store/object-store.js'
import { HOUR } from '../../../src/events/time.js'
import { DEFAULT_SPEED_OPTIONS, servingWorkers, snapshotKey, SpeedLayer, workersFor } from '../../../actors/speed-layer.js'
import { runEmbedded } from '../../../actors/embedded-source.js'
import { records, validEvents } from '../../helpers/stream.js'
import { candidates, phaseTwo } from '../../../views/state/rank.js'
import { partitionFor } from '../../../src/kafka/partitioner.js'
import { sameRows } from '../../helpers/rows.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-speed-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const store = new LocalStore(dir)
const input = records(11, 40_000)
const events = validEvents(input)
const actor = { retentionMs: 12 * HOUR }

async function filled(from = 0, to = input.length): Promise<InProcessLog> {
  const log = new InProcessLog({ partitions: 4, capacity: 1_000_000 })
  await log.append(input.slice(from, to))
  return log
}

t.test('every view equals the reference evaluator; faults are counted', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, mailbox: 4, prefix: 'a/', actor })
  t.teardown(() => layer.close())
  const consumed = await runEmbedded(await filled(), layer, { untilCaughtUp: true })
  t.equal(consumed, input.length)
  const stats = await layer.stats()
  t.equal(stats.length, 24, 'an actor per partition of the six topics')
  const sum = (k: 'invalid' | 'duplicates' | 'late' | 'valid') => stats.reduce((s, a) => s + a.counters[k], 0)
  t.equal(sum('valid'), dedupe(events).length)
  t.equal(sum('invalid'), input.length - events.length)
  t.ok(sum('duplicates') > 0 && sum('late') > 0, `duplicates ${sum('duplicates')}, late updates ${sum('late')}`)
  for (const view of CATALOG) sameRows(t, view, finalize(view, await layer.query(view.name)), evaluate(view, events), view.name)
})

t.test('queries select by key and time range', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'b/', actor })
  t.teardown(() => layer.close())
  await runEmbedded(await filled(), layer, { untilCaughtUp: true })
  const view = CATALOG.find((v) => v.name === 'auth_user_activity_summary')!
  const all = finalize(view, await layer.query(view.name))
  const one = finalize(view, await layer.query(view.name, { keys: { user_id: all[3]!.user_id as string } }))
  t.same(one, [all[3]])
  const windowed = CATALOG.find((v) => v.name === 'auth_realtime_active_users_1min')!
  const rows = finalize(windowed, await layer.query(windowed.name))
  const from = Date.parse(String(rows[10]!.window_start))
  const to = Date.parse(String(rows[20]!.window_start))
  const ranged = finalize(windowed, await layer.query(windowed.name, { from, to }))
  t.same(ranged, rows.slice(10, 20), 'windows overlapping [from, to)')
  await t.rejects(layer.query('no_such_view'), { code: 'PULSE_ERR_INVALID_STATE' })
})

t.test('a restored layer resumes from its snapshots: restored + the rest = uninterrupted', async (t) => {
  const half = 20_000
  const first = new SpeedLayer(store, { workers: 2, prefix: 'c/', actor })
  const log = await filled()
  // consume the first half only: a log holding just those records
  await runEmbedded(await filled(0, half), first, { untilCaughtUp: true })
  await first.close({ snapshot: true })
  t.ok(await store.tryGet(snapshotKey('c/', 'auth_topic', 0)), 'snapshot written')

  const second = new SpeedLayer(store, { workers: 2, prefix: 'c/', actor })
  t.teardown(() => second.close())
  // the full log: the restored actors seek past what they hold
  const consumed = await runEmbedded(log, second, { untilCaughtUp: true })
  t.ok(consumed < input.length, `resumed: consumed ${consumed} of ${input.length}`)
  const stats = await second.stats()
  t.equal(stats.reduce((s, a) => s + a.counters.records, 0), input.length, 'every record applied once')
  for (const view of CATALOG) sameRows(t, view, finalize(view, await second.query(view.name)), evaluate(view, events), view.name)
})

t.test('snapshots taken while batches are applied each hold a consistent (state, offset) pair', async (t) => {
  const first = new SpeedLayer(store, { workers: 2, mailbox: 2, prefix: 'e/', actor })
  const stop = new AbortController()
  const consuming = runEmbedded(await filled(), first, { signal: stop.signal, pollMax: 512 })
  while ((await first.stats()).reduce((s, a) => s + a.counters.records, 0) < 5_000) await new Promise((r) => setTimeout(r, 5))
  // two at once: the second waits for the first, so the later snapshot is the one stored
  const [a, b] = await Promise.all([first.snapshot(), first.snapshot()])
  stop.abort()
  await consuming
  // no snapshot on close: a crash right after the second snapshot
  await first.close()
  t.equal(a.actors, 24)
  t.equal(b.actors, 24)
  t.ok(b.pauseMs > 0 && b.pauseMs <= b.ms, `longest pause ${b.pauseMs.toFixed(1)} ms of ${b.ms.toFixed(1)} ms`)
  const held = b.offsets.reduce((s, o) => s + o.nextOffset, 0)
  t.ok(held > 0 && held < input.length, `snapshots hold ${held} of ${input.length} records`)
  const later = new Map(b.offsets.map((o) => [`${o.topic}/${o.partition}`, o.nextOffset]))
  t.ok(a.offsets.every((o) => o.nextOffset <= later.get(`${o.topic}/${o.partition}`)!), 'the second snapshot is not older than the first')

  const second = new SpeedLayer(store, { workers: 2, prefix: 'e/', actor })
  t.teardown(() => second.close())
  const consumed = await runEmbedded(await filled(), second, { untilCaughtUp: true })
  t.equal(consumed, input.length - held, 'resumed from each actor\'s own offset')
  for (const view of CATALOG) sameRows(t, view, finalize(view, await second.query(view.name)), evaluate(view, events), view.name)
})

t.test('a snapshot whose PUT fails rejects with the store\'s error once every actor is done; the next one succeeds', async (t) => {
  let failing = true
  // the local store, with its PUTs of one partition refused while `failing`
  const flaky: ObjectStore = {
    location: store.location,
    put: async (key, body, options) => {
      if (failing && key.endsWith('/0.snap')) throw new Error(`refused ${key}`)
      return store.put(key, body, options)
    },
    get: (key) => store.get(key),
    tryGet: (key) => store.tryGet(key),
    tryGetTagged: (key) => store.tryGetTagged(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
  }
  const layer = new SpeedLayer(flaky, { workers: 2, prefix: 'f/', actor })
  t.teardown(() => layer.close())
  await runEmbedded(await filled(0, 5_000), layer, { untilCaughtUp: true })
  await t.rejects(layer.snapshot(), /refused f\/_speed\/snapshots\/\w+\/0\.snap/)
  t.ok(await store.tryGet(snapshotKey('f/', 'auth_topic', 1)), 'the other partitions were stored')
  failing = false
  t.equal((await layer.snapshot()).actors, 24)
})

t.test('a spread snapshot takes its time; one asked for now hurries it along', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'g/', actor })
  t.teardown(() => layer.close())
  await runEmbedded(await filled(0, 5_000), layer, { untilCaughtUp: true })
  let t0 = performance.now()
  t.equal((await layer.snapshot({ spreadMs: 600 })).actors, 24)
  // 12 actors per worker, 11 waits of 50 ms between them
  t.ok(performance.now() - t0 >= 500, `spread over ${Math.round(performance.now() - t0)} ms`)
  t0 = performance.now()
  const slow = layer.snapshot({ spreadMs: 600_000 })
  const now = layer.snapshot()
  t.equal((await slow).actors, 24)
  t.equal((await now).actors, 24)
  t.ok(performance.now() - t0 < 60_000, `both written after ${Math.round(performance.now() - t0)} ms, not 10 minutes`)
})

t.test('closing during a spread snapshot ends it at once, without writing further actors', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'h/', actor })
  await runEmbedded(await filled(0, 5_000), layer, { untilCaughtUp: true })
  const t0 = performance.now()
  const spread = layer.snapshot({ spreadMs: 600_000 })
  await new Promise((r) => setTimeout(r, 200))
  await layer.close()
  const report = await spread
  t.ok(report.actors >= 1 && report.actors < 24, `${report.actors} of 24 actors written before the close`)
  t.ok(performance.now() - t0 < 60_000, `closed after ${Math.round(performance.now() - t0)} ms, not 10 minutes`)
})

t.test('after a cutoff, batch (before it) ⊕ speed (after it) is the whole answer', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'd/', actor })
  t.teardown(() => layer.close())
  await runEmbedded(await filled(), layer, { untilCaughtUp: true })
  const times = events.map((e) => e.time).sort((a, b) => a - b)
  const cutoff = Math.floor(times[Math.floor(times.length / 2)]! / HOUR) * HOUR
  t.ok((await layer.setCutoff(cutoff)) > 0, 'groups dropped')
  const batchSide = dedupe(events).filter((e) => e.time < cutoff)
  for (const view of CATALOG) {
    const merged = mergePartials(view, partialOf(view, batchSide), await layer.query(view.name))
    sameRows(t, view, finalize(view, merged), evaluate(view, events), view.name)
  }
  const bytes = await layer.queryBytes('auth_daily_active_users')
  t.ok(bytes.every((b) => b instanceof Uint8Array), 'serialized partials per worker')
  t.ok(serializePartial(CATALOG[0]!, await layer.query(CATALOG[0]!.name)).length > 0)
})

t.test('a threshold read sees one state per worker from its first phase to its last; an expired hold is refused', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'r/', actor, rankHoldMs: 1_500 })
  t.teardown(() => layer.close())
  const log = await filled(0, 20_000)
  const stop = new AbortController()
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  const applied = async () => (await layer.stats()).reduce((s, a) => s + a.counters.records, 0)
  while ((await applied()) < 20_000) await new Promise((r) => setTimeout(r, 5))
  const view = CATALOG.find((v) => v.name === 'video_realtime_popular_videos')!
  const k = 3
  const session = await layer.rank(view.name, {}, 0, k)
  t.equal(session.tops.length, 2, 'each worker holds some groups')
  const before = await layer.query(view.name)
  await log.append(input.slice(20_000, 30_000))
  await new Promise((r) => setTimeout(r, 100))
  t.equal(await applied(), 20_000, 'no record applied while the read holds the state')
  const two = phaseTwo(session.tops, k)
  const ids = candidates(await session.above(two.thresholds), two, k)
  const fetched = await session.fetch(ids)
  t.ok(ids.length > 0, `${ids.length} candidates`)
  t.same(
    ids.map((id) => fetched.groups.get(id)?.states),
    ids.map((id) => before.groups.get(id)?.states),
    'the candidates as they were at the first phase',
  )
  while ((await applied()) < 30_000) await new Promise((r) => setTimeout(r, 5))
  t.pass('applying resumed once the read ended')

  // a read that never ends: the batches waiting behind it run once its hold expires
  const late = await layer.rank(view.name, {}, 0, k)
  await log.append(input.slice(30_000))
  await new Promise((r) => setTimeout(r, 1_700))
  while ((await applied()) < input.length) await new Promise((r) => setTimeout(r, 5))
  await t.rejects(late.above(phaseTwo(late.tops, k).thresholds), { code: 'PULSE_ERR_READ_EXPIRED' }, 'past its hold, phase 2 is refused')
  const holds = await layer.holdStats()
  t.same(
    holds.map((h) => [h.holds, h.expired]),
    [
      [2, 1],
      [2, 1],
    ],
    'each worker counts two holds, one of them expired',
  )
  t.ok(holds.every((h) => h.heldMs >= 1_500), `held ${holds.map((h) => Math.round(h.heldMs)).join(', ')} ms (the expired hold alone lasted 1.5 s)`)
  // applying tens of thousands of records takes young-generation collections in every worker
  const gc = await layer.gcPauses()
  t.equal(gc.length, 2)
  for (const [i, w] of gc.entries()) {
    t.ok(w.minor.count > 0 && w.minor.ms > 0, `worker ${i}: ${w.minor.count} scavenges, ${Math.round(w.minor.ms)} ms`)
    for (const h of [w.minor, w.major]) t.equal(h.buckets.reduce((a, b) => a + b, 0), h.count, 'every pause in one bucket')
  }
  stop.abort()
  await consuming
})

t.test("a lone worker's threshold read names its candidates in phase 1: every group that can be in a top k, ties included", async (t) => {
  const view = CATALOG.find((v) => v.name === 'video_realtime_popular_videos')!
  const one = new SpeedLayer(store, { workers: 1, prefix: 's/', actor })
  t.teardown(() => one.close())
  await runEmbedded(await filled(), one, { untilCaughtUp: true })
  const k = 3
  const session = await one.rank(view.name, {}, 0, k)
  const listed = session.candidates
  const full = await one.query(view.name)
  const fetched = await session.fetch(listed ?? [])
  t.ok(listed !== undefined, 'one worker: the candidates are named')
  // the full read's groups that can be in a window's top k: at least its k-th largest play count
  const byWindow = new Map<number | null, number[]>()
  for (const g of full.groups.values()) byWindow.set(g.window, [...(byWindow.get(g.window) ?? []), g.states[0] as number])
  const kth = new Map([...byWindow].map(([w, xs]) => [w, xs.length < k ? -Infinity : xs.sort((a, b) => b - a)[k - 1]!]))
  const keep = [...full.groups].filter(([, g]) => (g.states[0] as number) >= kth.get(g.window)!).map(([id]) => id)
  t.same(new Set(listed), new Set(keep), `${keep.length} groups in ${byWindow.size} windows`)
  t.ok(keep.length > k * byWindow.size, 'some windows tie at the k-th place')
  t.same([...fetched.groups.keys()].sort(), [...keep].sort(), 'fetched whole')

  const two = new SpeedLayer(store, { workers: 2, prefix: 't/', actor })
  t.teardown(() => two.close())
  await runEmbedded(await filled(), two, { untilCaughtUp: true })
  const split = await two.rank(view.name, {}, 0, k)
  t.equal(split.candidates, undefined, 'two workers: phase 2 decides')
  split.release()
})

t.test('a snapshot leaves the actors that changed nothing since their stored snapshot; the restored state is whole', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'q/', actor })
  const log = await filled(0, 5_000)
  const stop = new AbortController()
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  const applied = async () => (await layer.stats()).reduce((s, a) => s + a.counters.records, 0)
  while ((await applied()) < 5_000) await new Promise((r) => setTimeout(r, 5))
  const first = await layer.snapshot()
  t.match(first, { actors: 24, unchanged: 0 }, 'the first writes every actor')
  const second = await layer.snapshot()
  t.match(second, { actors: 24, unchanged: 24, bytes: 0 }, 'nothing applied since: nothing written')
  const more = input.slice(5_000, 5_010)
  const touched = new Set(more.map((r) => `${r.topic}/${partitionFor(r.key, 4)}`))
  await log.append(more)
  while ((await applied()) < 5_010) await new Promise((r) => setTimeout(r, 5))
  const third = await layer.snapshot()
  t.equal(third.actors, 24)
  t.equal(third.unchanged, 24 - touched.size, `only the ${touched.size} actors that got records are written`)
  stop.abort()
  await consuming
  await layer.close()

  const restored = new SpeedLayer(store, { workers: 2, prefix: 'q/', actor })
  t.teardown(() => restored.close())
  t.equal(await runEmbedded(await filled(0, 5_010), restored, { untilCaughtUp: true }), 0, 'every actor resumes at the end')
  const upTo = validEvents(input.slice(0, 5_010))
  for (const view of CATALOG) sameRows(t, view, finalize(view, await restored.query(view.name)), evaluate(view, upTo), view.name)
})

t.test('reads are answered between the views of an actor being snapshotted, and see the state it writes', async (t) => {
  const layer = new SpeedLayer(store, { workers: 2, prefix: 'r/', actor })
  t.teardown(() => layer.close())
  await runEmbedded(await filled(), layer, { untilCaughtUp: true })
  const view = CATALOG.find((v) => v.name === 'video_popularity')!
  const expected = evaluate(view, events)
  // reads kept waiting at both workers for as long as the snapshot is written
  let writing = true
  const answers: ViewPartial[] = []
  const reader = async () => {
    while (writing) answers.push(await layer.query(view.name))
  }
  const readers = Array.from({ length: 4 }, reader)
  const report = await layer.snapshot()
  writing = false
  await Promise.all(readers)
  t.equal(report.actors, 24)
  t.ok(report.readTurns > 0, `reads ran ${report.readTurns} times in the middle of an actor's snapshot`)
  t.ok(answers.length > 0, `${answers.length} answers meanwhile`)
  t.ok(answers.every((a) => finalize(view, a).length === expected.length), 'each one whole')
  sameRows(t, view, finalize(view, answers[answers.length - 1]!), expected, 'the last one equals the reference')

  const restored = new SpeedLayer(store, { workers: 2, prefix: 'r/', actor })
  t.teardown(() => restored.close())
  t.equal(await runEmbedded(await filled(), restored, { untilCaughtUp: true }), 0, 'the snapshot holds every record')
  for (const v of CATALOG) sameRows(t, v, finalize(v, await restored.query(v.name)), evaluate(v, events), v.name)
})

t.test('a serving node leaves its serving thread a core: one worker fewer than the cores, 1 to 4', async (t) => {
  t.same([1, 2, 3, 4, 5, 8, 64].map((cores) => servingWorkers(cores)), [1, 1, 2, 3, 4, 4, 4])
  t.equal(workersFor(undefined, true), servingWorkers(), 'a serving command, nothing configured')
  t.equal(workersFor(undefined, false), DEFAULT_SPEED_OPTIONS.workers, 'a command that serves nothing')
  t.same([workersFor(3, true), workersFor(3, false)], [3, 3], 'PULSE_SPEED_WORKERS wins either way')
})
