// `pulse start`: every role of Pulse in one process (or the chosen ones).
//   embedded (no PULSE_KAFKA_BROKERS): generator → in-process log → ingestion
//     (master dataset) and the speed layer; the batch scheduler and the serving
//     layer over the store. A restart continues the offsets the manifests and
//     snapshots recorded (the log itself is memory: what was not yet consumed
//     when the process died is gone).
//   Kafka: the ingester and the speed layer as consumer groups of the six
//     topics; batch and serving as in embedded mode. Nothing is generated.
//     Nodes started with the same configuration form one cluster: the groups
//     spread the partitions, a query to any node gathers every node's partials
//     (src/cluster/), and only the speed group's leader runs scheduled batches.
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
import { DEFAULT_SPEED_OPTIONS, servingWorkers, SpeedLayer, snapshotPeriodically, workersFor } from '../../actors/speed-layer.js'
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
import { BatchScheduler, parseSchedule } from '../batch/scheduler.js'
import type { Schedule } from '../batch/scheduler.js'
import { PulseError } from '../errors.js'
import type { SpeedSource } from '../serve/sources.js'
import { advertised, clusterMember } from '../cluster/member.js'
import { layerSide, speedReconciler } from '../batch/reconcile.js'

export const ROLES = ['ingest', 'speed', 'batch', 'serve'] as const
export type Role = (typeof ROLES)[number]

export const START_HELP = `pulse start — run Pulse on this node: every role in one process

  --roles LIST           comma-separated from ingest,speed,batch,serve (default: all four)
  --rate R               events per second from the built-in generator, embedded mode (default 1000)
  --seed N               generator seed (default: a new one per start; event ids derive from it)
  --for T                stop after T (e.g. 30s); default: until SIGINT/SIGTERM
  --port P               HTTP port of the API and dashboard (default PULSE_HTTP_PORT or 8080; 0 = any)
  --batch-at WHEN        scheduled batch runs: HH:MM (daily, UTC), "every 1h", or "off"
                         (default PULSE_BATCH_SCHEDULE or 00:00); in a cluster only the leader of the
                         speed group runs them
  --snapshot-every T     speed-layer snapshot interval (default 30s)
  --shutdown-timeout T   bound on a graceful stop (default 30s)

Embedded mode (no PULSE_KAFKA_BROKERS): the generator feeds an in-process log; ingestion writes
the master dataset to PULSE_DATA_DIR (or S3 with PULSE_S3_ENDPOINT). With Kafka: the groups
pulse-ingest and pulse-speed (prefixed by PULSE_TOPIC_PREFIX) consume the six topics; produce with
\`pulse generate --to kafka\` or \`pulse replay\`. serve needs speed on the same node.
Cluster: start more nodes with the same configuration (each its own --port; PULSE_ADVERTISE_URL
when other nodes reach it at another address); a query to any node answers for all of them.
Speed-layer worker threads: PULSE_SPEED_WORKERS, else a core fewer than the machine's (${servingWorkers()}
here) when the node serves, leaving the serving thread a core, or ${DEFAULT_SPEED_OPTIONS.workers} when it does not.
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
  const schedule = batchSchedule(v['batch-at'], config.batch.schedule)
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
  const prefix = config.storePrefix
  const layer = roles.has('speed') ? new SpeedLayer(store, { restore: true, prefix, workers: workersFor(config.speedWorkers, roles.has('serve')) }) : undefined
  const running: Running[] = []
  let ingestCounters: IngestCounters | undefined
  let lag: () => Promise<number | null> = async () => null
  const mode = config.kafka === undefined ? 'embedded' : 'kafka'
  console.log(`pulse: ${mode} mode, roles ${[...roles].join(',')}, store ${store.location}`)

  // the published batch run: its cutoff applies to actors as they open
  const batch = new StoreBatchSource(store, {
    prefix,
    beforeSwap: async (run) => void (await layer?.setCutoff(run.cutoff)),
    onError: (err) => console.error(`pulse: batch run not loaded: ${(err as Error).message}`),
  })
  await batch.start()
  const published = batch.current()
  if (published !== null) await layer?.setCutoff(published.cutoff)

  const kafka = config.kafka === undefined ? undefined : createKafka(config.kafka)
  const topicPrefix = config.kafka?.topicPrefix ?? ''
  const speedGroup = `${topicPrefix}pulse-speed`
  let speedSource: KafkaSource | undefined
  // a Kafka node with the speed layer and the API is a cluster member: its answers gather every member's partials
  const member =
    kafka !== undefined && layer !== undefined && roles.has('serve')
      ? clusterMember({ kafka, layer, batch, groupId: speedGroup, topicPrefix, lag: () => lag(), replaying: () => speedSource?.replaying() ?? [], memberId: () => speedSource?.memberId })
      : undefined
  const peer = member?.peer
  const gatherer = member?.gatherer

  let scheduler: BatchScheduler | undefined
  if (roles.has('batch')) {
    // a cluster's batch run compares itself with every member's speed layer
    const side = layer === undefined ? undefined : (member?.side ?? layerSide(layer, () => speedSource?.replaying() ?? []))
    const reconcile = side === undefined || layer === undefined ? undefined : speedReconciler(side, { threshold: config.batch.driftThreshold, lookbackMs: layer.options.actor.pairHorizonMs, latenessMs: layer.options.actor.latenessMs })
    const options = { prefix, topicPrefix, ...(reconcile === undefined ? {} : { reconcile }) }
    scheduler = new BatchScheduler(store, options, (line) => console.log(`pulse: ${line}`))
  }
  const failures: Array<() => Error | undefined> = [() => layer?.failure]
  let server: RunningServer | undefined
  const serve = async (): Promise<RunningServer | undefined> => {
    if (!roles.has('serve') || layer === undefined) return undefined
    const s = scheduler
    const speed: SpeedSource = gatherer ?? speedSourceOf(layer, () => lag())
    server = await startServer(
      { ...config.http, port },
      {
        speed,
        batch,
        store,
        ...(peer === undefined ? {} : { peer }),
        ...(s === undefined ? {} : { triggerBatch: () => s.run(), lastRun: () => s.lastResult?.manifest }),
        logger: config.logLevel === 'debug',
      },
    )
    console.log(`pulse: dashboard at ${server.url} (API ${server.url}api/views, docs ${server.url}docs)`)
    return server
  }

  if (config.kafka === undefined) {
    const e = await startEmbedded(store, layer, roles, { partitions: config.partitions, rate, seed, snapshotEveryMs, prefix, signal: stop.signal, catchUpMs: (shutdownMs * 2) / 3 })
    running.push(...e.running)
    ingestCounters = e.ingest
    lag = e.lag
    await serve()
  } else if (config.kafka !== undefined && kafka !== undefined) {
    const k = config.kafka
    // the six topics exist before the groups subscribe (created with PULSE_PARTITIONS when missing)
    await ensureTopics(kafka, k.partitions, physicalTopics(topicPrefix))
    if (roles.has('ingest')) {
      const ingester = new Ingester(kafka, store, { topicPrefix, prefix, groupId: `${topicPrefix}pulse-ingest` })
      await ingester.start()
      ingestCounters = ingester.counters
      failures.push(() => ingester.failure)
      running.push({ stop: () => ingester.stop() })
    }
    if (layer !== undefined) {
      // the HTTP server starts first: the address it got is what the node advertises to the group
      const server0 = await serve()
      const source = new KafkaSource(kafka, layer, {
        groupId: speedGroup,
        topicPrefix,
        snapshotEveryMs,
        ...(server0 === undefined ? {} : { advertise: config.advertiseUrl ?? advertised(server0.url) }),
      })
      speedSource = source
      await source.start()
      lag = () => source.lag()
      running.push({ stop: async () => void (await source.stop(), await gatherer?.close()) })
    }
  }

  if (scheduler !== undefined && schedule !== undefined) {
    // in a cluster exactly one node runs a scheduled batch: the one leading the speed group
    const source = speedSource
    scheduler.start(schedule, source === undefined ? () => true : () => source.isLeader)
  }

  const report = setInterval(() => void progress(layer, ingestCounters), 2000)
  const failure = await new Promise<Error | undefined>((resolve) => {
    // a stop asked while starting (a signal, or --for shorter than a start on a loaded machine)
    // has already fired its event: without this the node would run on, never stopping
    if (stop.signal.aborted) return resolve(undefined)
    stop.signal.addEventListener('abort', () => resolve(undefined), { once: true })
    const watch = setInterval(() => {
      for (const failed of failures) {
        const err = failed()
        if (err !== undefined) resolve(err)
      }
    }, 1000)
    stop.signal.addEventListener('abort', () => clearInterval(watch), { once: true })
  })
  clearInterval(report)
  if (failure !== undefined) {
    console.error(`pulse: a role failed, stopping without a snapshot (the next start resumes from the last one): ${failure.message}`)
    await layer?.close()
    await server?.close()
    batch.close()
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
    // what the stop did not reach (the HTTP server, the workers) would keep the process alive
    process.exit(1)
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
  prefix: string
  rate: number
  seed: number
  snapshotEveryMs: number
  signal: AbortSignal
  /** How long a stop waits for both groups to reach the log's end before it snapshots what was applied. */
  catchUpMs: number
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
  const ingester = roles.has('ingest') ? new EmbeddedIngester(store, { prefix: o.prefix }) : undefined
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
  const stopSnapshots = layer === undefined ? undefined : snapshotPeriodically(o.snapshotEveryMs, (spreadMs) => layer.snapshot({ spreadMs }))

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
    // both groups at the log's end: a restart then resumes every group at the same offsets.
    // Ingestion is waited for (the log's records exist nowhere else), the speed layer for at
    // most catchUpMs: a node too loaded to catch up then still snapshots what it applied within
    // --shutdown-timeout, instead of overrunning it and losing the stop's snapshot as well
    const end = performance.now() + o.catchUpMs
    let warned = false
    for (;;) {
      const speed = (await speedLag()) ?? 0
      const ingesting = (ingester?.lag() ?? 0) > 0
      if (!ingesting && speed === 0) return
      if (performance.now() >= end) {
        const where = ingester === undefined ? 'this node does not ingest, so they are not kept' : 'they are in the master dataset once ingested, and the next batch run counts them'
        if (!warned) console.error(`pulse: the speed layer stops ${speed} records short of the log's end; ${where}`)
        warned = true
        if (!ingesting) return
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  running.push({
    drain: async () => {
      await producing.catch(() => undefined)
      await caughtUp()
    },
    stop: async () => {
      stopSnapshots?.()
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

function batchSchedule(flag: string | undefined, configured: string): Schedule | undefined {
  if (flag === undefined) return parseSchedule(configured)
  try {
    return parseSchedule(flag)
  } catch (err) {
    throw err instanceof PulseError ? pulseError('PULSE_ERR_CLI_USAGE', `--batch-at: expected HH:MM (UTC), "every <N>s|m|h" or "off", got ${JSON.stringify(flag)}`) : err
  }
}

