// `pulse speed`: the speed layer alone, from Kafka, with its snapshots in the store.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { createKafka, ensureTopics, physicalTopics } from '../kafka/client.js'
import { openStore } from '../store/open-store.js'
import { DEFAULT_SPEED_OPTIONS, SpeedLayer, workersFor } from '../../actors/speed-layer.js'
import { DEFAULT_ACTOR_OPTIONS } from '../../actors/partition-actor.js'
import { DEFAULT_KAFKA_SOURCE_OPTIONS, KafkaSource } from '../../actors/kafka-source.js'
import { CATALOG } from '../../views/catalog/index.js'
import { finalize } from '../../views/state/partial.js'
import { durationArg, intArg } from '../cli-args.js'

const A = DEFAULT_ACTOR_OPTIONS
const K = DEFAULT_KAFKA_SOURCE_OPTIONS

export const SPEED_HELP = `pulse speed — the speed layer: every view live from Kafka, exactly once

  --group ID           consumer group (default ${K.groupId}, after PULSE_TOPIC_PREFIX)
  --workers N          worker threads hosting the partition actors (default PULSE_SPEED_WORKERS, else ${DEFAULT_SPEED_OPTIONS.workers})
  --snapshot-every T   snapshot every actor this often (default ${K.snapshotEveryMs / 1000}s)
  --lateness T         watermark = max event time − T (default ${A.latenessMs / 1000}s)
  --retention T        windowed views take events down to watermark − T (default ${A.retentionMs / 60_000}m)
  --prefix P           store key prefix of the snapshots (default none)
  --until-idle T       exit once nothing arrived for T and nothing is left to apply
  --dump FILE          on exit, write every view's rows as JSON to FILE

Needs PULSE_KAFKA_BROKERS; snapshots go to PULSE_S3_ENDPOINT or the local store.
SIGTERM/SIGINT stop consuming, snapshot, commit and exit 0.`

export async function speedCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      group: { type: 'string' },
      workers: { type: 'string' },
      'snapshot-every': { type: 'string' },
      lateness: { type: 'string' },
      retention: { type: 'string' },
      prefix: { type: 'string' },
      'until-idle': { type: 'string' },
      dump: { type: 'string' },
    },
  })
  if (config.kafka === undefined) throw pulseError('PULSE_ERR_CONFIG', 'pulse speed needs PULSE_KAFKA_BROKERS')
  const store = openStore(config)
  const layer = new SpeedLayer(store, {
    workers: intArg('workers', v.workers, workersFor(config.speedWorkers, false), 1),
    prefix: v.prefix ?? '',
    actor: {
      latenessMs: durationArg('lateness', v.lateness) ?? A.latenessMs,
      retentionMs: durationArg('retention', v.retention) ?? A.retentionMs,
    },
  })
  // the six topics exist before the group subscribes (created with PULSE_PARTITIONS when missing)
  const kafka = createKafka(config.kafka)
  await ensureTopics(kafka, config.kafka.partitions, physicalTopics(config.kafka.topicPrefix))
  const source = new KafkaSource(kafka, layer, {
    groupId: v.group ?? config.kafka.topicPrefix + K.groupId,
    topicPrefix: config.kafka.topicPrefix,
    snapshotEveryMs: durationArg('snapshot-every', v['snapshot-every']) ?? K.snapshotEveryMs,
  })
  const idleMs = durationArg('until-idle', v['until-idle'])
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  await source.start()
  console.log(`pulse speed: group ${source.options.groupId}, ${layer.options.workers} workers, snapshots in ${store.location}`)
  let seen = -1
  let quietSince = Date.now()
  let code = 0
  while (!stop.signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000))
    if (layer.failure !== undefined) {
      console.error(`pulse speed: an actor failed, stopping without a snapshot: ${layer.failure.message}`)
      code = 1
      break
    }
    if (source.consumed !== seen) {
      const stats = await layer.stats()
      const sum = (k: 'valid' | 'invalid' | 'duplicates' | 'late' | 'dropped') => stats.reduce((s, a) => s + a.counters[k], 0)
      console.log(`pulse speed: consumed ${source.consumed}  valid ${sum('valid')}  invalid ${sum('invalid')}  duplicates ${sum('duplicates')}  late ${sum('late')}  dropped ${sum('dropped')}  actors ${stats.length}`)
      seen = source.consumed
      quietSince = Date.now()
    } else if (idleMs !== undefined && Date.now() - quietSince >= idleMs && (await source.lag()) === 0) break
  }
  if (code === 0) {
    await source.stop()
    if (v.dump !== undefined) {
      const out: Record<string, unknown> = {}
      for (const view of CATALOG) out[view.name] = finalize(view, await layer.query(view.name))
      writeFileSync(v.dump, JSON.stringify(out))
    }
  }
  await layer.close()
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  console.log(JSON.stringify({ stopped: true, consumed: source.consumed, snapshot: layer.lastSnapshot && { actors: layer.lastSnapshot.actors, bytes: layer.lastSnapshot.bytes } }))
  return code
}
