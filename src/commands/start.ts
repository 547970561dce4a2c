// `pulse start`: runs Pulse on this node. At this stage of the project the
// embedded pipeline is: generator → in-process log → the speed layer (partition
// actors in worker threads keeping every view live) → the serving layer (HTTP
// API and dashboard, merging any published batch run). Ingestion and batch
// plug into this same process as they land.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../generator/generator.js'
import { LogSink } from '../generator/sinks.js'
import { runGenerator } from '../generator/run.js'
import { InProcessLog } from '../sources/in-process-log.js'
import { openStore } from '../store/open-store.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import { runEmbedded } from '../../actors/embedded-source.js'
import { durationArg, intArg } from '../cli-args.js'
import type { ActorStats } from '../../actors/worker.js'
import { startServer } from '../serve/server.js'
import { StoreBatchSource } from '../serve/batch-source.js'
import { speedSourceOf } from '../serve/sources.js'

export const START_HELP = `pulse start — run Pulse on this node

  --rate R       mean events per second from the built-in generator (default 1000)
  --for T        stop after T (e.g. 30s); default: run until SIGINT/SIGTERM
  --seed N       generator seed (default 1)
  --port P       HTTP port of the API and dashboard (default PULSE_HTTP_PORT or 8080; 0 = any free port)

With no PULSE_KAFKA_BROKERS the built-in generator feeds an embedded in-process log.`

export async function startCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: { rate: { type: 'string' }, for: { type: 'string' }, seed: { type: 'string' }, port: { type: 'string' } },
  })
  if (config.kafka !== undefined) {
    throw pulseError('PULSE_ERR_CONFIG', 'PULSE_KAFKA_BROKERS is set, but this build of `pulse start` runs the embedded mode only; unset it')
  }
  const rate = intArg('rate', v.rate, 1000, 1)
  const port = intArg('port', v.port, config.http.port, 0)
  if (port > 65535) throw pulseError('PULSE_ERR_CLI_USAGE', `--port: expected a port from 0 to 65535, got ${port}`)
  const forMs = durationArg('for', v.for)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const timer = forMs === undefined ? undefined : setTimeout(onSignal, forMs)

  const log = new InProcessLog({ partitions: config.partitions })
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: intArg('seed', v.seed, 1), start: Date.now(), warmupMs: 600_000 }
  const generator = new EventGenerator({ ...options, intensity: intensityForRate(rate, options.students) })
  console.log(`pulse: embedded mode, ${config.partitions} partitions per topic, generator at ~${rate} events/s (live event time)`)

  // embedded mode starts a new world each time: nothing to restore
  const store = openStore(config)
  const layer = new SpeedLayer(store, { restore: false })
  const batch = new StoreBatchSource(store, { beforeSwap: (run) => layer.setCutoff(run.cutoff), onError: (err) => console.error(`pulse: batch run not loaded: ${(err as Error).message}`) })
  await batch.start()
  const lag = async () => {
    const stats = await layer.stats()
    return stats.reduce((sum, s) => sum + Math.max(0, log.endOffset(s.topic, s.partition) - s.nextOffset), 0)
  }
  const report = setInterval(() => void progress(layer), 2000)
  // the consumer group subscribes first: the log keeps records for the groups subscribed when they are appended
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  const producing = runGenerator(generator, new LogSink(log), { live: true, quiet: true, signal: stop.signal })
  const server = await startServer({ ...config.http, port }, { speed: speedSourceOf(layer, lag), batch, store }).catch((err: unknown) => {
    stop.abort()
    throw err
  })
  console.log(`pulse: dashboard at ${server.url} (API ${server.url}api/views, docs ${server.url}docs)`)
  try {
    await consuming
    await producing
  } finally {
    clearInterval(report)
    batch.close()
    await server.close()
    log.close()
    clearTimeout(timer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  const t = totals(await layer.stats())
  await layer.close()
  console.log(`pulse: stopped after ${t.records} records (${t.valid} valid, ${t.duplicates} duplicates, ${t.invalid} invalid)`)
  return 0
}

function totals(stats: ActorStats[]) {
  const sum = (k: keyof ActorStats['counters']) => stats.reduce((s, a) => s + a.counters[k], 0)
  return { records: sum('records'), valid: sum('valid'), invalid: sum('invalid'), duplicates: sum('duplicates'), late: sum('late'), groups: stats.reduce((s, a) => s + a.groups, 0) }
}

let last = { at: performance.now(), records: 0 }
async function progress(layer: SpeedLayer): Promise<void> {
  const t = totals(await layer.stats())
  const now = performance.now()
  const perSecond = Math.round(((t.records - last.records) * 1000) / (now - last.at))
  last = { at: now, records: t.records }
  console.log(`pulse: ${perSecond}/s  total ${t.records}  valid ${t.valid}  invalid ${t.invalid}  duplicates ${t.duplicates}  late ${t.late}  live groups ${t.groups}`)
}
