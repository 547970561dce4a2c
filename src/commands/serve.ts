// `pulse serve`: a serving node. The speed layer from Kafka (its actors restored
// from their snapshots), the published batch run from the store, and the HTTP
// API and dashboard over both. Nodes sharing the speed group form a cluster
// (src/cluster/member.ts): each answer gathers every member's partitions.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { createKafka, ensureTopics, physicalTopics } from '../kafka/client.js'
import { openStore } from '../store/open-store.js'
import { servingWorkers, SpeedLayer, workersFor } from '../../actors/speed-layer.js'
import { DEFAULT_KAFKA_SOURCE_OPTIONS, KafkaSource } from '../../actors/kafka-source.js'
import { durationArg, intArg } from '../cli-args.js'
import { startServer } from '../serve/server.js'
import { StoreBatchSource } from '../serve/batch-source.js'
import { BatchScheduler, parseSchedule } from '../batch/scheduler.js'
import { speedReconciler } from '../batch/reconcile.js'
import { advertised, clusterMember } from '../cluster/member.js'

const K = DEFAULT_KAFKA_SOURCE_OPTIONS

export const SERVE_HELP = `pulse serve — the serving layer: query API, dashboard and metrics over batch ⊕ speed

  --port P             HTTP port (default PULSE_HTTP_PORT or 8080; host from PULSE_HTTP_HOST, default 127.0.0.1)
  --group ID           speed-layer consumer group (default ${K.groupId}, after PULSE_TOPIC_PREFIX)
  --workers N          worker threads hosting the partition actors (default PULSE_SPEED_WORKERS, else
                       ${servingWorkers()}: a core fewer than the machine's, left to the serving thread)
  --snapshot-every T   snapshot every actor this often (default ${K.snapshotEveryMs / 1000}s)
  --prefix P           store key prefix of snapshots and batch runs (default PULSE_STORE_PREFIX, else none)
  --batch-poll T       how often the published batch run is checked (default 5s)
  --batch-at WHEN      scheduled batch runs: HH:MM (daily, UTC), "every 1h", or "off" (default PULSE_BATCH_SCHEDULE or 00:00);
                       each run is reconciled with the speed layer and not published when a view
                       drifts more than PULSE_BATCH_DRIFT_THRESHOLD (default 0.05)

Needs PULSE_KAFKA_BROKERS; the store is PULSE_S3_ENDPOINT or the local directory. Nodes in one
speed group form a cluster: each answer gathers every node's partitions (PULSE_ADVERTISE_URL when
other nodes reach this one at another address); only the group's leader runs scheduled batches.
Admin routes (POST /admin/snapshot, /admin/batch) need PULSE_ADMIN_TOKEN.
Routes: / (dashboard), /api/views, /api/views/:name, /docs, /health, /ready, /metrics.`

export async function serveCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      group: { type: 'string' },
      workers: { type: 'string' },
      'snapshot-every': { type: 'string' },
      prefix: { type: 'string' },
      'batch-poll': { type: 'string' },
      'batch-at': { type: 'string' },
    },
  })
  const port = intArg('port', v.port, config.http.port, 0)
  if (port > 65535) throw pulseError('PULSE_ERR_CLI_USAGE', `--port: expected a port from 0 to 65535, got ${port}`)
  if (config.kafka === undefined) throw pulseError('PULSE_ERR_CONFIG', 'pulse serve needs PULSE_KAFKA_BROKERS (`pulse start` serves the embedded pipeline)')
  const store = openStore(config)
  const prefix = v.prefix ?? config.storePrefix
  const layer = new SpeedLayer(store, { workers: intArg('workers', v.workers, workersFor(config.speedWorkers, true), 1), prefix })
  // the six topics exist before the group subscribes (created with PULSE_PARTITIONS when missing)
  const kafka = createKafka(config.kafka)
  await ensureTopics(kafka, config.kafka.partitions, physicalTopics(config.kafka.topicPrefix))
  const groupId = v.group ?? config.kafka.topicPrefix + K.groupId
  const batch = new StoreBatchSource(store, {
    prefix,
    pollMs: durationArg('batch-poll', v['batch-poll']) ?? 5000,
    beforeSwap: (run) => layer.setCutoff(run.cutoff),
    onError: (err) => console.error(`pulse serve: batch run not loaded: ${(err as Error).message}`),
  })
  await batch.start()
  // the first cutoff before the actors open: restored actors apply it on open
  const run = batch.current()
  if (run !== null) await layer.setCutoff(run.cutoff)
  // other nodes in the group (pulse serve or pulse start) hold the other partitions: answers gather theirs
  let source: KafkaSource | undefined
  const member = clusterMember({
    kafka,
    layer,
    batch,
    groupId,
    topicPrefix: config.kafka.topicPrefix,
    lag: () => source?.lag() ?? Promise.resolve(null),
    replaying: () => source?.replaying() ?? [],
    memberId: () => source?.memberId,
  })
  // batch runs: on the schedule (only the group's leader runs them), and on demand through POST /admin/batch;
  // each run is compared with the group's speed layers before it may be published
  const reconcile = speedReconciler(member.side, { threshold: config.batch.driftThreshold, lookbackMs: layer.options.actor.pairHorizonMs, latenessMs: layer.options.actor.latenessMs })
  const scheduler = new BatchScheduler(store, { prefix, topicPrefix: config.kafka.topicPrefix, reconcile }, (line) => console.log(`pulse serve: ${line}`))
  const triggerBatch = () => scheduler.run()
  // the HTTP server starts first: the address it got is what the node advertises to the group
  const server = await startServer(
    { ...config.http, port },
    { speed: member.gatherer, peer: member.peer, batch, store, triggerBatch, lastRun: () => scheduler.lastResult?.manifest, logger: config.logLevel === 'debug' },
  )
  source = new KafkaSource(kafka, layer, {
    groupId,
    topicPrefix: config.kafka.topicPrefix,
    snapshotEveryMs: durationArg('snapshot-every', v['snapshot-every']) ?? K.snapshotEveryMs,
    advertise: config.advertiseUrl ?? advertised(server.url),
  })
  await source.start()
  const joined = source
  const schedule = parseSchedule(v['batch-at'] ?? config.batch.schedule)
  if (schedule !== undefined) scheduler.start(schedule, () => joined.isLeader)
  console.log(`pulse serve: dashboard at ${server.url}, group ${groupId}, store ${store.location}`)

  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  await new Promise<void>((resolve) => {
    stop.signal.addEventListener('abort', () => resolve(), { once: true })
    const watch = setInterval(() => {
      if (layer.failure !== undefined) {
        clearInterval(watch)
        resolve()
      }
    }, 1000)
    stop.signal.addEventListener('abort', () => clearInterval(watch), { once: true })
  })
  const failed = layer.failure
  await scheduler.stop()
  batch.close()
  await server.close()
  if (failed === undefined) await source.stop()
  await member.gatherer.close()
  await layer.close()
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  if (failed !== undefined) {
    console.error(`pulse serve: an actor failed, stopped without a snapshot: ${failed.message}`)
    return 1
  }
  console.log('pulse serve: stopped')
  return 0
}
