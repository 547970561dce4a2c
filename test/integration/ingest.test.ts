// Generator → real Kafka → ingestion → Parquet on the real S3 server, checked
// with DuckDB: every valid event exactly once, every invalid record a dead letter.
import t from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { dropTopics, requireServices } from '../helpers/services.js'
import { download, queryMaster } from '../helpers/master.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka } from '../../src/kafka/client.js'
import { S3Store } from '../../src/store/s3-store.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { KafkaSink, MemorySink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { Ingester } from '../../src/ingest/ingester.js'

const run = `it${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.teardown(dropTopics(topicPrefix))
const prefix = `test-runs/${run}/`
const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
const store = new S3Store(LOCAL_SERVICES.s3)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
}

t.before(requireServices)

t.test('200,000 events with invalid and duplicate records: exactly the valid ones once, the invalid ones as dead letters', async (t) => {
  const options = { seed: 4242, invalid: 0.01, duplicates: 0.01 }
  const expected = new MemorySink()
  await runGenerator(new EventGenerator(options), expected, { count: 200_000, quiet: true })
  const sink = await new KafkaSink(kafka, 4, topicPrefix).open()
  await runGenerator(new EventGenerator(options), sink, { count: 200_000, quiet: true })
  await sink.close()

  const ingester = new Ingester(kafka, store, { groupId: `${run}-ingest`, topicPrefix, prefix, flushEvents: 60_000, flushMs: 1_500 })
  const total = expected.records.length
  const c = ingester.counters
  try {
    await ingester.start()
    const deadline = Date.now() + 120_000
    while (c.valid + c.invalid + c.duplicates < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
  } finally {
    await ingester.stop()
  }
  t.equal(c.valid + c.invalid + c.duplicates, total, 'every record was consumed')

  const validIds = new Set(expected.records.filter((r) => r.kind === 'valid' || r.kind === 'late').map((r) => JSON.parse(r.value).event_id as string))
  const invalid = expected.records.filter((r) => r.kind === 'invalid')
  t.equal(c.valid, validIds.size)
  t.equal(c.invalid, invalid.length)
  t.equal(c.duplicates, expected.records.filter((r) => r.kind === 'duplicate').length)

  const { dir, keys } = await download(store, prefix)
  const [[count, distinct]] = (await queryMaster(dir, 'select count(*), count(distinct event_id) from master')) as [[bigint, bigint]]
  t.equal(Number(count), validIds.size, 'row count = valid events')
  t.equal(Number(distinct), validIds.size, 'each event once')
  const ids = (await queryMaster(dir, 'select event_id from master')).map((r) => r[0] as string)
  t.ok(ids.every((id) => validIds.has(id)), 'the event_id sets are equal')
  const [[badLineage]] = (await queryMaster(dir, 'select count(*) from master where kafka_partition is null or kafka_offset is null or timestamp is null')) as [[bigint]]
  t.equal(Number(badLineage), 0, 'lineage and event time on every row')
  const [[misfiled]] = (await queryMaster(
    dir,
    "select count(*) from master where strftime(timestamp, '%Y-%m-%d') <> cast(date as varchar) or hour(timestamp) <> cast(hour as integer) or topic <> concat('" + topicPrefix + "', '') || topic[length('" + topicPrefix + "') + 1:]",
  )) as [[bigint]]
  t.equal(Number(misfiled), 0, 'date and hour folders match the event time')
  t.ok(keys.filter((k) => k.startsWith('master_dataset/')).every((k) => /^master_dataset\/topic=[^/]+\/date=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/p\d+-\d{12}-\d{12}\.parquet$/.test(k)), 'Hive layout')

  const letters = files(join(dir, 'dead_letter')).flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)))
  t.equal(letters.length, invalid.length, 'one dead letter per invalid record')
  t.same(letters.map((l) => Buffer.from(l.value_base64, 'base64').toString()).sort(), invalid.map((r) => r.value).sort(), 'raw bytes kept')
  t.ok(letters.every((l) => typeof l.reason === 'string' && /^(value|[a-z_]+(\[\d+\])?): |^event_type \S+ does not belong on \S+$/.test(l.reason)), 'each with a reason naming the field')
  t.ok(letters.every((l) => Number.isInteger(l.partition) && Number.isInteger(l.offset) && l.topic.startsWith(topicPrefix)), 'with topic, partition and offset')
})
