// `pulse services up|down|status|reset`: the local Kafka and S3 servers. The one
// implementation is scripts/services.mjs (npm test's pretest runs it too); this
// runs it as a child with the terminal passed through and returns its status.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pulseError } from '../errors.js'

const ACTIONS = ['up', 'down', 'status', 'reset'] as const

export const SERVICES_HELP = `pulse services — the local Kafka broker and S3 server for development and tests

usage: pulse services up | down | status | reset

  up       start whatever is not running (Kafka on 127.0.0.1:9092, S3 on http://127.0.0.1:9000)
           and wait until it answers; the first run fetches the jars from Maven Central
  down     stop both (SIGTERM, then SIGKILL after 30 s)
  status   print each one's state; exit 0 only when both answer
  reset    down, then delete their data folder (every topic and object)

Needs Java 17+ and Maven on PATH. Environment: PULSE_SERVICES_DIR, PULSE_KAFKA_PORT,
PULSE_S3_PORT, PULSE_KAFKA_HEAP (see docs/services.md).`

/** scripts/services.mjs of this checkout (this module runs from src/ under tests, from dist/src/ otherwise). */
export function servicesScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'scripts', 'services.mjs')
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate
    const up = dirname(dir)
    if (up === dir) throw pulseError('PULSE_ERR_CONFIG', 'scripts/services.mjs not found above the installed pulse')
    dir = up
  }
}

export async function servicesCommand(args: string[]): Promise<number> {
  const [action, ...extra] = args
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    throw pulseError('PULSE_ERR_CLI_USAGE', `pulse services needs one of ${ACTIONS.join(', ')}, got ${JSON.stringify(action ?? '')}`)
  }
  if (extra.length > 0) throw pulseError('PULSE_ERR_CLI_USAGE', `pulse services ${action} takes no arguments, got ${JSON.stringify(extra.join(' '))}`)
  const child = spawn(process.execPath, [servicesScript(), action], { stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)))
  })
}
