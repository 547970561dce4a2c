// `pulse generate`: synthetic university events to a file, stdout, Kafka or the embedded log.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { LOCAL_SERVICES } from '../config.js'
import { pulseError } from '../errors.js'
import { DEFAULT_GENERATOR_OPTIONS, EventGenerator, intensityForRate } from '../generator/generator.js'
import type { GeneratorOptions } from '../generator/generator.js'
import { FileSink, KafkaSink } from '../generator/sinks.js'
import type { Sink } from '../generator/sinks.js'
import { runGenerator } from '../generator/run.js'
import { durationArg, fractionArg, instantArg, intArg } from '../cli-args.js'
import { createKafka } from '../kafka/client.js'

const D = DEFAULT_GENERATOR_OPTIONS

export const GENERATE_HELP = `pulse generate — synthetic learning-platform events

  --count N          distinct valid events to produce (default 100000 unless --duration)
  --duration T       or: a span of event time (90s, 5m, 2h, 1d)
  --rate R           records per second, wall clock (default: as fast as possible);
                     with --live, the mean event rate to aim for (scales --intensity)
  --live             event time follows the wall clock (start defaults to now)
  --start ISO|now    event time of the first event (default ${new Date(D.start).toISOString()})
  --seed N           same seed, same events (default ${D.seed})
  --students N       population (default ${D.students}); --teachers N (${D.teachers}); --courses N (${D.courses})
  --intensity X      multiply everyone's activity (default ${D.intensity})
  --invalid F        invalid records per valid event (default ${D.invalid})
  --duplicates F     share of records delivered twice (default ${D.duplicates})
  --late F           share of events sent late, after newer ones (default ${D.late})
  --late-max T       usual lateness bound (default 30m; a tenth of late events exceed 1h)
  --to SINK          file | stdout | kafka (default file)
  --out PATH         record file for --to file (default events.ndjson)
  --brokers LIST     Kafka brokers for --to kafka (default PULSE_KAFKA_BROKERS or 127.0.0.1:9092)
  --quiet            no progress output

Record file format: one JSON object per line, {"topic","key","value"} with value the raw record text.
A summary (JSON) is printed to stdout when the sink is not stdout.`

export async function generateCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      count: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      live: { type: 'boolean', default: false },
      start: { type: 'string' },
      seed: { type: 'string' },
      students: { type: 'string' },
      teachers: { type: 'string' },
      courses: { type: 'string' },
      intensity: { type: 'string' },
      invalid: { type: 'string' },
      duplicates: { type: 'string' },
      late: { type: 'string' },
      'late-max': { type: 'string' },
      to: { type: 'string', default: 'file' },
      out: { type: 'string', default: 'events.ndjson' },
      brokers: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  })
  const durationMs = durationArg('duration', v.duration)
  const count = v.count !== undefined || durationMs === undefined ? intArg('count', v.count, 100_000, 1) : undefined
  const rate = v.rate === undefined ? undefined : intArg('rate', v.rate, 0, 1)
  const students = intArg('students', v.students, D.students, 1)
  let intensity = v.intensity === undefined ? D.intensity : Number(v.intensity)
  if (!(intensity > 0)) throw pulseError('PULSE_ERR_CLI_USAGE', `--intensity: expected a positive number, got ${JSON.stringify(v.intensity)}`)
  // Live runs cannot outpace the clock, so a rate is reached by making people more active.
  if (v.live && rate !== undefined && v.intensity === undefined) intensity = intensityForRate(rate, students)
  const options: GeneratorOptions = {
    seed: intArg('seed', v.seed, D.seed),
    start: instantArg('start', v.start, v.live ? Date.now() : D.start),
    students,
    teachers: intArg('teachers', v.teachers, D.teachers, 1),
    courses: intArg('courses', v.courses, D.courses, 1),
    intensity,
    invalid: fractionArg('invalid', v.invalid, D.invalid),
    duplicates: fractionArg('duplicates', v.duplicates, D.duplicates),
    late: fractionArg('late', v.late, D.late),
    lateMaxMs: durationArg('late-max', v['late-max']) ?? D.lateMaxMs,
    // a live stream joins a platform already in use; a file run starts from a quiet midnight
    warmupMs: v.live ? 600_000 : D.warmupMs,
  }

  let sink: Sink
  switch (v.to) {
    case 'file':
      sink = new FileSink(v.out!)
      break
    case 'stdout':
      sink = new FileSink('-')
      break
    case 'kafka': {
      const brokers = v.brokers?.split(',') ?? config.kafka?.brokers ?? LOCAL_SERVICES.kafka.brokers
      const settings = { ...LOCAL_SERVICES.kafka, ...config.kafka, brokers }
      sink = await new KafkaSink(createKafka(settings), settings.partitions, settings.topicPrefix).open()
      break
    }
    default:
      throw pulseError('PULSE_ERR_CLI_USAGE', `--to: expected file, stdout or kafka, got ${JSON.stringify(v.to)}`)
  }

  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const summary = await runGenerator(new EventGenerator(options), sink, {
      count,
      durationMs,
      rate: v.live ? undefined : rate,
      live: v.live,
      quiet: v.quiet,
      signal: stop.signal,
    })
    if (v.to !== 'stdout') console.log(JSON.stringify({ sink: sink.name, seed: options.seed, ...summary }, null, 2))
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await sink.close()
  }
}
