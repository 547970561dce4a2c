// `pulse replay`: recorded events to Kafka or the embedded log, as fast as
// possible or at N× their original pace, with a report of sustained events/s,
// consumer lag over time and event-to-visible latency (see docs/replay.md).
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { LOCAL_SERVICES } from '../config.js'
import { pulseError } from '../errors.js'
import { createKafka } from '../kafka/client.js'
import { openStore } from '../store/open-store.js'
import { readRecordBatches } from '../generator/record-file.js'
import { DEFAULT_SPEED_OPTIONS, workersFor } from '../../actors/speed-layer.js'
import { durationArg, intArg } from '../cli-args.js'
import { parseInstant } from '../events/time.js'
import { EmbeddedTarget } from '../replay/embedded-target.js'
import { KafkaTarget } from '../replay/kafka-target.js'
import type { ReplayRecord, ReplayTarget } from '../replay/target.js'
import { runReplay } from '../replay/run.js'
import { formatReplay } from '../replay/report.js'

const DEFAULT_BATCH = 5000

export const REPLAY_HELP = `pulse replay — send recorded events to Kafka or the embedded log and measure the speed layer

usage: pulse replay FILE [options]
       pulse replay --from-master --from ISO --to ISO [options]

  FILE               a record file: one {"topic","key","value"} per line (pulse generate writes them)
  --from-master      replay the master dataset instead: the events with time in [--from, --to)
  --from ISO         start of the range (ISO-8601 UTC, e.g. 2026-11-02T00:00:00Z)
  --to ISO           end of the range (exclusive)
  --to kafka|embedded  where to send (default kafka when PULSE_KAFKA_BROKERS is set, else embedded)
  --speed N|max      max: as fast as the target takes them (default); N: N× the original pace,
                     from each value's event time (records without one are sent unpaced)
  --json FILE        also write the report as JSON to FILE
  --batch N          records per send (default ${DEFAULT_BATCH})
  --brokers LIST     Kafka brokers (default PULSE_KAFKA_BROKERS or 127.0.0.1:9092)
  --group ID         consumer group of the replay's speed layer (default pulse-replay-<time>)
  --workers N        worker threads of the replay's speed layer (default PULSE_SPEED_WORKERS, else ${DEFAULT_SPEED_OPTIONS.workers})
  --prefix P         store key prefix of the master dataset (default none)
  --sample-every T   consumer lag sample interval (default 1s)
  --wait T           once all is sent, how long to wait for the speed layer (default 10m)
  --quiet            no progress on stderr

The replay runs its own speed layer (all 62 views), consuming what it sends from the end
offsets the topics had when it began, and reports: events sent, events/s and MB/s while
sending, when every event was visible, consumer lag over time, and append → visible latency
p50/p90/p99/max. Exit status 1 when not every event became visible within --wait.`

const now36 = () => Date.now().toString(36)

/** `--to` carries the target (kafka, embedded) and, for --from-master, the range end. */
function splitTo(values: readonly string[]): { target?: 'kafka' | 'embedded'; end?: string } {
  const out: { target?: 'kafka' | 'embedded'; end?: string } = {}
  for (const v of values) {
    if (v === 'kafka' || v === 'embedded') {
      if (out.target !== undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `--to: the target given twice (${out.target}, ${v})`)
      out.target = v
    } else {
      if (out.end !== undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `--to: expected kafka, embedded or one ISO-8601 instant, got ${JSON.stringify(out.end)} and ${JSON.stringify(v)}`)
      out.end = v
    }
  }
  return out
}

function speedArg(raw: string | undefined): 'max' | number {
  if (raw === undefined || raw === 'max') return 'max'
  const n = Number(raw.replace(/x$/i, ''))
  if (!Number.isFinite(n) || n <= 0) throw pulseError('PULSE_ERR_CLI_USAGE', `--speed: expected "max" or a positive multiple of the original pace (0.5, 1, 10), got ${JSON.stringify(raw)}`)
  return n
}

function instant(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `--from-master needs --from ISO and --to ISO (the event-time range); --${flag} is missing`)
  const t = parseInstant(raw)
  if (Number.isNaN(t)) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected an ISO-8601 UTC instant such as 2026-11-02T00:00:00Z${flag === 'to' ? ' (or the target: kafka, embedded)' : ''}, got ${JSON.stringify(raw)}`)
  return t
}

export async function replayCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'from-master': { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string', multiple: true },
      speed: { type: 'string' },
      json: { type: 'string' },
      batch: { type: 'string' },
      brokers: { type: 'string' },
      group: { type: 'string' },
      workers: { type: 'string' },
      prefix: { type: 'string' },
      'sample-every': { type: 'string' },
      wait: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  })
  const to = splitTo(v.to ?? [])
  const speed = speedArg(v.speed)
  const batchSize = intArg('batch', v.batch, DEFAULT_BATCH, 1)
  const workers = intArg('workers', v.workers, workersFor(config.speedWorkers, false), 1)
  const sampleEveryMs = durationArg('sample-every', v['sample-every']) ?? 1000
  if (sampleEveryMs < 100) throw pulseError('PULSE_ERR_CLI_USAGE', `--sample-every: at least 100ms, got ${JSON.stringify(v['sample-every'])}`)
  const waitMs = durationArg('wait', v.wait) ?? 600_000
  const store = openStore(config)

  // the source: a record file or a range of the master dataset
  let source: AsyncIterable<readonly ReplayRecord[]>
  let label: string
  if (v['from-master']) {
    if (positionals.length > 0) throw pulseError('PULSE_ERR_CLI_USAGE', `pulse replay: a FILE or --from-master, not both (got ${JSON.stringify(positionals[0])})`)
    const from = instant('from', v.from)
    const end = instant('to', to.end)
    if (end <= from) throw pulseError('PULSE_ERR_CLI_USAGE', `--to: must be after --from (${v.from})`)
    // loaded on use: Parquet decoding brings WebAssembly that other commands do not need
    const master = await import('../replay/master-source.js')
    const range = { from, to: end, prefix: v.prefix ?? '' }
    if ((await master.countMasterFiles(store, range)) === 0) {
      throw pulseError('PULSE_ERR_CLI_USAGE', `--from/--to: the master dataset in ${store.location} has no files for [${v.from}, ${to.end}); ingest events first (pulse ingest)`)
    }
    source = master.readMasterBatches(store, range, batchSize)
    label = `the master dataset [${v.from}, ${to.end})`
  } else {
    if (positionals.length !== 1) throw pulseError('PULSE_ERR_CLI_USAGE', `pulse replay: expected one record file, or --from-master --from ISO --to ISO (got ${positionals.length} files)`)
    if (v.from !== undefined || to.end !== undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `--${v.from !== undefined ? 'from' : 'to'}: an event-time range is for --from-master; a file is replayed whole`)
    const file = positionals[0]!
    if (!existsSync(file) || !statSync(file).isFile()) throw pulseError('PULSE_ERR_CLI_USAGE', `FILE: no record file at ${JSON.stringify(file)}`)
    source = readRecordBatches(file, batchSize)
    label = file
  }

  const targetName = to.target ?? (config.kafka !== undefined || v.brokers !== undefined ? 'kafka' : 'embedded')
  const speedOptions = { workers }
  let target: ReplayTarget
  if (targetName === 'kafka') {
    const brokers = v.brokers?.split(',').map((b) => b.trim()) ?? config.kafka?.brokers ?? LOCAL_SERVICES.kafka.brokers
    const settings = { ...LOCAL_SERVICES.kafka, ...config.kafka, brokers }
    target = new KafkaTarget(createKafka(settings), store, {
      partitions: config.partitions,
      topicPrefix: settings.topicPrefix,
      groupId: v.group ?? `pulse-replay-${now36()}`,
      concurrency: 4,
      speed: speedOptions,
    })
  } else {
    if (v.group !== undefined || v.brokers !== undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `--${v.group !== undefined ? 'group' : 'brokers'}: only for --to kafka`)
    target = new EmbeddedTarget(store, { partitions: config.partitions, speed: speedOptions })
  }

  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    await target.open()
    if (!v.quiet) console.error(`pulse replay: ${label} → ${target.name}${speed === 'max' ? '' : ` at ${speed}×`}, speed layer ${workers} workers`)
    const summary = await runReplay(source, target, { speed, batchSize, sampleEveryMs, waitMs, quiet: v.quiet, signal: stop.signal, source: label })
    console.log(formatReplay(summary))
    if (v.json !== undefined) {
      const doc = { ...summary, date: new Date().toISOString(), args, node: process.version, cpu: cpus()[0]?.model.trim() ?? 'unknown', cpuCount: cpus().length }
      writeFileSync(v.json, JSON.stringify(doc, null, 2) + '\n')
    }
    if (!summary.complete) {
      console.error(`pulse replay: only ${summary.latencyMs.records} of ${summary.sent} events became visible${stop.signal.aborted ? ' (interrupted)' : ` within --wait ${waitMs / 1000}s`}`)
      return 1
    }
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await target.close()
  }
}
