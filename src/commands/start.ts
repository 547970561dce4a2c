// `pulse start`: every role of Pulse in one process (or the chosen ones).
//   embedded (no PULSE_KAFKA_BROKERS): generator → in-process log → ingestion
//     (master dataset) and the speed layer; the batch scheduler and the serving
//     layer over the store. A restart continues the offsets the manifests and
//     snapshots recorded (the log itself is memory: what was not yet consumed
//     when the process died is gone).
//   Kafka: the ingester and the speed layer as consumer groups of the six
//     topics; batch and serving as in embedded mode. Nothing is generated.
// SIGTERM/SIGINT stop gracefully: producing stops, consumers drain what was
// appended, Parquet buffers are flushed, actors snapshot, offsets are committed,
// exit 0; a stop that overruns --shutdown-timeout exits 1.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../generator/generator.js'
import { LogSink } from '../generator/sinks.js'
import { runGenerator } from '../generator/run.js'
import { InProcessLog } from '../sources/in-process-log.js'
import { openStore } from '../store/open-store.js'
import type { ObjectStore } from '../store/object-store.js'
import { createKafka, ensureTopics, physicalTopics } from '../kafka/client.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import { runEmbedded } from '../../actors/embedded-source.js'
import { KafkaSource } from '../../actors/kafka-source.js'
import type { ActorStats } from '../../actors/worker.js'
import { EmbeddedIngester } from '../ingest/embedded-ingest.js'
import { Ingester } from '../ingest/ingester.js'
import type { IngestCounters } from '../ingest/partition-writer.js'
import { durationArg, intArg } from '../cli-args.js'
import { startServer } from '../serve/server.js'
import type { RunningServer } from '../serve/server.js'
import { StoreBatchSource } from '../serve/batch-source.js'
import { speedSourceOf } from '../serve/sources.js'
import { BatchScheduler, parseDailyTime } from '../batch/scheduler.js'
import { speedReconciler } from '../batch/reconcile.js'

export const ROLES = ['ingest', 'speed', 'batch', 'serve'] as const
export type Role = (typeof ROLES)[number]

export const START_HELP = `pulse start — run Pulse on this node: every role in one process

  --roles LIST           comma-separated from ingest,speed,batch,serve (default: all four)
  --rate R               events per second from the built-in generator, embedded mode (default 1000)
  --seed N               generator seed (default: a new one per start; event ids derive from it)
  --for T                stop after T (e.g. 30s); default: until SIGINT/SIGTERM
  --port P               HTTP port of the API and dashboard (default PULSE_HTTP_PORT or 8080; 0 = any)
  --batch-at HH:MM       daily batch run at this UTC time, or "off" (default PULSE_BATCH_SCHEDULE or 00:00)
  --snapshot-every T     speed-layer snapshot interval (default 30s)
  --shutdown-timeout T   bound on a graceful stop (default 30s)

Embedded mode (no PULSE_KAFKA_BROKERS): the generator feeds an in-process log; ingestion writes
the master dataset to PULSE_DATA_DIR (or S3 with PULSE_S3_ENDPOINT). With Kafka: the groups
pulse-ingest and pulse-speed consume the six topics; produce with \`pulse generate --to kafka\`
or \`pulse replay\`. serve needs speed on the same node.
SIGTERM/SIGINT: stop consuming, flush Parquet, snapshot, commit offsets, exit 0.`

export function parseRoles(text: string | undefined): Set<Role> {
  if (text === undefined) return new Set(ROLES)
  const roles = new Set<Role>()
  for (const r of text.split(',').map((s) => s.trim())) {
    if (!(ROLES as readonly string[]).includes(r)) throw pulseError('PULSE_ERR_CLI_USAGE', `--roles: unknown role ${JSON.stringify(r)}; roles are ${ROLES.join(', ')}`)
    roles.add(r as Role)
  }
  if (roles.size === 0) throw pulseError('PULSE_ERR_CLI_USAGE', '--roles: name at least one role')
  if (roles.has('serve') && !roles.has('speed')) throw pulseError('PULSE_ERR_CLI_USAGE', '--roles: serve needs speed on the same node (its answers merge the speed layer)')
  return roles
}

/** A running role: how to report on it and how to stop it. */
interface Running {
  /** Resolves when everything appended before it was called is consumed (embedded mode). */
  drain?: () => Promise<void>
  stop: () => Promise<void>
}

export async function startCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      roles: { type: 'string' },
      rate: { type: 'string' },
      for: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'batch-at': { type: 'string' },
      'snapshot-every': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
    },
  })
  const roles = parseRoles(v.roles)
  const rate = intArg('rate', v.rate, 1000, 1)
  const port = intArg('port', v.port, config.http.port, 0)
  if (port > 65535) throw pulseError('PULSE_ERR_CLI_USAGE', `--port: expected a port from 0 to 65535, got ${port}`)
  const forMs = durationArg('for', v.for)
  const batchAt = v['batch-at'] ?? config.batch.schedule
  const daily = batchAt === 'off' ? undefined : parseDailyTime(batchAt)
  const snapshotEveryMs = durationArg('snapshot-every', v['snapshot-every']) ?? 30_000
  const shutdownMs = durationArg('shutdown-timeout', v['shutdown-timeout']) ?? 30_000
  // a new seed per start by default: event ids derive from it, and a restart must not repeat them
  const seed = intArg('seed', v.seed, Date.now() % 2_147_483_647, 1)

  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const timer = forMs === undefined ? undefined : setTimeout(onSignal, forMs)
  const cleanup = () => {
    clearTimeout(timer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  const store = openStore(config)
  const layer = roles.has('speed') ? new SpeedLayer(store, { restore: true }) : undefined
  const running: Running[] = []
  let ingestCounters: IngestCounters | undefined
  let lag: () => Promise<number | null> = async () => null
  const mode = config.kafka === undefined ? 'embedded' : 'kafka'
  console.log(`pulse: ${mode} mode, roles ${[...roles].join(',')}, store ${store.location}`)

  // the published batch run: its cutoff applies to actors as they open
  const batch = new StoreBatchSource(store, {
    beforeSwap: async (run) => void (await layer?.setCutoff(run.cutoff)),
    onError: (err) => console.error(`pulse: batch run not loaded: ${(err as Error).message}`),
  })
  await batch.start()
  const published = batch.current()
  if (published !== null) await layer?.setCutoff(published.cutoff)

  if (config.kafka === undefined) {
    const e = await startEmbedded(store, layer, roles, { partitions: config.partitions, rate, seed, snapshotEveryMs, signal: stop.signal })
    running.push(...e.running)
    ingestCounters = e.ingest
    lag = e.lag
  } else {
    const kafka = createKafka(config.kafka)
    // the six topics exist before the groups subscribe (created with PULSE_PARTITIONS when missing)
    await ensureTopics(kafka, config.kafka.partitions, physicalTopics(config.kafka.topicPrefix))
    if (roles.has('ingest')) {
      const ingester = new Ingester(kafka, store, { topicPrefix: config.kafka.topicPrefix })
      await ingester.start()
      ingestCounters = ingester.counters
      running.push({ stop: () => ingester.stop() })
    }
    if (layer !== undefined) {
      const source = new KafkaSource(kafka, layer, { topicPrefix: config.kafka.topicPrefix, snapshotEveryMs })
      await source.start()
      lag = () => source.lag()
      running.push({ stop: () => source.stop() })
    }
  }

  let scheduler: BatchScheduler | undefined
  if (roles.has('batch')) {
    const reconcile = layer === undefined ? undefined : speedReconciler(layer, { threshold: config.batch.driftThreshold, lookbackMs: layer.options.actor.pairHorizonMs })
    scheduler = new BatchScheduler(store, reconcile === undefined ? {} : { reconcile }, (line) => console.log(`pulse: ${line}`))
    if (daily !== undefined) scheduler.startDaily(daily)
  }
  let server: RunningServer | undefined
  if (roles.has('serve') && layer !== undefined) {
    const s = scheduler
    server = await startServer(
      { ...config.http, port },
      {
        speed: speedSourceOf(layer, lag),
        batch,
        store,
        ...(s === undefined ? {} : { triggerBatch: () => s.run(), lastRun: () => s.lastResult?.manifest }),
        logger: config.logLevel === 'debug',
      },
    )
    console.log(`pulse: dashboard at ${server.url} (API ${server.url}api/views, docs ${server.url}docs)`)
  }

  const report = setInterval(() => void progress(layer, ingestCounters), 2000)
  const failure = await new Promise<Error | undefined>((resolve) => {
    stop.signal.addEventListener('abort', () => resolve(undefined), { once: true })
    const watch = setInterval(() => {
      if (layer?.failure !== undefined) resolve(layer.failure)
    }, 1000)
    stop.signal.addEventListener('abort', () => clearInterval(watch), { once: true })
  })
  clearInterval(report)
  if (failure !== undefined) {
    console.error(`pulse: an actor failed, stopping without a snapshot: ${failure.message}`)
    await layer?.close()
    cleanup()
    return 1
  }

  console.log('pulse: stopping (flushing Parquet, snapshotting actors, committing offsets)')
  const started = Date.now()
  let speedTotals: ReturnType<typeof totals> | undefined
  const graceful = (async () => {
    await scheduler?.stop()
    for (const r of running) await r.drain?.()
    for (const r of running) await r.stop()
    if (layer !== undefined) speedTotals = totals(await layer.stats())
    await layer?.close({ snapshot: true })
    batch.close()
    await server?.close()
  })()
  const overran = await Promise.race([graceful.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), shutdownMs).unref())])
  cleanup()
  if (overran) {
    console.error(`pulse: the stop took longer than ${shutdownMs} ms; exiting without finishing it`)
    return 1
  }
  const c = ingestCounters
  const t = speedTotals
  const parts = [`stopped in ${Date.now() - started} ms`]
  if (t !== undefined) parts.push(`speed layer: ${t.records} records (${t.valid} valid, ${t.duplicates} duplicates, ${t.invalid} invalid)`)
  if (c !== undefined) parts.push(`ingested: ${c.valid} valid, ${c.invalid} invalid, ${c.duplicates} duplicates in ${c.files} files`)
  console.log(`pulse: ${parts.join('; ')}`)
  return 0
}

interface EmbeddedOptions {
  partitions: number
  rate: number
  seed: number
  snapshotEveryMs: number
  signal: AbortSignal
}

/** Generator, log, embedded ingestion and speed consumption; each resumes where the store says. */
async function startEmbedded(
  store: ObjectStore,
  layer: SpeedLayer | undefined,
  roles: ReadonlySet<Role>,
  o: EmbeddedOptions,
): Promise<{ running: Running[]; ingest: IngestCounters | undefined; lag: () => Promise<number | null> }> {
  const log = new InProcessLog({ partitions: o.partitions })
  const running: Running[] = []
  // offsets continue from the manifests and snapshots of an earlier start
  const base = new Map<string, number>()
  const ingester = roles.has('ingest') ? new EmbeddedIngester(store) : undefined
  const ingestAt = (await ingester?.recover(log.topicNames, o.partitions)) ?? new Map<string, number>()
  for (const topic of log.topicNames) {
    for (let p = 0; p < o.partitions; p++) {
      const id = `${topic}/${p}`
      const speedAt = layer === undefined ? 0 : await layer.open(topic, p)
      const at = Math.max(ingestAt.get(id) ?? 0, speedAt)
      base.set(id, at)
      if (at > 0) log.resumeAt(topic, p, at)
    }
  }
  ingester?.start(log, ingestAt)
  const consume = new AbortController()
  const speedDone = layer === undefined ? Promise.resolve(0) : runEmbedded(log, layer, { signal: consume.signal })
  const snapshots = layer === undefined ? undefined : setInterval(() => void layer.snapshot().catch((err: Error) => console.error(`pulse: snapshot failed: ${err.message}`)), o.snapshotEveryMs)

  const produce = new AbortController()
  o.signal.addEventListener('abort', () => produce.abort(), { once: true })
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: o.seed, start: Date.now(), warmupMs: 600_000 }
  const generator = new EventGenerator({ ...options, intensity: intensityForRate(o.rate, options.students) })
  const producing = runGenerator(generator, new LogSink(log), { live: true, quiet: true, signal: produce.signal })
  console.log(`pulse: generator at ~${o.rate} events/s (live event time), ${o.partitions} partitions per topic`)

  const speedLag = async () => {
    if (layer === undefined) return null
    const stats = await layer.stats()
    return stats.reduce((sum, s) => sum + Math.max(0, log.endOffset(s.topic, s.partition) - s.nextOffset), 0)
  }
  const caughtUp = async () => {
    // both groups at the log's end: a restart then resumes every group at the same offsets
    for (let i = 0; i < 600; i++) {
      if ((ingester?.lag() ?? 0) === 0 && ((await speedLag()) ?? 0) === 0) return
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  running.push({
    drain: async () => {
      await producing.catch(() => undefined)
      await caughtUp()
    },
    stop: async () => {
      clearInterval(snapshots)
      consume.abort()
      await speedDone
      await ingester?.stop()
      log.close()
    },
  })
  return { running, ingest: ingester?.counters, lag: speedLag }
}

function totals(stats: ActorStats[]) {
  const sum = (k: keyof ActorStats['counters']) => stats.reduce((s, a) => s + a.counters[k], 0)
  return { records: sum('records'), valid: sum('valid'), invalid: sum('invalid'), duplicates: sum('duplicates'), late: sum('late'), groups: stats.reduce((s, a) => s + a.groups, 0) }
}

let last = { at: performance.now(), records: 0 }
async function progress(layer: SpeedLayer | undefined, ingest: IngestCounters | undefined): Promise<void> {
  const parts: string[] = []
  if (layer !== undefined) {
    const t = totals(await layer.stats())
    const now = performance.now()
    const perSecond = Math.round(((t.records - last.records) * 1000) / (now - last.at))
    last = { at: now, records: t.records }
    parts.push(`speed ${perSecond}/s total ${t.records} valid ${t.valid} invalid ${t.invalid} duplicates ${t.duplicates} late ${t.late} groups ${t.groups}`)
  }
  if (ingest !== undefined) parts.push(`ingest valid ${ingest.valid} invalid ${ingest.invalid} files ${ingest.files}`)
  console.log(`pulse: ${parts.join(' | ')}`)
}
