// `pulse replay --to kafka` against the real local broker: the records land in
// Kafka (counted with the broker's own offsets), the replay's speed layer applies
// exactly them, the report is complete, and the replay's consumer group is gone
// afterwards. Topics under a prefix of their own, so nothing else is counted.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { dropTopics, requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, physicalTopics } from '../../src/kafka/client.js'
import { partitionFor } from '../../src/kafka/partitioner.js'
import type { ReplaySummary } from '../../src/replay/run.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-replay-kafka-'))
const prefix = `replaytest${process.pid}${Date.now().toString(36)}.`
t.teardown(dropTopics(prefix))
const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
const run = promisify(execFile)
const pulse = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['bin/pulse.js', ...args], {
    env: { ...process.env, PULSE_DATA_DIR: join(dir, 'data'), PULSE_KAFKA_BROKERS: LOCAL_SERVICES.kafka.brokers.join(','), PULSE_TOPIC_PREFIX: prefix, PULSE_PARTITIONS: '3', ...env },
    maxBuffer: 16 << 20,
  })

/** Records per topic/partition in the prefix's topics, from the broker. */
async function brokerCounts(): Promise<Map<string, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const out = new Map<string, number>()
    for (const topic of physicalTopics(prefix)) for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic.slice(prefix.length)}/${p.partition}`, Number(p.high) - Number(p.low))
    return out
  } finally {
    await admin.disconnect()
  }
}

t.before(requireServices)

t.test('a generated file through Kafka: every record in the broker, applied once, latency measured', async (t) => {
  const file = join(dir, 'events.ndjson')
  const gen = JSON.parse((await pulse(['generate', '--count', '30000', '--out', file, '--quiet', '--seed', '12'])).stdout)
  const out = join(dir, 'kafka.json')
  const group = `pulse-replay-test-${process.pid}`
  const { stdout } = await pulse(['replay', file, '--json', out, '--group', group, '--sample-every', '200ms', '--quiet'])
  const r = JSON.parse(readFileSync(out, 'utf8')) as ReplaySummary
  t.equal(r.target, 'kafka', 'kafka when PULSE_KAFKA_BROKERS is set')
  t.equal(r.sent, gen.records)
  t.equal(r.complete, true)
  t.match(r.speedLayer, { records: gen.records, valid: gen.counts.valid + gen.counts.late, invalid: gen.counts.invalid, duplicates: gen.counts.duplicate })

  // the broker holds each record on the partition of its key (3 partitions, from PULSE_PARTITIONS)
  const want = new Map<string, number>()
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const { topic, key } = JSON.parse(line) as { topic: string; key: string }
    const id = `${topic}/${partitionFor(key, 3)}`
    want.set(id, (want.get(id) ?? 0) + 1)
  }
  const got = await brokerCounts()
  t.same([...got].filter(([, n]) => n > 0).sort(), [...want].sort(), 'records per partition in the broker')

  const l = r.latencyMs
  t.equal(l.records, r.sent)
  t.ok(l.p50 >= 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max && l.max < 60_000, `p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} max ${l.max}`)
  t.ok(r.eventsPerSecond > 0 && r.mbPerSecond > 0)
  t.match(r.lag.at(-1), { sent: r.sent, applied: r.sent, lag: 0 })
  t.ok(r.lag.some((s) => s.s > 0 && s.sent > 0), 'lag sampled while sending')
  t.match(stdout, /→ kafka, as fast as possible/)

  const admin = kafka.admin()
  await admin.connect()
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId)
  await admin.disconnect()
  t.notOk(groups.includes(group), 'the replay leaves no consumer group behind')
})

t.test('a second replay measures only what it sends, not the topics\' history', async (t) => {
  const file = join(dir, 'small.ndjson')
  const gen = JSON.parse((await pulse(['generate', '--count', '3000', '--out', file, '--quiet', '--seed', '13'])).stdout)
  const before = [...(await brokerCounts()).values()].reduce((a, b) => a + b, 0)
  t.ok(before > 30_000, 'the topics already hold the first replay')
  const out = join(dir, 'small.json')
  await pulse(['replay', file, '--to', 'kafka', '--speed', 'max', '--json', out, '--quiet'])
  const r = JSON.parse(readFileSync(out, 'utf8')) as ReplaySummary
  t.equal(r.sent, gen.records)
  t.equal(r.speedLayer.records, gen.records, 'the speed layer started at the end offsets')
  t.equal(r.complete, true)
  t.equal([...(await brokerCounts()).values()].reduce((a, b) => a + b, 0), before + gen.records)
})

t.test('pulse services status sees both services', async (t) => {
  const { stdout } = await pulse(['services', 'status'])
  t.match(stdout, /^kafka\s+(running|answering)/m)
  t.match(stdout, /^s3\s+(running|answering)/m)
  await t.rejects(pulse(['services', 'restart']), { code: 2, stderr: /pulse services needs one of up, down, status, reset, got "restart"/ })
  await t.rejects(pulse(['services', 'status', 'now']), { code: 2, stderr: /takes no arguments/ })
  t.match((await pulse(['services', '--help'])).stdout, /up\s+start whatever is not running/)
})
