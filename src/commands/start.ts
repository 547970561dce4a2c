// `pulse start`: runs Pulse on this node. At this stage of the project the
// embedded pipeline is: generator → in-process log → the speed layer (partition
// actors in worker threads keeping every view live). Ingestion, batch and
// serving plug into this same process as they land.
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

export const START_HELP = `pulse start — run Pulse on this node

  --rate R       mean events per second from the built-in generator (default 1000)
  --for T        stop after T (e.g. 30s); default: run until SIGINT/SIGTERM
  --seed N       generator seed (default 1)

With no PULSE_KAFKA_BROKERS the built-in generator feeds an embedded in-process log.`

export async function startCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: { rate: { type: 'string' }, for: { type: 'string' }, seed: { type: 'string' } },
  })
  if (config.kafka !== undefined) {
    throw pulseError('PULSE_ERR_CONFIG', 'PULSE_KAFKA_BROKERS is set, but this build of `pulse start` runs the embedded mode only; unset it')
  }
  const rate = intArg('rate', v.rate, 1000, 1)
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

  const producing = runGenerator(generator, new LogSink(log), { live: true, quiet: true, signal: stop.signal })
  // embedded mode starts a new world each time: nothing to restore
  const layer = new SpeedLayer(openStore(config), { restore: false })
  const report = setInterval(() => void progress(layer), 2000)
  try {
    await runEmbedded(log, layer, { signal: stop.signal })
    await producing
  } finally {
    clearInterval(report)
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
