// The HTTP surface: listing, filters, order, top-N, freshness, errors, admin
// authentication, readiness and metrics, against a real speed layer and store.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { servingFixture } from '../../helpers/serve.js'
import type { BatchSource, SpeedSource } from '../../../src/serve/sources.js'

const TOKEN = 'test-token-0123456789abcdef'
let batches = 0
let release: () => void = () => undefined
const f = await servingFixture({
  seed: 5,
  count: 8000,
  adminToken: TOKEN,
  triggerBatch: () => new Promise<void>((r) => ((release = r), batches++)),
})
t.teardown(() => f.close())
const get = async (url: string) => {
  const res = await f.app.inject({ url })
  return { status: res.statusCode, body: res.json() as Record<string, any> }
}

t.test('GET /api/views lists every view with its shape', async (t) => {
  const { status, body } = await get('/api/views')
  t.equal(status, 200)
  t.equal(body.views.length, CATALOG.length)
  const popular = body.views.find((v: { name: string }) => v.name === 'video_realtime_popular_videos')
  t.match(popular, { kind: 'realtime', topic: 'video_topic', keys: ['video_id'], window: { kind: 'sliding', sizeMs: 300_000, slideMs: 60_000 } })
  t.match(popular.measures, [{ name: 'plays', kind: 'count', estimated: false }])
})

t.test('a view answer is JSON with every field of its schema, written from the shared rows', async (t) => {
  const url = '/api/views/video_realtime_popular_videos?top=3'
  const [a, b] = await Promise.all([f.app.inject({ url }), f.app.inject({ url })])
  t.match(a.headers['content-type'], /^application\/json; charset=utf-8$/)
  const body = a.json() as Record<string, unknown>
  t.same(Object.keys(body), ['view', 'rows', 'total', 'truncated', 'estimates', 'freshness'])
  t.equal(body.view, 'video_realtime_popular_videos')
  t.same((b.json() as Record<string, unknown>).rows, body.rows, 'two requests sharing a read answer the same rows')
})

t.test('key filters, order and limit', async (t) => {
  const all = (await get('/api/views/auth_user_activity_summary?order=-total_logins')).body
  t.ok(all.rows.length > 10)
  for (let i = 1; i < all.rows.length; i++) t.ok(all.rows[i - 1].total_logins >= all.rows[i].total_logins, 'descending') || i
  const who = all.rows[0].user_id
  const one = (await get(`/api/views/auth_user_activity_summary?user_id=${who}`)).body
  t.same(one.rows, [all.rows[0]])
  const limited = (await get('/api/views/auth_user_activity_summary?order=user_id&limit=3')).body
  t.equal(limited.rows.length, 3)
  t.equal(limited.truncated, true)
  t.equal(limited.total, all.total)
  t.ok(limited.rows[0].user_id < limited.rows[1].user_id)
  const hour = (await get('/api/views/auth_hourly_login_patterns?hour=7')).body
  t.ok(hour.rows.length > 0 && hour.rows.every((r: { hour: number }) => r.hour === 7), 'numeric key column')
})

t.test('windows overlapping [from, to), top-N per window', async (t) => {
  const all = (await get('/api/views/video_realtime_popular_videos?limit=10000')).body.rows as Array<Record<string, any>>
  const starts = [...new Set(all.map((r) => r.window_start as string))].sort()
  const from = starts[5]!
  const to = starts[9]!
  const ranged = (await get(`/api/views/video_realtime_popular_videos?from=${from}&to=${Date.parse(to)}&limit=10000`)).body.rows as Array<Record<string, any>>
  // a 5-minute window overlaps [from, to) when it ends after from and starts before to
  const want = all.filter((r) => Date.parse(r.window_end) > Date.parse(from) && Date.parse(r.window_start) < Date.parse(to))
  t.same(ranged.map((r) => `${r.window_start}/${r.video_id}`).sort(), want.map((r) => `${r.window_start}/${r.video_id}`).sort())
  const top = (await get(`/api/views/video_realtime_popular_videos?top=3&from=${from}&to=${to}`)).body.rows as Array<Record<string, any>>
  const windows = new Map<string, number[]>()
  for (const r of top) windows.set(r.window_start, [...(windows.get(r.window_start) ?? []), r.plays])
  for (const [w, plays] of windows) {
    const best = want.filter((r) => r.window_start === w).map((r) => r.plays as number).sort((a, b) => b - a).slice(0, 3)
    t.same(plays, best, `top 3 of ${w}`)
  }
})

t.test('freshness, sources and exactness', async (t) => {
  const { body } = await get('/api/views/auth_daily_active_users')
  t.equal(body.freshness.batch.cutoffMs, f.cutoff)
  t.equal(Date.parse(body.freshness.speed.cutoff), f.cutoff)
  t.equal(body.freshness.speed.partitions, 24)
  t.ok(Date.parse(body.freshness.speed.watermark.min) <= Date.parse(body.freshness.speed.watermark.max))
  t.equal(body.freshness.speed.lag, 0)
  t.ok(Number.isInteger(body.freshness.speed.ageMs) && body.freshness.speed.ageMs >= 0, 'the speed part\'s age')
  // an identical query right after reuses the speed read, and says how old it is
  const again = (await get('/api/views/auth_daily_active_users')).body
  t.same(again.rows, body.rows)
  t.ok(again.freshness.speed.ageMs <= 250 + 50, `reused within the bound: ${again.freshness.speed.ageMs} ms`)
  // one day, on both sides of the cutoff hour
  t.same(body.rows.map((r: { source: string }) => r.source), ['both'])
  const hours = (await get('/api/views/auth_hourly_login_patterns')).body.rows.map((r: { hour: number; source: string }) => [r.hour, r.source])
  t.ok(hours.every(([h, s]: [number, string]) => s === (h < new Date(f.cutoff).getUTCHours() ? 'batch' : 'speed')), 'hours before the cutoff from batch, after from speed')
  for (const r of body.rows) t.same(Object.keys(r.exact).sort(), ['active_users', 'sessions'])
  // 8,000 events of 300 students: the day has over 128 distinct sessions, an estimate
  t.ok(body.rows.some((r: { exact: { sessions: boolean } }) => r.exact.sessions === false))
  t.equal(body.estimates, true)
})

t.test("an answer's freshness names the run its rows come from, when another is swapped in while its speed read is out", async (t) => {
  const { buildApp } = await import('../../../src/serve/app.js')
  const { speedSourceOf } = await import('../../../src/serve/sources.js')
  const first = f.batch.current()!
  // a later run with the same cutoff, and other rows (none, here)
  const second = { ...first, runId: `${first.runId}-later` }
  let served = first
  let partial = (view: string) => f.batch.partial(view)
  const batch: BatchSource = { current: () => served, partial: (view) => partial(view), loaded: () => true, refresh: async () => undefined, close: () => undefined }
  const local = speedSourceOf(f.layer, async () => 0)
  let swapMidRead = false
  const speed: SpeedSource = {
    ...local,
    query(view, filter) {
      const read = local.query(view, filter)
      if (swapMidRead) {
        // what StoreBatchSource does when its poll finds a new run while this read is out
        swapMidRead = false
        served = second
        partial = () => undefined
      }
      return read
    },
  }
  const { app } = await buildApp({ speed, batch })
  t.teardown(() => app.close())
  const url = '/api/views/auth_daily_active_users'
  const before = (await f.app.inject({ url })).json()
  swapMidRead = true
  const during = (await app.inject({ url })).json()
  t.equal(during.freshness.batch.runId, first.runId, 'the run read with the rows')
  t.same(during.rows, before.rows, 'its rows')
  const after = (await app.inject({ url })).json()
  t.equal(after.freshness.batch.runId, second.runId, 'the next answer names the new run')
  t.ok(after.rows.every((r: { source: string }) => r.source === 'speed'), 'and holds its (empty) batch side')
})

t.test('bad parameters are 400 naming the parameter; unknown view 404', async (t) => {
  const cases: Array<[string, string]> = [
    ['/api/views/auth_user_activity_summary?limit=0', 'limit'],
    ['/api/views/auth_user_activity_summary?limit=ten', 'limit'],
    ['/api/views/auth_user_activity_summary?order=-nope', 'order'],
    ['/api/views/auth_user_activity_summary?usr_id=1', 'usr_id'],
    ['/api/views/auth_user_activity_summary?from=2026-01-01T00:00:00Z', 'from'],
    ['/api/views/auth_user_activity_summary?top=3', 'top'],
    ['/api/views/auth_realtime_login_rate?from=yesterday', 'from'],
    ['/api/views/auth_realtime_login_rate?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['/api/views/auth_hourly_login_patterns?hour=24', 'hour'],
    ['/api/views/auth_user_activity_summary?user_id=a&user_id=b', 'user_id'],
    ['/api/views/auth_user_activity_summary?limit=1&limit=2', 'limit'],
  ]
  for (const [url, param] of cases) {
    const { status, body } = await get(url)
    t.equal(status, 400, url)
    t.equal(body.code, 'PULSE_ERR_BAD_REQUEST', url)
    t.equal(body.param, param, `${url} names ${param}`)
    t.match(body.message, param)
  }
  const missing = await get('/api/views/no_such_view')
  t.equal(missing.status, 404)
  t.equal(missing.body.code, 'PULSE_ERR_UNKNOWN_VIEW')
  t.equal((await get('/nowhere')).body.code, 'PULSE_ERR_NOT_FOUND')
})

t.test('admin routes need the bearer token', async (t) => {
  for (const url of ['/admin/snapshot', '/admin/batch']) {
    t.equal((await f.app.inject({ method: 'POST', url })).statusCode, 401, `${url} without a token`)
    const wrong = await f.app.inject({ method: 'POST', url, headers: { authorization: 'Bearer not-the-token-at-all' } })
    t.equal(wrong.statusCode, 401)
    t.equal(wrong.json().code, 'PULSE_ERR_UNAUTHORIZED')
  }
  const auth = { authorization: `Bearer ${TOKEN}` }
  const snap = await f.app.inject({ method: 'POST', url: '/admin/snapshot', headers: auth })
  t.equal(snap.statusCode, 200)
  t.equal(snap.json().actors, 24)
  t.ok(snap.json().pauseMs > 0 && snap.json().pauseMs <= snap.json().ms, 'the longest pause is within the snapshot')
  const again = await f.app.inject({ method: 'POST', url: '/admin/snapshot', headers: auth })
  t.match(again.json(), { actors: 24, unchanged: 24, bytes: 0 }, 'a second snapshot with nothing applied between writes nothing')
  t.equal((await f.app.inject({ method: 'POST', url: '/admin/batch', headers: auth })).statusCode, 202)
  const busy = await f.app.inject({ method: 'POST', url: '/admin/batch', headers: auth })
  t.equal(busy.statusCode, 409)
  t.equal(busy.json().code, 'PULSE_ERR_BUSY')
  release()
  await new Promise((r) => setTimeout(r, 50))
  t.equal((await f.app.inject({ method: 'POST', url: '/admin/batch', headers: auth })).statusCode, 202, 'free again')
  release()
  t.equal(batches, 2)
})

t.test('admin without a configured token or runner', async (t) => {
  const { buildApp } = await import('../../../src/serve/app.js')
  const { speedSourceOf } = await import('../../../src/serve/sources.js')
  const { app } = await buildApp({ speed: speedSourceOf(f.layer), batch: f.batch })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/admin/snapshot', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(res.statusCode, 401)
  t.match(res.json().message, /set PULSE_ADMIN_TOKEN/)
  const { app: tokenOnly } = await buildApp({ speed: speedSourceOf(f.layer), batch: f.batch, adminToken: TOKEN })
  t.teardown(() => tokenOnly.close())
  const none = await tokenOnly.inject({ method: 'POST', url: '/admin/batch', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(none.statusCode, 503)
  t.equal(none.json().code, 'PULSE_ERR_UNAVAILABLE')
})

t.test('health, readiness, metrics, OpenAPI', async (t) => {
  t.same((await get('/health')).body, { status: 'ok' })
  t.same((await get('/ready')).body, { ready: true, checks: { store: true, speed: true, batch: true } })
  const metrics = await f.app.inject({ url: '/metrics' })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.headers['content-type'], /text\/plain/)
  for (const name of [
    'pulse_speed_events_total{topic="auth_topic",outcome="consumed"}',
    'pulse_speed_events_total{topic="video_topic",outcome="duplicate"}',
    'pulse_speed_watermark_seconds{topic="auth_topic",partition="0"}',
    'pulse_speed_actor_groups{',
    'pulse_speed_snapshot_duration_seconds_count 1',
    'pulse_speed_snapshot_pause_seconds ',
    'pulse_batch_run_rows{view="auth_daily_active_users"}',
    'pulse_batch_cutoff_seconds ',
    'pulse_http_request_duration_seconds_bucket{',
    'pulse_serve_speed_reads_total{outcome="reused"}',
    'pulse_serve_speed_reads_total{outcome="threshold"}',
    'pulse_speed_rank_hold_seconds_total{worker="0"}',
    'pulse_speed_rank_holds_expired_total{worker="1"} 0',
  ]) t.ok(metrics.body.includes(name), name)
  // the workers' collections (counted by speed-layer.test.ts): one histogram per worker and kind, its +Inf bucket its count
  for (const w of ['0', '1']) {
    const count = new RegExp(`^pulse_speed_gc_pause_seconds_count\\{worker="${w}",kind="minor"\\} (\\d+)$`, 'm').exec(metrics.body)
    const inf = new RegExp(`^pulse_speed_gc_pause_seconds_bucket\\{worker="${w}",kind="minor",le="\\+Inf"\\} (\\d+)$`, 'm').exec(metrics.body)
    t.ok(count !== null && inf?.[1] === count[1], `worker ${w}: ${count?.[1]} scavenges, as many in the +Inf bucket`)
  }
  t.ok(metrics.body.includes('pulse_speed_gc_pause_seconds_bucket{worker="1",kind="major",le="0.01"}'))
  const holds = [...metrics.body.matchAll(/^pulse_speed_rank_holds_total\{worker="\d"\} (\d+)$/gm)].map((m) => Number(m[1]))
  t.ok(holds.length === 2 && holds.every((n) => n >= 1), `each worker was held by the top-N queries before: ${holds.join(', ')}`)
  const doc = (await get('/docs/json')).body
  t.equal(doc.openapi.slice(0, 2), '3.')
  for (const p of ['/api/views', '/api/views/{name}', '/health', '/ready', '/metrics', '/admin/snapshot', '/admin/batch']) t.ok(doc.paths[p], p)
  t.notOk(doc.paths['/'], 'dashboard files are not part of the API')
  t.equal((await f.app.inject({ url: '/docs' })).statusCode < 400, true, 'swagger UI')
})
