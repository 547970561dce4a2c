// `pulse <command>`: the command-line front of Pulse.
import { PulseError, pulseError } from './errors.js'
import { loadConfig } from './config.js'
import { generateCommand, GENERATE_HELP } from './commands/generate.js'
import { validateCommand, VALIDATE_HELP } from './commands/validate.js'
import { startCommand, START_HELP } from './commands/start.js'
import { ingestCommand, INGEST_HELP } from './commands/ingest.js'
import { speedCommand, SPEED_HELP } from './commands/speed.js'
import { batchCommand, BATCH_HELP } from './commands/batch.js'
import { serveCommand, SERVE_HELP } from './commands/serve.js'
import { servicesCommand, SERVICES_HELP } from './commands/services.js'
import { viewsCommand, VIEWS_HELP } from './commands/views.js'
import { queryCommand, QUERY_HELP } from './commands/query.js'
import { replayCommand, REPLAY_HELP } from './commands/replay.js'

const HELP = `pulse — analytics for learning-platform events

usage: pulse <command> [options]

commands:
  start       run the pipeline and its dashboard (embedded defaults when no Kafka/S3 is configured)
  serve       the serving layer: query API, dashboard and metrics over batch ⊕ speed (speed layer from Kafka)
  ingest      consume Kafka into the master dataset (Parquet) and the dead-letter store
  speed       run the speed layer from Kafka: every view live, snapshots in the store
  batch       recompute every view from the master dataset (pulse batch run | status)
  views       list the views of the catalog: keys, windows, measures
  query       rows of one view from a running Pulse (pulse query <view>)
  generate    produce synthetic university events to a file, stdout, Kafka or the embedded log
  validate    check a record file against the event contract and summarise the reasons
  replay      send a record file (or a range of the master dataset) to Kafka or the embedded log;
              reports events/s, consumer lag and append → visible latency
  services    the local Kafka and S3 servers (pulse services up | down | status | reset)
  help        this text; \`pulse help <command>\` for a command's options

configuration comes from PULSE_* environment variables: see docs/configuration.md`

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  generate: { help: GENERATE_HELP, run: (a) => generateCommand(a, loadConfig()) },
  validate: { help: VALIDATE_HELP, run: (a) => validateCommand(a) },
  start: { help: START_HELP, run: (a) => startCommand(a, loadConfig()) },
  ingest: { help: INGEST_HELP, run: (a) => ingestCommand(a, loadConfig()) },
  speed: { help: SPEED_HELP, run: (a) => speedCommand(a, loadConfig()) },
  batch: { help: BATCH_HELP, run: (a) => batchCommand(a, loadConfig()) },
  serve: { help: SERVE_HELP, run: (a) => serveCommand(a, loadConfig()) },
  views: { help: VIEWS_HELP, run: (a) => viewsCommand(a) },
  query: { help: QUERY_HELP, run: (a) => queryCommand(a, loadConfig()) },
  replay: { help: REPLAY_HELP, run: (a) => replayCommand(a, loadConfig()) },
  services: { help: SERVICES_HELP, run: (a) => servicesCommand(a) },
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0] !== undefined ? COMMANDS[rest[0]] : undefined
      console.log(topic?.help ?? HELP)
      return 0
    }
    const command = COMMANDS[name]
    if (command === undefined) throw pulseError('PULSE_ERR_CLI_USAGE', `unknown command ${JSON.stringify(name)}; try \`pulse help\``)
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(command.help)
      return 0
    }
    return await command.run(rest)
  } catch (err) {
    if (err instanceof PulseError) {
      console.error(`pulse: ${err.message} [${err.code}]`)
      return err.code === 'PULSE_ERR_CLI_USAGE' ? 2 : 1
    }
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`pulse ${name}: ${(err as Error).message}`)
      return 2
    }
    throw err
  }
}
