// Pulse processes for the multi-node tests: `bin/pulse.js` started with its own
// HTTP port, its output kept for a failed run, and its view answers asked.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { Row } from '../../views/evaluate.js'
import { LOCAL_SERVICES } from '../../src/config.js'

export interface Node {
  port: number
  child: ChildProcess
  log: string
  exited: Promise<number | null>
}

/** The environment of a multi-node test's processes: the local Kafka and S3, the run's own topics and store prefix, 4 partitions. */
export function nodeEnv(run: string) {
  return {
    ...process.env,
    PULSE_KAFKA_BROKERS: LOCAL_SERVICES.kafka.brokers.join(','),
    PULSE_S3_ENDPOINT: LOCAL_SERVICES.s3.endpoint,
    PULSE_TOPIC_PREFIX: `${run}.`,
    PULSE_STORE_PREFIX: `test-runs/${run}/`,
    PULSE_PARTITIONS: '4',
    PULSE_HTTP_HOST: '127.0.0.1',
  }
}

/** Starts `pulse <args> --port <port>` and resolves once it prints its dashboard address. */
export function startNode(args: readonly string[], port: number, env: NodeJS.ProcessEnv): Promise<Node> {
  const child = spawn(process.execPath, ['bin/pulse.js', ...args, '--port', String(port)], { env })
  const node: Node = { port, child, log: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) }
  child.stdout!.on('data', (b: Buffer) => (node.log += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (node.log += b.toString()))
  return new Promise((resolve, reject) => {
    const wait = setInterval(() => {
      if (node.log.includes('dashboard at')) {
        clearInterval(wait)
        resolve(node)
      }
    }, 100)
    void node.exited.then((code) => {
      clearInterval(wait)
      reject(new Error(`node on ${port} exited (${code}) while starting: ${node.log.slice(-800)}`))
    })
  })
}

/** What the tests read of an answer of GET /api/views/:name. */
export interface Answer {
  rows: Array<Row & { source: string; exact: unknown }>
  total: number
  freshness: {
    batch: { runId: string; publishedAt: string; durationMs: number } | null
    speed: { lag: number | null; partitions: number }
    cluster: { nodes: number; missing: string[]; unreachable: string[]; replaying: string[] } | null
  }
}

/** Every row of a view through the node on `port`. */
export async function ask(port: number, view: string): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}/api/views/${view}?limit=10000`).catch((err: Error) => {
    throw new Error(`:${port} ${view}: ${err.message}`)
  })
  if (res.status !== 200) throw new Error(`${port} ${view}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as Answer
}
