// `pulse ingest`: Kafka → the master dataset (Parquet) and the dead-letter store.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { createKafka, ensureTopics, physicalTopics } from '../kafka/client.js'
import { openStore } from '../store/open-store.js'
import { DEFAULT_INGEST_OPTIONS, Ingester } from '../ingest/ingester.js'
import { durationArg, intArg } from '../cli-args.js'

const D = DEFAULT_INGEST_OPTIONS

export const INGEST_HELP = `pulse ingest — Kafka to the master dataset, exactly once

  --group ID          consumer group (default ${D.groupId}, after PULSE_TOPIC_PREFIX)
  --flush-events N    flush a partition after N records (default ${D.flushEvents})
  --flush-every T     or when its oldest buffered record is T old (default ${D.flushMs / 1000}s)
  --prefix P          store key prefix (default none)
  --workers N         threads validating and encoding Parquet (default ${D.workers}: the CPUs, at most 4)
  --until-idle T      exit once nothing new arrived for T and nothing is left to ingest
                      (for batch loads and tests)

Needs PULSE_KAFKA_BROKERS; writes to PULSE_S3_ENDPOINT or the local store. SIGTERM/SIGINT
flush and exit 0.`

export async function ingestCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      group: { type: 'string' },
      'flush-events': { type: 'string' },
      'flush-every': { type: 'string' },
      prefix: { type: 'string' },
      workers: { type: 'string' },
      'until-idle': { type: 'string' },
    },
  })
  if (config.kafka === undefined) throw pulseError('PULSE_ERR_CONFIG', 'pulse ingest needs PULSE_KAFKA_BROKERS')
  const store = openStore(config)
  // the six topics exist before the group subscribes (created with PULSE_PARTITIONS when missing)
  const kafka = createKafka(config.kafka)
  await ensureTopics(kafka, config.kafka.partitions, physicalTopics(config.kafka.topicPrefix))
  const groupId = v.group ?? config.kafka.topicPrefix + D.groupId
  const ingester = new Ingester(kafka, store, {
    groupId,
    topicPrefix: config.kafka.topicPrefix,
    prefix: v.prefix ?? '',
    flushEvents: intArg('flush-events', v['flush-events'], D.flushEvents, 1),
    flushMs: durationArg('flush-every', v['flush-every']) ?? D.flushMs,
    workers: intArg('workers', v.workers, D.workers, 1),
  })
  const idleMs = durationArg('until-idle', v['until-idle'])
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  await ingester.start()
  console.log(`pulse ingest: group ${groupId} → ${store.location}`)
  let seen = -1
  let quietSince = Date.now()
  while (!stop.signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000))
    if (ingester.failure !== undefined) {
      // nothing of the failed range was committed: a restart replays it
      console.error(`pulse ingest: a write failed, stopping: ${ingester.failure.message}`)
      await ingester.abort()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      return 1
    }
    const c = ingester.counters
    const total = c.valid + c.invalid + c.duplicates
    if (total !== seen) {
      console.log(`pulse ingest: valid ${c.valid}  invalid ${c.invalid}  duplicates ${c.duplicates}  files ${c.files}  MB ${(c.bytes / 1e6).toFixed(1)}`)
      seen = total
      quietSince = Date.now()
    } else if (idleMs !== undefined && Date.now() - quietSince >= idleMs && (await ingester.lag()) === 0) break
  }
  await ingester.stop()
  const c = ingester.counters
  console.log(JSON.stringify({ stopped: true, ...c }))
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  return 0
}
