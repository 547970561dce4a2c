// The speed layer end to end from the local Kafka broker, all 62 views live:
//   1. throughput: 2N records already in Kafka, consumed and applied by
//      `pulse speed`'s path, the first N cold (fresh workers: V8 still
//      compiling) and the next N warm, against a kafkajs consumer that only
//      reads (the client's ceiling) in the same run;
//   2. latency: records produced at a steady rate (default 50,000/s) by a
//      producer in its own process (bench/kafka-produce.ts); for each produced
//      batch, the time from the broker's acknowledgement until a query round
//      trip to the actors shows every record of it applied;
//   3. memory: the workers' memory (heap and external) per million live groups
//      (view × window × key).
//
//   npx tsc -p . && npm run services:up && node --expose-gc dist/bench/speed-kafka.js [events] [rate] [snapshot every s, 0: none]
// (--expose-gc: the memory figure is read after a full collection in each
// worker; without it, garbage counts too)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { LOCAL_SERVICES } from '../src/config.js'
import { createKafka, deleteTopics, ensureTopics, physicalTopics } from '../src/kafka/client.js'
import { S3Store } from '../src/store/s3-store.js'
import { EventGenerator } from '../src/generator/generator.js'
import { KafkaSink, MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { SpeedLayer } from '../actors/speed-layer.js'
import type { SnapshotReport } from '../actors/speed-layer.js'
import { KafkaSource } from '../actors/kafka-source.js'
import { percentile, printTable, saveResult } from './report.js'

const PARTITIONS = LOCAL_SERVICES.kafka.partitions
const SPARK_EVENTS_PER_SECOND = 10_000 // the seed design's claim per streaming job
const SPARK_LATENCY_SECONDS = [30, 60]
/**
 * Default snapshot period of the latency run (s). `pulse speed` snapshots
 * every 30 s, which the 20 s run would never reach; a snapshot stops a worker's
 * applying while it writes an actor's state, and that shows in the tail.
 */
const LIVE_SNAPSHOT_S = 5

async function until(cond: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, everyMs))
}

export async function runSpeedKafkaBench(events = 1_000_000, rate = 50_000, snapshotEverySeconds = LIVE_SNAPSHOT_S): Promise<void> {
  const run = `speedbench${Date.now().toString(36)}`
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-bench' })
  const store = new S3Store(LOCAL_SERVICES.s3)

  // 1. throughput over records already in Kafka
  const topicPrefix = `${run}.`
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 43, intensity: 20 }), mem, { count: 2 * events, quiet: true })
  const n = mem.records.length
  const half = n >> 1
  const sink = await new KafkaSink(kafka, PARTITIONS, topicPrefix).open()
  for (let i = 0; i < n; i += 5000) await sink.write(mem.records.slice(i, i + 5000))
  await sink.close()
  // the records are in Kafka now: kept here, a million of them would make every
  // major collection of this thread (which feeds the workers) slower in the latency run
  mem.records.length = 0

  const gc = (globalThis as { gc?: () => void }).gc
  const layer = new SpeedLayer(store, { prefix: `bench-runs/${run}/`, restore: false })
  const source = new KafkaSource(kafka, layer, { groupId: `${run}-speed`, topicPrefix, snapshotEveryMs: 0 })
  let t0 = performance.now()
  await source.start()
  // the first half handed to the workers (a few batches may still be in their mailboxes)
  await until(() => source.consumed >= half, 5)
  const coldSeconds = (performance.now() - t0) / 1000
  t0 = performance.now()
  await until(() => source.consumed >= n)
  await layer.drain()
  const warmSeconds = (performance.now() - t0) / 1000
  const stats = await layer.stats()
  const groups = stats.reduce((s, a) => s + a.groups, 0)
  const workerHeap = (await layer.heapUsed()).reduce((a, b) => a + b, 0)
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
  const liveSource = new KafkaSource(kafka, liveLayer, { groupId: `${run}-live`, topicPrefix: livePrefix, snapshotEveryMs: snapshotEverySeconds * 1000 })
  await liveSource.start()
  const seconds = 20
  // the producer runs in its own process (bench/kafka-produce.ts), as it would in production
  const producer = spawn(process.execPath, [join(fileURLToPath(new URL('.', import.meta.url)), 'kafka-produce.js'), livePrefix, String(rate), String(seconds)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const producerExit = new Promise<number | null>((resolve) => producer.once('exit', resolve))
  const lines = createInterface({ input: producer.stdout })
  const latencies: number[] = []
  const applied = new Map<string, number>()
  const waiting: Array<{ acked: number; need: Array<[string, number]> }> = []
  let ready!: () => void
  const isReady = new Promise<void>((r) => (ready = r))
  let report: { produced: number; seconds: number } | undefined
  lines.on('line', (line) => {
    const m = JSON.parse(line) as { ready?: true; acked?: number; need?: Array<[string, number]>; done?: true; produced?: number; seconds?: number }
    if (m.ready) ready()
    // acknowledgement times are epoch ms from the child; this process measures on its own clock
    else if (m.acked !== undefined) waiting.push({ acked: m.acked - performance.timeOrigin, need: m.need! })
    else if (m.done) report = { produced: m.produced!, seconds: m.seconds! }
  })
  await Promise.race([isReady, producerExit.then((code) => Promise.reject(new Error(`kafka-produce exited with ${code} before it was ready`)))])
  let polling = true
  const snapshots = new Set<SnapshotReport>()
  // one query round trip to every worker at a time: what a reader would see
  const poller = (async () => {
    while (polling || waiting.length > 0) {
      for (const s of await liveLayer.stats()) applied.set(`${livePrefix}${s.topic}/${s.partition}`, s.nextOffset)
      if (liveLayer.lastSnapshot !== undefined) snapshots.add(liveLayer.lastSnapshot)
      const now = performance.now()
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i]!
        if (w.need.every(([id, last]) => (applied.get(id) ?? 0) > last)) {
          latencies.push(now - w.acked)
          waiting.splice(i, 1)
        }
      }
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  // wait for the group to be assigned before the clock starts
  await until(async () => (await liveLayer.stats()).length === PARTITIONS * 6, 100)
  producer.stdin.end('go\n')
  const code = await producerExit
  if (code !== 0 || report === undefined) throw new Error(`kafka-produce exited with ${code}`)
  const { produced, seconds: produceSeconds } = report
  polling = false
  await poller
  await liveSource.stop()
  await liveLayer.close()
  // the run's topics go: a broker loads every partition on disk at start-up
  await deleteTopics(kafka, [...physicalTopics(topicPrefix), ...physicalTopics(livePrefix)])

  const readRate = n / readSeconds
  const row = (path: string, records: number, seconds: number) => ({
    path,
    records,
    seconds: Math.round(seconds * 100) / 100,
    'events/s': Math.round(records / seconds),
    'vs read-only': Math.round((records / seconds / readRate) * 100) / 100,
    'vs Spark claim': Math.round(records / seconds / SPARK_EVENTS_PER_SECOND),
  })
  const rows = [
    row(`Kafka → speed layer (${layer.options.workers} workers, 62 views), cold`, half, coldSeconds),
    row(`Kafka → speed layer (${layer.options.workers} workers, 62 views), warm`, n - half, warmSeconds),
    row('peer: kafkajs consumer, reading only', n, readSeconds),
  ]
  printTable(`Speed layer from the local Kafka broker, ${half.toLocaleString('en-US')} records cold, then ${(n - half).toLocaleString('en-US')} warm, ${PARTITIONS} partitions per topic`, rows)
  const p50 = percentile(latencies, 50)
  const p99 = percentile(latencies, 99)
  const latency = [{ rate: Math.round(produced / produceSeconds), batches: latencies.length, 'p50 ms': Math.round(p50), 'p99 ms': Math.round(p99), 'max ms': Math.round(Math.max(...latencies)), snapshots: snapshots.size, 'longest snapshot pause ms': Math.round(Math.max(0, ...[...snapshots].map((r) => r.pauseMs))), 'vs Spark 30–60 s (p99)': `${Math.round((SPARK_LATENCY_SECONDS[0]! * 1000) / p99)}–${Math.round((SPARK_LATENCY_SECONDS[1]! * 1000) / p99)}× sooner` }]
  printTable(`Append to Kafka (acks=all) → visible in a query, ${seconds} s at ${rate.toLocaleString('en-US')} events/s, ${snapshotEverySeconds > 0 ? `a snapshot every ${snapshotEverySeconds} s` : 'no snapshots'}`, latency)
  // the process's resident growth mixes in the main thread's freed and reused
  // pages (it read negative once the bench freed its records): the workers'
  // heap and external memory (the state's columns) is the state's size
  const memory = [{ 'live groups': groups, 'workers\' heap + external MB': Math.round(workerHeap / 1e6), 'MB per million groups': Math.round((workerHeap / 1e6 / groups) * 1e6), 'snapshot MB': Math.round(snap.bytes / 1e5) / 10, 'snapshot s': Math.round(snapshotSeconds * 100) / 100, 'gc before reading': gc !== undefined }]
  printTable('Memory', memory)
  const path = saveResult('speed-kafka', { events: n, rate, snapshotEverySeconds, rows, latency, memory })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runSpeedKafkaBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined, process.argv[4] ? Number(process.argv[4]) : undefined)
