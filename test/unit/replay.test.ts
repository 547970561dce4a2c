// `pulse replay` through the embedded log (compiled, from bin/pulse.js): every
// record of a file reaches the replay's speed layer, the report's counts and
// latency fields are filled in, pacing follows event time, any NDJSON file in
// the record format works, and a master-dataset range is rebuilt into events.
import t from 'tap'
import type { Test } from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { isDeepStrictEqual, promisify } from 'node:util'
import { Pacer, eventTimeOf } from '../../src/replay/event-time.js'
import { weightedPercentiles } from '../../src/replay/visibility.js'
import { EventValidator } from '../../src/events/validate.js'
import { LocalStore } from '../../src/store/local-store.js'
import { loadDirect } from '../../src/ingest/direct-load.js'
import { readRecordBatches } from '../../src/generator/record-file.js'
import type { ReplaySummary } from '../../src/replay/run.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-replay-'))
const run = promisify(execFile)
const pulse = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['bin/pulse.js', ...args], { env: { ...process.env, PULSE_DATA_DIR: join(dir, 'data'), ...env, PULSE_KAFKA_BROKERS: '' }, maxBuffer: 16 << 20 })
const report = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ReplaySummary

function checkLatency(t: Test, r: ReplaySummary): void {
  const l = r.latencyMs
  t.equal(l.records, r.sent, 'every sent record has a latency')
  t.ok(l.batches >= 1, 'latency per batch')
  t.ok(l.p50 >= 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, `p50 ${l.p50} ≤ p90 ${l.p90} ≤ p99 ${l.p99} ≤ max ${l.max}`)
  t.ok(l.max < 60_000, 'visible within a minute')
  t.equal(r.lag[0]?.s, 0, 'lag sampled from the start')
  t.match(r.lag.at(-1), { sent: r.sent, applied: r.sent, lag: 0 }, 'the last sample: everything applied')
}

t.test('event time and pacing', async (t) => {
  t.equal(eventTimeOf('{"event_id":"1","timestamp":"2026-11-02T00:00:04.389Z"}'), Date.UTC(2026, 10, 2, 0, 0, 4, 389))
  t.equal(eventTimeOf('{ "event_id": "1", "timestamp" : "2026-11-02T00:00:05Z" }'), Date.UTC(2026, 10, 2, 0, 0, 5), 'spaced JSON: full parse')
  t.equal(eventTimeOf('{"event_time":"2026-11-02T00:00:06Z"}'), Date.UTC(2026, 10, 2, 0, 0, 6), 'event_time')
  for (const bad of ['{"timestamp":"2026-11-02"}', '{"timestamp":1793577604389}', '{"timestamp":"1999-12-31T23:59:59Z"}', '{"timestamp":"2026-11-02T00:00', 'not json', '[1]', '{}']) {
    t.ok(Number.isNaN(eventTimeOf(bad)), `no event time in ${bad}`)
  }
  const pacer = new Pacer(10)
  const t0 = performance.now()
  const first = pacer.due(1_000_000)
  t.ok(first >= t0 && first - t0 < 50, 'the first timed record is due at once')
  t.equal(Math.round(pacer.due(1_010_000) - first), 1000, '10 s of event time at 10× is 1 s')
  t.ok(pacer.due(900_000) < first, 'an earlier (late) record is due at once')
  t.equal(pacer.due(NaN), -Infinity, 'an untimed record is due at once')
  t.same(weightedPercentiles([30, 10, 20], [1, 1, 98], [50, 99, 100]), [20, 20, 30], 'percentiles over records, not batches')
})

t.test('a generated file through the embedded log: counts, throughput, lag, latency', async (t) => {
  const file = join(dir, 'gen.ndjson')
  const gen = JSON.parse((await pulse(['generate', '--count', '20000', '--out', file, '--quiet', '--seed', '9'])).stdout)
  const out = join(dir, 'gen.json')
  const { stdout } = await pulse(['replay', file, '--json', out, '--batch', '2000', '--sample-every', '100ms', '--quiet'])
  const r = report(out)
  t.equal(r.target, 'embedded', 'embedded when no Kafka is configured')
  t.equal(r.read, gen.records)
  t.equal(r.sent, gen.records, 'every record sent')
  t.equal(r.skipped, 0)
  t.equal(r.complete, true)
  t.match(r.speedLayer, { records: gen.records, valid: gen.counts.valid + gen.counts.late, invalid: gen.counts.invalid, duplicates: gen.counts.duplicate })
  t.equal(r.bytes, readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string }).reduce((s, x) => s + Buffer.byteLength(x.key) + Buffer.byteLength(x.value), 0), 'key + value bytes')
  t.ok(r.eventsPerSecond > 0 && r.mbPerSecond > 0 && r.sendSeconds > 0)
  t.ok(r.visibleSeconds >= r.sendSeconds * 0.99, 'visible after sent')
  t.ok(r.lag.length >= 2)
  checkLatency(t, r)
  // the table carries the same figures
  t.match(stdout, /^Replay of .*gen\.ndjson → embedded, as fast as possible/)
  t.match(stdout, new RegExp(`\\n\\s*${gen.records.toLocaleString('en-US')}\\s+[\\d.]+\\s+[\\d,]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d,]+\\n`), 'events sent, send s, events/s, MB/s, all visible s, events/s end to end')
  t.match(stdout, /Speed-layer consumer lag over time/)
  t.match(stdout, new RegExp(`\\n\\s*${gen.records.toLocaleString('en-US')}\\s+\\d[\\d,]*\\s+\\d[\\d,]*\\s+\\d[\\d,]*\\s+\\d[\\d,]*\\s*$`), 'records, p50, p90, p99, max')
})

t.test('any record file: other keys, CRLF, blank lines, unknown topics, unparseable values; paced by event time', async (t) => {
  const base = Date.UTC(2026, 0, 5, 9)
  const lines: string[] = []
  const values: Array<{ topic: string; value: string }> = []
  for (let i = 0; i < 300; i++) {
    const ts = new Date(base + i * 100).toISOString() // 30 s of event time
    const value = i % 3 === 0
      ? JSON.stringify({ event_id: `e${i}`, event_type: 'LOGIN', timestamp: ts, user_id: `u${i % 17}`, session_id: `s${i}`, device_type: 'web' })
      : i % 3 === 1
        ? JSON.stringify({ event_id: `e${i}`, event_type: 'COURSE_VIEWED', timestamp: ts, user_id: `u${i % 17}`, course_id: `c${i % 5}` })
        : `{"event_id":"e${i}","event_type":"VIDEO_PLAY",` // cut short: no event time, sent unpaced
    const topic = i % 3 === 0 ? 'auth_topic' : i % 3 === 1 ? 'course_topic' : 'video_topic'
    lines.push(JSON.stringify({ topic, key: `device-${i % 7}`, value }))
    values.push({ topic, value })
    if (i % 50 === 0) lines.push('', '   ')
  }
  lines.push(JSON.stringify({ topic: 'clickstream', key: 'x', value: '{}' }))
  const file = join(dir, 'other.ndjson')
  writeFileSync(file, lines.join('\r\n') + '\r\n')
  const validator = new EventValidator()
  const valid = values.filter((v) => validator.check(v.topic, v.value)).length
  t.equal(valid, 200, 'the hand-written events are valid')

  const out = join(dir, 'other.json')
  const started = performance.now()
  await pulse(['replay', file, '--speed', '20', '--to', 'embedded', '--json', out, '--quiet'])
  const wall = (performance.now() - started) / 1000
  const r = report(out)
  t.equal(r.read, 301)
  t.equal(r.sent, 300)
  t.equal(r.skipped, 1, 'the topic outside the contract')
  t.equal(r.speed, 20)
  t.match(r.speedLayer, { records: 300, valid: 200, invalid: 100, duplicates: 0 })
  // 29.9 s of event time at 20× is 1.5 s of sending
  t.ok(r.sendSeconds >= 1.4 && r.sendSeconds < 4, `paced: sent in ${r.sendSeconds}s`)
  t.ok(wall >= 1.4)
  checkLatency(t, r)
})

t.test('a master-dataset range, rebuilt into events', async (t) => {
  const file = join(dir, 'master.ndjson')
  await pulse(['generate', '--count', '12000', '--out', file, '--quiet', '--seed', '4'])
  const records = []
  for await (const b of readRecordBatches(file)) records.push(...b)
  const store = new LocalStore(join(dir, 'master', 'store'))
  await loadDirect(store, records, { partitions: 4 })
  const [from, to] = [Date.UTC(2026, 10, 2, 1), Date.UTC(2026, 10, 2, 3, 30)]
  const validator = new EventValidator()
  const ids = new Set<string>()
  for (const r of records) if (validator.check(r.topic, r.value) && validator.eventTime >= from && validator.eventTime < to) ids.add(validator.event.event_id)
  t.ok(ids.size > 1000, `${ids.size} events in the range`)

  // the rebuilt records: the original events (as parsed), keyed by user_id, in event-time order
  const originals = new Map<string, unknown>()
  for (const r of records) if (validator.check(r.topic, r.value) && !originals.has(validator.event.event_id)) originals.set(validator.event.event_id, JSON.parse(r.value))
  const { readMasterBatches } = await import('../../src/replay/master-source.js')
  let last = -Infinity
  let rebuilt = 0
  let ordered = true
  const differ: string[] = []
  for await (const batch of readMasterBatches(store, { from, to }, 1000)) {
    for (const r of batch) {
      const event = JSON.parse(r.value) as { event_id: string; user_id: string; timestamp: string }
      if (!isDeepStrictEqual(event, originals.get(event.event_id)) || r.key !== event.user_id) differ.push(`${r.key} ${r.value} vs ${JSON.stringify(originals.get(event.event_id))}`)
      const time = Date.parse(event.timestamp)
      ordered &&= time >= last
      last = time
      rebuilt++
    }
  }
  t.equal(rebuilt, ids.size)
  t.same(differ.slice(0, 3), [], 'each rebuilt event equals the original, keyed by user_id')
  t.ok(ordered, 'in event-time order')

  const out = join(dir, 'master.json')
  const env = { PULSE_DATA_DIR: join(dir, 'master') }
  await pulse(['replay', '--from-master', '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--json', out, '--quiet'], env)
  const r = report(out)
  t.equal(r.sent, ids.size, 'each valid, distinct event of the range once')
  t.match(r.speedLayer, { records: ids.size, valid: ids.size, invalid: 0, duplicates: 0 }, 'rebuilt values pass the contract')
  checkLatency(t, r)
  await t.rejects(pulse(['replay', '--from-master', '--from', '2030-01-01T00:00:00Z', '--to', '2030-01-02T00:00:00Z'], env), { code: 2, stderr: /--from\/--to: the master dataset in .* has no files for \[2030-01-01T00:00:00Z, 2030-01-02T00:00:00Z\)/ })
})

t.test('usage errors name the flag and exit 2', async (t) => {
  const file = join(dir, 'gen.ndjson')
  await t.rejects(pulse(['replay']), { code: 2, stderr: /expected one record file, or --from-master/ })
  await t.rejects(pulse(['replay', join(dir, 'missing.ndjson')]), { code: 2, stderr: /FILE: no record file at/ })
  await t.rejects(pulse(['replay', file, '--speed', 'fast']), { code: 2, stderr: /--speed: expected "max" or a positive multiple/ })
  await t.rejects(pulse(['replay', file, '--speed', '0']), { code: 2, stderr: /--speed: expected/ })
  await t.rejects(pulse(['replay', file, '--to', 'kafka', '--to', 'embedded']), { code: 2, stderr: /--to: the target given twice/ })
  await t.rejects(pulse(['replay', file, '--from', '2026-11-02T00:00:00Z']), { code: 2, stderr: /--from: an event-time range is for --from-master/ })
  await t.rejects(pulse(['replay', '--from-master', '--from', '2026-11-02T00:00:00Z']), { code: 2, stderr: /--from-master needs --from ISO and --to ISO.*--to is missing/ })
  await t.rejects(pulse(['replay', '--from-master', '--from', '2026-11-02', '--to', '2026-11-03T00:00:00Z']), { code: 2, stderr: /--from: expected an ISO-8601 UTC instant/ })
  await t.rejects(pulse(['replay', '--from-master', '--from', '2026-11-03T00:00:00Z', '--to', '2026-11-02T00:00:00Z']), { code: 2, stderr: /--to: must be after --from/ })
  await t.rejects(pulse(['replay', file, '--batch', '0']), { code: 2, stderr: /--batch: expected an integer >= 1/ })
  await t.rejects(pulse(['replay', file, '--to', 'embedded', '--group', 'g']), { code: 2, stderr: /--group: only for --to kafka/ })
  const bad = join(dir, 'bad.ndjson')
  writeFileSync(bad, '{"topic":"auth_topic","key":"k","value":"{}"}\n{"topic":"auth_topic","key":7,"value":"{}"}\n')
  await t.rejects(pulse(['replay', bad, '--quiet']), { code: 1, stderr: /bad\.ndjson:2: key: must be a string \[PULSE_ERR_FILE_FORMAT\]/ })
  t.match((await pulse(['help', 'replay'])).stdout, /--speed N\|max/)
})
