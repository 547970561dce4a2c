// Generator → real Kafka broker → kafkajs consumer: every record comes back once,
// byte for byte, on the partition Kafka's murmur2 partitioner assigns to its key.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { dropTopics, requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, ensureTopics, physicalTopics } from '../../src/kafka/client.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { KafkaSink, MemorySink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { partitionFor } from '../../src/kafka/partitioner.js'
import { TOPICS } from '../../src/events/contract.js'
import { retry } from '../../src/retry.js'

const settings = LOCAL_SERVICES.kafka
const kafka = createKafka({ ...settings, clientId: 'pulse-test' })

type Offsets = Map<string, number> // "topic/partition" → offset

async function endOffsets(): Promise<Offsets> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const out: Offsets = new Map()
    for (const topic of TOPICS) {
      for (const p of await retry(() => admin.fetchTopicOffsets(topic))) out.set(`${topic}/${p.partition}`, Number(p.high))
    }
    return out
  } finally {
    await admin.disconnect()
  }
}

/** Everything written between two offset snapshots, read by a fresh consumer group. */
async function consumeBetween(from: Offsets, to: Offsets) {
  const consumer = kafka.consumer({ groupId: `pulse-test-${process.pid}-${Date.now()}` })
  const got: Array<{ topic: string; partition: number; key: string; value: string }> = []
  let remaining = 0
  for (const [k, end] of to) remaining += end - (from.get(k) ?? 0)
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [...TOPICS], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${remaining} records unread`)), 60_000)
      if (remaining === 0) {
        clearTimeout(timer)
        resolve()
      }
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const start = from.get(`${batch.topic}/${batch.partition}`) ?? 0
            const end = to.get(`${batch.topic}/${batch.partition}`) ?? 0
            for (const m of batch.messages) {
              const offset = Number(m.offset)
              if (offset < start || offset >= end) continue
              got.push({ topic: batch.topic, partition: batch.partition, key: m.key!.toString(), value: m.value!.toString() })
              if (--remaining === 0) {
                clearTimeout(timer)
                resolve()
              }
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return got
}

t.before(async () => {
  await requireServices()
  await ensureTopics(kafka, settings.partitions)
})

// A KRaft broker answers "unknown topic" for a moment after creating one, and
// kafkajs's wait for leaders gives up on that answer: with eight creations at
// once, 38 of 40 failed so before ensureTopics waited by itself.
t.test('ensureTopics on fresh topics, eight at once, returns with every partition led', async (t) => {
  const run = `fresh${Date.now().toString(36)}`
  const prefixes = Array.from({ length: 8 }, (_, i) => `${run}x${i}.`)
  for (const p of prefixes) t.teardown(dropTopics(p))
  const results = await Promise.allSettled(prefixes.map((p) => ensureTopics(kafka, 2, physicalTopics(p))))
  t.same(
    results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : [])),
    [],
    'no creation failed',
  )
  const admin = kafka.admin()
  await admin.connect()
  try {
    const meta = await admin.fetchTopicMetadata({ topics: prefixes.flatMap((p) => physicalTopics(p)) })
    t.equal(meta.topics.length, 48, 'all 48 topics exist')
    t.ok(
      meta.topics.every((m) => m.partitions.length === 2 && m.partitions.every((p) => p.leader >= 0)),
      'each has two partitions with a leader',
    )
  } finally {
    await admin.disconnect()
  }
})

t.test('generated records round-trip through Kafka exactly once, unchanged, key-partitioned', async (t) => {
  const before = await endOffsets()
  const expected = new MemorySink()
  const seed = Date.now() % 1_000_000 // fresh event ids each run
  // the same seed twice: one copy kept in memory, one sent to Kafka
  await runGenerator(new EventGenerator({ seed, invalid: 0.02, duplicates: 0.02 }), expected, { count: 20_000, quiet: true })
  const sink = await new KafkaSink(kafka, settings.partitions).open()
  const summary = await runGenerator(new EventGenerator({ seed, invalid: 0.02, duplicates: 0.02 }), sink, { count: 20_000, quiet: true })
  await sink.close()
  const after = await endOffsets()
  t.equal(summary.records, expected.records.length)

  const got = await consumeBetween(before, after)
  t.equal(got.length, expected.records.length, 'count equal')
  const line = (r: { topic: string; key: string; value: string }) => `${r.topic}\u0000${r.key}\u0000${r.value}`
  t.same(got.map(line).sort(), expected.records.map(line).sort(), 'content equal')
  t.equal(got.filter((r) => r.partition !== partitionFor(r.key, settings.partitions)).length, 0, 'placed by murmur2(key)')
  t.ok(expected.records.some((r) => r.kind === 'invalid'), 'invalid records were part of the run')
})

t.test('`pulse generate --to kafka` produces what its summary says', async (t) => {
  const before = await endOffsets()
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['bin/pulse.js', 'generate', '--to', 'kafka', '--count', '3000', '--seed', String(Date.now() % 1_000_000 + 7), '--quiet'],
    { env: { ...process.env, PULSE_KAFKA_BROKERS: settings.brokers.join(',') } },
  )
  const summary = JSON.parse(stdout)
  const after = await endOffsets()
  let written = 0
  for (const [k, end] of after) written += end - (before.get(k) ?? 0)
  t.equal(summary.sink, 'kafka')
  t.equal(summary.counts.valid + summary.counts.late, 3000)
  t.equal(written, summary.records)
})
