// The pieces of a cluster query that need no Kafka: the binary frames nodes
// exchange, a node's share (GET /cluster/partials/:name, /cluster/stats) with
// its parameter errors and cutoff check, and the batch schedule a cluster runs.
import t from 'tap'
import { encodeFrames, decodeFrames } from '../../src/cluster/frames.js'
import { localPeer } from '../../src/cluster/peer.js'
import { buildApp } from '../../src/serve/app.js'
import { speedSourceOf } from '../../src/serve/sources.js'
import { parseSchedule } from '../../src/batch/schedule.js'
import { loadConfig } from '../../src/config.js'
import { viewNamed } from '../../views/catalog/index.js'
import { deserializePartial, mergePartials, serializePartial } from '../../views/state/partial.js'
import type { ViewPartial } from '../../views/state/partial.js'
import { servingFixture } from '../helpers/serve.js'

t.test('frames: parts round-trip, truncation is an error naming the byte', async (t) => {
  const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(1000).fill(7)]
  const bytes = encodeFrames(parts)
  t.equal(bytes.length, 4 + 3 * 4 + 1003)
  t.same(decodeFrames(bytes).map((p) => [...p]), parts.map((p) => [...p]))
  t.same(decodeFrames(encodeFrames([])), [])
  t.throws(() => decodeFrames(bytes.subarray(0, bytes.length - 1)), { code: 'PULSE_ERR_INVALID_STATE', message: /truncated/ })
  t.throws(() => decodeFrames(Buffer.concat([bytes, Buffer.from([0])])), { code: 'PULSE_ERR_INVALID_STATE', message: /after the last part/ })
})

t.test('batch schedules: daily, every N, off; nonsense names the variable', async (t) => {
  t.same(parseSchedule('02:30'), { kind: 'daily', minutes: 150 })
  t.same(parseSchedule('every 15m'), { kind: 'every', ms: 900_000 })
  t.same(parseSchedule('every 1h'), { kind: 'every', ms: 3_600_000 })
  t.equal(parseSchedule('off'), undefined)
  t.throws(() => parseSchedule('every 5s'), { code: 'PULSE_ERR_CONFIG', message: /at least 10s/ })
  t.throws(() => parseSchedule('hourly'), { code: 'PULSE_ERR_CONFIG', message: /PULSE_BATCH_SCHEDULE/ })
  t.equal(loadConfig({ PULSE_BATCH_SCHEDULE: 'every 20s' }).batch.schedule, 'every 20s')
  t.throws(() => loadConfig({ PULSE_BATCH_SCHEDULE: '25:00' }), { code: 'PULSE_ERR_CONFIG' })
})

t.test('cluster settings: store prefix and advertised address are checked', async (t) => {
  t.equal(loadConfig({}).storePrefix, '')
  t.equal(loadConfig({ PULSE_STORE_PREFIX: 'staging/' }).storePrefix, 'staging/')
  t.throws(() => loadConfig({ PULSE_STORE_PREFIX: 'staging' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_STORE_PREFIX/ })
  t.equal(loadConfig({}).advertiseUrl, undefined)
  t.equal(loadConfig({ PULSE_ADVERTISE_URL: 'http://10.0.0.5:8080' }).advertiseUrl, 'http://10.0.0.5:8080/')
  t.throws(() => loadConfig({ PULSE_ADVERTISE_URL: '10.0.0.5:8080' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_ADVERTISE_URL/ })
})

t.test("a node's share of a cluster query", async (t) => {
  const f = await servingFixture({ seed: 33, count: 6000 })
  let replaying: string[] = []
  const peer = localPeer(f.layer, f.batch, () => replaying)
  const { app } = await buildApp({ speed: speedSourceOf(f.layer), batch: f.batch, store: f.store, peer })
  t.teardown(async () => {
    await app.close()
    await f.close()
  })
  const view = viewNamed('auth_daily_active_users')!
  const all = f.layer.partitions.map((p) => `${p.topic}/${p.partition}`)
  const auth = all.filter((id) => id.startsWith('auth_topic/'))
  const cutoff = String(f.cutoff)
  const url = (params: Record<string, string>) => `/cluster/partials/${view.name}?${new URLSearchParams(params)}`

  const res = await app.inject({ url: url({ filter: '{}', partitions: auth.join(','), cutoff }) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/octet-stream')
  t.same(String(res.headers['x-pulse-partitions']).split(',').sort(), auth.slice().sort(), 'answers for the partitions it owns')
  let merged: ViewPartial = { view: view.name, groups: new Map() }
  for (const part of decodeFrames(res.rawPayload)) merged = mergePartials(view, merged, deserializePartial(view, part))
  const local = await f.layer.query(view.name, {})
  t.same(serializePartial(view, merged), serializePartial(view, local), 'the frames merge into the local partial')

  t.equal(res.headers['x-pulse-replaying'], '', 'none replaying')

  const some = await app.inject({ url: url({ filter: '{}', partitions: auth[0]!, cutoff }) })
  t.equal(some.headers['x-pulse-partitions'], auth[0], 'only the partitions asked for')

  // a partition still catching up after a move is named, when it is among those asked for
  replaying = [auth[1]!, 'video_topic/0']
  const behind = await app.inject({ url: url({ filter: '{}', partitions: auth.join(','), cutoff }) })
  t.equal(behind.headers['x-pulse-replaying'], auth[1], 'the replaying partition among those asked for')
  t.equal(String(behind.headers['x-pulse-partitions']).split(',').length, auth.length, 'and still answered for')
  replaying = []

  const stats = await app.inject({ url: `/cluster/stats?partitions=${auth.join(',')}` })
  t.equal(stats.statusCode, 200)
  const actors = (stats.json() as { actors: Array<{ topic: string; watermark: number | null }> }).actors
  t.same(actors.map((a) => a.topic), auth.map(() => 'auth_topic'))
  t.ok(actors.every((a) => typeof a.watermark === 'number' && a.watermark > 0), 'each with its watermark (a batch run cuts no later than the lowest)')

  // the asking node serves another batch run: refused, with this node's cutoff
  const other = await app.inject({ url: url({ filter: '{}', partitions: auth.join(','), cutoff: 'none' }) })
  t.equal(other.statusCode, 503)
  t.equal(other.json().code, 'PULSE_ERR_CUTOFF_MOVED')
  t.equal(other.headers['x-pulse-cutoff'], cutoff)

  const bad: Array<[Record<string, string>, string]> = [
    [{ filter: '{', partitions: '', cutoff }, 'filter'],
    [{ filter: '{"keys":{"date":[1]}}', partitions: '', cutoff }, 'filter'],
    [{ filter: '{"when":1}', partitions: '', cutoff }, 'filter'],
    [{ filter: '{}', partitions: 'auth_topic', cutoff }, 'partitions'],
    [{ filter: '{}', partitions: '', cutoff: 'yesterday' }, 'cutoff'],
    [{ filter: '{}', partitions: '' }, 'cutoff'],
  ]
  for (const [params, param] of bad) {
    const r = await app.inject({ url: url(params) })
    t.equal(r.statusCode, 400, `${JSON.stringify(params)}: 400`)
    t.equal(r.json().param, param, `names ${param}`)
  }
  t.equal((await app.inject({ url: `/cluster/partials/nope?filter=%7B%7D&partitions=&cutoff=none` })).statusCode, 404)
})
