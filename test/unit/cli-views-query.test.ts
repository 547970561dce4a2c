// `pulse views` and `pulse query` as a user runs them (compiled, from bin/pulse.js);
// query asks a serving app started in this process over real HTTP.
import t from 'tap'
import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { CATALOG } from '../../views/catalog/index.js'
import { servingFixture } from '../helpers/serve.js'

const run = promisify(execFile)
const pulse = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['bin/pulse.js', ...args], { env: { ...process.env, ...env, PULSE_KAFKA_BROKERS: '' } })

t.test('views: every view of the catalog, as a table and as JSON', async (t) => {
  const { stdout } = await pulse(['views'])
  const lines = stdout.trimEnd().split('\n')
  t.match(lines[0], /^view\s+kind\s+topic\s+key\s+window\s+measures\s+derived\s+description$/)
  const rows = lines.slice(2, lines.indexOf(''))
  t.equal(rows.length, 62)
  t.same(rows.map((l) => l.split(/\s+/)[0]), CATALOG.map((v) => v.name))
  const popular = rows.find((l) => l.startsWith('video_realtime_popular_videos '))!
  t.match(popular, /realtime\s+video_topic\s+video_id\s+sliding 5m every 1m\s+plays\s+-\s+\S/)
  t.match(lines.at(-1), /^62 views; /)

  const json = JSON.parse((await pulse(['views', '--json'])).stdout) as { views: Array<Record<string, any>> }
  t.equal(json.views.length, 62)
  t.same(json.views.map((v) => v.name), CATALOG.map((v) => v.name))
  for (const v of json.views) t.ok(v.description.length > 0 && v.keys && v.measures.length > 0 && 'window' in v, v.name)
  t.match(json.views.find((v) => v.name === 'video_realtime_popular_videos'), { keys: ['video_id'], window: { kind: 'sliding', sizeMs: 300_000, slideMs: 60_000 }, measures: [{ name: 'plays', kind: 'count' }] })

  const auth = JSON.parse((await pulse(['views', '--json', '--topic', 'auth_topic'])).stdout) as { views: Array<{ topic: string }> }
  t.equal(auth.views.length, CATALOG.filter((v) => v.topic === 'auth_topic').length)
  t.ok(auth.views.every((v) => v.topic === 'auth_topic'))
  await t.rejects(pulse(['views', '--topic', 'tv_topic']), { code: 2, stderr: /--topic: expected one of auth_topic/ })
  t.match((await pulse(['help', 'views'])).stdout, /--json/)
})

t.test('query: rows of a running Pulse, as a table and as JSON', async (t) => {
  const f = await servingFixture({ seed: 7, count: 6000 })
  t.teardown(() => f.close())
  await f.app.listen({ host: '127.0.0.1', port: 0 })
  const address = f.app.server.address() as { port: number }
  const url = `http://127.0.0.1:${address.port}`
  const api = async (path: string) => (await f.app.inject({ url: path })).json() as Record<string, any>

  // the JSON is the API's answer, with --order/--limit/--key translated
  const want = await api('/api/views/auth_user_activity_summary?order=-total_logins&limit=5')
  const got = JSON.parse((await pulse(['query', 'auth_user_activity_summary', '--url', url, '--order', 'total_logins:desc', '--limit', '5', '--json'])).stdout)
  t.same(got.rows, want.rows)
  t.equal(got.total, want.total)
  t.equal(got.rows.length, 5)
  t.equal(got.truncated, true)

  // the table: one line per row, key and measures in the view's column order
  const { stdout } = await pulse(['query', 'auth_user_activity_summary', '--url', url, '--order', 'total_logins:desc', '--limit', '5'])
  const lines = stdout.trimEnd().split('\n')
  t.match(lines[0], /^user_id\s+total_logins\s+failed_logins\s+first_login\s+last_login\s+active_days\s+source$/)
  const rows = lines.slice(2, 7)
  t.same(rows.map((l) => l.split(/\s+/)[0]), want.rows.map((r: { user_id: string }) => r.user_id))
  t.same(rows.map((l) => Number(l.split(/\s+/)[1]!.replace(/,/g, ''))), want.rows.map((r: { total_logins: number }) => r.total_logins))
  t.match(lines.at(-1), new RegExp(`^auth_user_activity_summary: 5 of ${want.total} rows \\(truncated`))

  // --key filters by a key column; windowed views take --from/--to and --top
  const who = want.rows[0].user_id as string
  const one = JSON.parse((await pulse(['query', 'auth_user_activity_summary', '--url', url, '--key', `user_id=${who}`, '--json'])).stdout)
  t.same(one.rows, [want.rows[0]])
  const all = (await api('/api/views/video_realtime_popular_videos?limit=10000')).rows as Array<Record<string, any>>
  const starts = [...new Set(all.map((r) => r.window_start as string))].sort()
  const [from, to] = [starts[2]!, starts[6]!]
  const top = JSON.parse((await pulse(['query', 'video_realtime_popular_videos', '--url', url, '--from', from, '--to', to, '--top', '2', '--json'])).stdout)
  t.same(top.rows, (await api(`/api/views/video_realtime_popular_videos?from=${from}&to=${to}&top=2`)).rows)
  t.ok(top.rows.length > 0 && top.rows.every((r: { window_start: string; window_end: string }) => Date.parse(r.window_end) > Date.parse(from) && Date.parse(r.window_start) < Date.parse(to)))

  // refusals: the server's message, naming the flag; exit 2
  await t.rejects(pulse(['query', 'no_such_view', '--url', url]), { code: 2, stderr: /no view named "no_such_view" at http:\/\/127\.0\.0\.1:\d+; `pulse views` lists them \[PULSE_ERR_UNKNOWN_VIEW\]/ })
  await t.rejects(pulse(['query', 'auth_user_activity_summary', '--url', url, '--key', 'course_id=c1']), { code: 2, stderr: /--key course_id: not a parameter of auth_user_activity_summary \(its parameters: user_id, / })
  await t.rejects(pulse(['query', 'auth_user_activity_summary', '--url', url, '--order', 'nope:desc']), { code: 2, stderr: /--order: expected a column of auth_user_activity_summary/ })
  await t.rejects(pulse(['query', 'auth_user_activity_summary', '--url', url, '--from', '2026-11-02T00:00:00Z']), { code: 2, stderr: /--from: auth_user_activity_summary has no window/ })
  await t.rejects(pulse(['query', 'auth_hourly_login_patterns', '--url', url, '--key', 'hour=25']), { code: 2, stderr: /--key hour: expected an integer from 0 to 23/ })
})

t.test('query: flags checked before asking; an unreachable server is a clear error', async (t) => {
  await t.rejects(pulse(['query', 'video_popularity', '--limit', 'all']), { code: 2, stderr: /--limit: expected an integer >= 1, got "all"/ })
  await t.rejects(pulse(['query', 'video_popularity', '--key', 'video_id']), { code: 2, stderr: /--key: expected COLUMN=VALUE/ })
  await t.rejects(pulse(['query', 'video_popularity', '--order', 'plays:up']), { code: 2, stderr: /--order: expected COLUMN, COLUMN:asc or COLUMN:desc/ })
  await t.rejects(pulse(['query', 'video_popularity', '--from', 'yesterday']), { code: 2, stderr: /--from: expected an ISO-8601 UTC instant/ })
  await t.rejects(pulse(['query', 'video_popularity', '--url', 'ftp://x']), { code: 2, stderr: /--url: expected http:\/\/ or https:\/\// })
  await t.rejects(pulse(['query']), { code: 2, stderr: /expected one view name/ })
  // a port that was free a moment ago: nothing listens there
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  await t.rejects(pulse(['query', 'video_popularity', '--url', `http://127.0.0.1:${port}`]), {
    code: 1,
    stderr: new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: ECONNREFUSED; is \`pulse start\` or \`pulse serve\` running there\\? .*\\[PULSE_ERR_UNREACHABLE\\]`),
  })
  // without --url: PULSE_HTTP_HOST/PULSE_HTTP_PORT
  await t.rejects(pulse(['query', 'video_popularity'], { PULSE_HTTP_PORT: String(port) }), { code: 1, stderr: new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}`) })
  t.match((await pulse(['query', '--help'])).stdout, /--order COL\[:asc\|desc\]/)
})
