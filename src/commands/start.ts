// `pulse start`: runs Pulse on this node. At this stage of the project the
// pipeline is: generator → embedded in-process log → a consumer that validates
// every record and reports what flows. Ingestion, speed, batch and serving plug
// into this same loop as they land.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../generator/generator.js'
import { LogSink } from '../generator/sinks.js'
import { runGenerator } from '../generator/run.js'
import { InProcessLog } from '../sources/in-process-log.js'
import { EventValidator } from '../events/validate.js'
import { durationArg, intArg } from '../cli-args.js'

export const START_HELP = `pulse start — run Pulse on this node

  --rate R       mean events per second from the built-in generator (default 1000)
  --for T        stop after T (e.g. 30s); default: run until SIGINT/SIGTERM
  --seed N       generator seed (default 1)

With no PULSE_KAFKA_BROKERS the built-in generator feeds an embedded in-process log.`

export interface FlowStats {
  records: number
  valid: number
  invalid: number
  byTopic: Record<string, number>
}

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
  const stats = await consume(log, stop.signal)
  await producing
  log.close()
  clearTimeout(timer)
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  console.log(`pulse: stopped after ${stats.records} records (${stats.valid} valid, ${stats.invalid} invalid)`)
  return 0
}

async function consume(log: InProcessLog, signal: AbortSignal): Promise<FlowStats> {
  const consumer = log.subscribe('pulse-start')
  const validator = new EventValidator()
  const stats: FlowStats = { records: 0, valid: 0, invalid: 0, byTopic: {} }
  let lastReport = performance.now()
  let lastRecords = 0
  while (!signal.aborted || consumer.lag() > 0) {
    for (const r of await consumer.poll(2000, 200)) {
      stats.records++
      stats.byTopic[r.topic] = (stats.byTopic[r.topic] ?? 0) + 1
      if (validator.check(r.topic, r.value)) stats.valid++
      else stats.invalid++
    }
    const now = performance.now()
    if (now - lastReport >= 2000) {
      const perSecond = Math.round(((stats.records - lastRecords) * 1000) / (now - lastReport))
      const topics = Object.entries(stats.byTopic)
        .map(([t, n]) => `${t.replace('_topic', '')}=${n}`)
        .join(' ')
      console.log(`pulse: ${perSecond}/s  total ${stats.records}  valid ${stats.valid}  invalid ${stats.invalid}  lag ${consumer.lag()}  ${topics}`)
      lastReport = now
      lastRecords = stats.records
    }
  }
  return stats
}
