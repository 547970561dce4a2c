// The speed layer end to end from the local Kafka broker, all 62 views live:
//   1. throughput: N records already in Kafka, consumed and applied by
//      `pulse speed`'s path, against a kafkajs consumer that only reads (the
//      client's ceiling) in the same run;
//   2. latency: records generated beforehand, produced at a steady rate (default 50,000/s); for each
//      produced batch, the time from the broker's acknowledgement until a query
//      round trip to the actors shows every record of it applied;
//   3. memory: resident memory per million live groups (view × window × key).
//
//   npx tsc -p . && npm run services:up && node dist/bench/speed-kafka.js [events] [rate]
import { pathToFileURL } from 'node:url'
import { LOCAL_SERVICES } from '../src/config.js'
import { createKafka, createProducer, deleteTopics, ensureTopics, physicalTopics } from '../src/kafka/client.js'
import { partitionFor } from '../src/kafka/partitioner.js'
import { S3Store } from '../src/store/s3-store.js'
import { EventGenerator } from '../src/generator/generator.js'
import { KafkaSink, MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { SpeedLayer } from '../actors/speed-layer.js'
import { KafkaSource } from '../actors/kafka-source.js'
import { printTable, saveResult } from './report.js'

const PARTITIONS = LOCAL_SERVICES.kafka.partitions
const SPARK_EVENTS_PER_SECOND = 10_000 // the seed design's claim per streaming job
const SPARK_LATENCY_SECONDS = [30, 60]

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}

async function until(cond: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, everyMs))
}

export async function runSpeedKafkaBench(events = 1_000_000, rate = 50_000): Promise<void> {
  const run = `speedbench${Date.now().toString(36)}`
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-bench' })
  const store = new S3Store(LOCAL_SERVICES.s3)

  // 1. throughput over records already in Kafka
  const topicPrefix = `${run}.`
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 43, intensity: 20 }), mem, { count: events, quiet: true })
  const n = mem.records.length
  const sink = await new KafkaSink(kafka, PARTITIONS, topicPrefix).open()
  for (let i = 0; i < n; i += 5000) await sink.write(mem.records.slice(i, i + 5000))
  await sink.close()

  const rssBefore = process.memoryUsage().rss
  const layer = new SpeedLayer(store, { prefix: `bench-runs/${run}/`, restore: false })
  const source = new KafkaSource(kafka, layer, { groupId: `${run}-speed`, topicPrefix, snapshotEveryMs: 0 })
  let t0 = performance.now()
  await source.start()
  await until(() => source.consumed >= n)
  await layer.drain()
  const speedSeconds = (performance.now() - t0) / 1000
  const stats = await layer.stats()
  const groups = stats.reduce((s, a) => s + a.groups, 0)
  const rssLive = process.memoryUsage().rss
  t0 = performance.now()
  const snap = await layer.snapshot()
  const snapshotSeconds = (performance.now() - t0) / 1000
  await source.stop()
  await layer.close()

  const reader = kafka.consumer({ groupId: `${run}-read-only`, maxBytes: 32 << 20, maxBytesPerPartition: 8 << 20 })
  await reader.connect()
  await reader.subscribe({ topics: physicalTopics(topicPrefix), fromBeginning: true })
  let read = 0
  t0 = performance.now()
  await reader.run({ partitionsConsumedConcurrently: 8, eachBatch: async ({ batch }) => void (read += batch.messages.length) })
  await until(() => read >= n)
  const readSeconds = (performance.now() - t0) / 1000
  await reader.disconnect()

  // 2. latency at a steady rate, on fresh topics
  const livePrefix = `${run}-live.`
  await ensureTopics(kafka, PARTITIONS, physicalTopics(livePrefix))
  const liveLayer = new SpeedLayer(store, { prefix: `bench-runs/${run}-live/`, restore: false })
  const liveSource = new KafkaSource(kafka, liveLayer, { groupId: `${run}-live`, topicPrefix: livePrefix, snapshotEveryMs: 0 })
  await liveSource.start()
  const producer = createProducer(kafka)
  await producer.connect()
  const tickMs = 20
  const perTick = Math.round((rate * tickMs) / 1000)
  const seconds = 20
  // generated before the clock starts: generating on this thread while producing held the rate
  // to about 35k/s of the 50k asked
  const live = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 44, intensity: 20 }), live, { count: (rate * seconds * 21) / 20, quiet: true })
  let next = 0
  const latencies: number[] = []
  const applied = new Map<string, number>()
  const waiting: Array<{ acked: number; need: Map<string, number> }> = []
  let polling = true
  // one query round trip to every worker at a time: what a reader would see
  const poller = (async () => {
    while (polling || waiting.length > 0) {
      for (const s of await liveLayer.stats()) applied.set(`${livePrefix}${s.topic}/${s.partition}`, s.nextOffset)
      const now = performance.now()
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i]!
        if ([...w.need].every(([id, last]) => (applied.get(id) ?? 0) > last)) {
          latencies.push(now - w.acked)
          waiting.splice(i, 1)
        }
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  // wait for the group to be assigned before the clock starts
  await until(async () => (await liveLayer.stats()).length === PARTITIONS * 6, 100)
  const start = performance.now()
  let produced = 0
  // sends overlap (up to a few in flight): one slow acknowledgement does not hold the rate back
  const sending = new Set<Promise<void>>()
  for (let tick = 0; tick < (seconds * 1000) / tickMs; tick++) {
    const due = start + tick * tickMs
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    while (sending.size >= 4) await Promise.race(sending)
    const byTopic = new Map<string, Array<{ key: string; value: string; partition: number }>>()
    for (let i = 0; i < perTick && next < live.records.length; i++) {
      const r = live.records[next++]!
      const topic = livePrefix + r.topic
      let list = byTopic.get(topic)
      if (list === undefined) byTopic.set(topic, (list = []))
      list.push({ key: r.key, value: r.value, partition: partitionFor(r.key, PARTITIONS) })
    }
    const counts = new Map<string, number>()
    for (const [topic, list] of byTopic) for (const m of list) counts.set(`${topic}/${m.partition}`, (counts.get(`${topic}/${m.partition}`) ?? 0) + 1)
    const send = producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }).then((meta) => {
      const acked = performance.now()
      const need = new Map<string, number>()
      for (const m of meta) {
        const id = `${m.topicName}/${m.partition}`
        need.set(id, Number(m.baseOffset) + counts.get(id)! - 1)
      }
      waiting.push({ acked, need })
    })
    sending.add(send)
    void send.finally(() => sending.delete(send))
    produced += perTick
  }
  await Promise.all(sending)
  const produceSeconds = (performance.now() - start) / 1000
  polling = false
  await poller
  await producer.disconnect()
  await liveSource.stop()
  await liveLayer.close()
  // the run's topics go: a broker loads every partition on disk at start-up
  await deleteTopics(kafka, [...physicalTopics(topicPrefix), ...physicalTopics(livePrefix)])

  const rows = [
    { path: `Kafka → speed layer (${layer.options.workers} workers, 62 views)`, records: n, seconds: Math.round(speedSeconds * 100) / 100, 'events/s': Math.round(n / speedSeconds), 'vs read-only': Math.round((readSeconds / speedSeconds) * 100) / 100, 'vs Spark claim': Math.round(n / speedSeconds / SPARK_EVENTS_PER_SECOND) },
    { path: 'peer: kafkajs consumer, reading only', records: n, seconds: Math.round(readSeconds * 100) / 100, 'events/s': Math.round(n / readSeconds), 'vs read-only': 1, 'vs Spark claim': Math.round(n / readSeconds / SPARK_EVENTS_PER_SECOND) },
  ]
  printTable(`Speed layer from the local Kafka broker, ${n.toLocaleString('en-US')} records, ${PARTITIONS} partitions per topic`, rows)
  const p50 = percentile(latencies, 50)
  const p99 = percentile(latencies, 99)
  const latency = [{ rate: Math.round(produced / produceSeconds), batches: latencies.length, 'p50 ms': Math.round(p50), 'p99 ms': Math.round(p99), 'max ms': Math.round(Math.max(...latencies)), 'vs Spark 30–60 s (p99)': `${Math.round((SPARK_LATENCY_SECONDS[0]! * 1000) / p99)}–${Math.round((SPARK_LATENCY_SECONDS[1]! * 1000) / p99)}× sooner` }]
  printTable(`Append to Kafka (acks=all) → visible in a query, ${seconds} s at ${rate.toLocaleString('en-US')} events/s`, latency)
  const memory = [{ 'live groups': groups, 'RSS growth MB': Math.round((rssLive - rssBefore) / 1e6), 'MB per million groups': Math.round(((rssLive - rssBefore) / 1e6 / groups) * 1e6), 'snapshot MB': Math.round(snap.bytes / 1e5) / 10, 'snapshot s': Math.round(snapshotSeconds * 100) / 100 }]
  printTable('Memory', memory)
  const path = saveResult('speed-kafka', { events: n, rate, rows, latency, memory })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runSpeedKafkaBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined)
