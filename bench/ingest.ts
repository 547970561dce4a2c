// Ingestion throughput on this machine: Kafka → validate → Parquet → S3, with
// two peers in the same run: a kafkajs consumer that only reads the same topics
// (the client's ceiling), and the in-process path without Kafka or S3
// (validate + columns + Parquet encoding, on one thread). The generated records
// are dropped before the Kafka runs, so neither carries them in its heap.
//
//   npx tsc -p . && npm run services:up && node dist/bench/ingest.js [events] [intensity]
import { pathToFileURL } from 'node:url'
import { LOCAL_SERVICES } from '../src/config.js'
import { createKafka, deleteTopics, physicalTopics } from '../src/kafka/client.js'
import { S3Store } from '../src/store/s3-store.js'
import { EventGenerator } from '../src/generator/generator.js'
import { KafkaSink, MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { Ingester } from '../src/ingest/ingester.js'
import { EventValidator } from '../src/events/validate.js'
import { EventColumns } from '../src/ingest/columns.js'
import { encodeParquet } from '../src/ingest/parquet.js'
import type { Topic } from '../src/events/contract.js'
import { printTable, saveResult } from './report.js'

export async function runIngestBench(events = 1_000_000, intensity = 1): Promise<void> {
  const run = `bench${Date.now().toString(36)}`
  const topicPrefix = `${run}.`
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-bench' })
  // intensity scales event time: at 1 a million events span ~65 h of the simulated
  // platform (a file per partition and hour); at 50, ~1.3 h, as a busy live source would
  const options = { seed: 31, invalid: 0.005, duplicates: 0.005, intensity }

  const mem = new MemorySink()
  await runGenerator(new EventGenerator(options), mem, { count: events, quiet: true })
  const records = mem.records.length
  const rawBytes = mem.records.reduce((s, r) => s + Buffer.byteLength(r.value), 0)
  const sink = await new KafkaSink(kafka, LOCAL_SERVICES.kafka.partitions, topicPrefix).open()
  for (let i = 0; i < records; i += 5000) await sink.write(mem.records.slice(i, i + 5000))
  await sink.close()

  // 1. peer: the encode path alone, in process, on this thread
  const v = new EventValidator()
  let values: Array<{ topic: string; value: Buffer }> | undefined = mem.records.map((r) => ({ topic: r.topic, value: Buffer.from(r.value) }))
  // the Kafka runs below should not carry the generated records in their heap (`pulse ingest` has none)
  mem.records.length = 0
  let t0 = performance.now()
  const cols = new Map<string, EventColumns>()
  for (let i = 0; i < values.length; i++) {
    const r = values[i]!
    if (!v.check(r.topic, r.value)) continue
    let col = cols.get(r.topic)
    if (col === undefined) cols.set(r.topic, (col = new EventColumns(r.topic as Topic, 65536)))
    col.append(v.event as never, v.eventTime, 0, i)
  }
  let parquetBytes = 0
  for (const col of cols.values()) parquetBytes += encodeParquet(col.toTable()).length
  const encodeSeconds = (performance.now() - t0) / 1000
  values = undefined
  cols.clear()

  // 2. the ingester, end to end
  const store = new S3Store(LOCAL_SERVICES.s3)
  const ingester = new Ingester(kafka, store, { groupId: `${run}-ingest`, topicPrefix, prefix: `bench-runs/${run}/`, flushEvents: 200_000, flushMs: 5_000 })
  const c = ingester.counters
  t0 = performance.now()
  await ingester.start()
  while (c.valid + c.invalid + c.duplicates < records) await new Promise((r) => setTimeout(r, 50))
  const consumedSeconds = (performance.now() - t0) / 1000
  await ingester.stop()
  const ingestSeconds = (performance.now() - t0) / 1000
  process.stdout.write(`all records consumed after ${consumedSeconds.toFixed(1)}s; final flush and leave done at ${ingestSeconds.toFixed(1)}s\n`)

  // 3. peer: a consumer that only reads
  const consumer = kafka.consumer({ groupId: `${run}-read-only`, maxBytes: 32 << 20, maxBytesPerPartition: 8 << 20 })
  await consumer.connect()
  await consumer.subscribe({ topics: physicalTopics(topicPrefix), fromBeginning: true })
  let read = 0
  t0 = performance.now()
  await consumer.run({ partitionsConsumedConcurrently: 4, eachBatch: async ({ batch }) => void (read += batch.messages.length) })
  while (read < records) await new Promise((r) => setTimeout(r, 20))
  const readSeconds = (performance.now() - t0) / 1000
  await consumer.disconnect()
  // the run's topics go: a broker loads every partition on disk at start-up
  await deleteTopics(kafka, physicalTopics(topicPrefix))

  const row = (path: string, seconds: number) => ({
    path,
    records,
    seconds: Math.round(seconds * 100) / 100,
    'events/s': Math.round(records / seconds),
    'MB/s in': Math.round((rawBytes / 1e6 / seconds) * 10) / 10,
  })
  const rows = [
    { ...row('Kafka → Parquet on S3 (pulse ingest, in process)', ingestSeconds), 'vs read-only': Math.round((readSeconds / ingestSeconds) * 100) / 100 },
    { ...row('peer: kafkajs consumer, reading only', readSeconds), 'vs read-only': 1 },
    { ...row('peer: validate + columns + Parquet, no Kafka/S3', encodeSeconds), 'vs read-only': Math.round((readSeconds / encodeSeconds) * 100) / 100 },
  ]
  printTable(`Ingestion throughput, intensity ${intensity}, ${records.toLocaleString('en-US')} records (${(rawBytes / 1e6).toFixed(0)} MB of JSON), 4 partitions per topic, one process`, rows)
  process.stdout.write(`Parquet written: ${(c.bytes / 1e6).toFixed(1)} MB in ${c.files} files (${(rawBytes / Math.max(1, parquetBytes)).toFixed(1)}× smaller than the JSON)\n`)
  const path = saveResult(`ingest-intensity-${intensity}`, { events, intensity, records, rawBytes, parquetBytes: c.bytes, files: c.files, rows })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runIngestBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined)
