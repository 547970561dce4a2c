// Integration tests use the real local services (`npm run services:up`, run by
// `npm pretest`). This checks they answer, with a message saying what to do.
import { connect } from 'node:net'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, deleteTopics, physicalTopics } from '../../src/kafka/client.js'

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(2000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

export async function requireServices(): Promise<void> {
  const [host, port] = LOCAL_SERVICES.kafka.brokers[0]!.split(':')
  const s3 = new URL(LOCAL_SERVICES.s3.endpoint)
  const missing: string[] = []
  if (!(await reachable(host!, Number(port)))) missing.push(`Kafka at ${LOCAL_SERVICES.kafka.brokers[0]}`)
  if (!(await reachable(s3.hostname, Number(s3.port)))) missing.push(`S3 at ${LOCAL_SERVICES.s3.endpoint}`)
  if (missing.length > 0) throw new Error(`${missing.join(' and ')} not reachable: run \`npm run services:up\``)
}

/**
 * A teardown deleting a run's six topics (under `prefix`): runs would otherwise
 * pile up partitions that the broker loads at every start. A failed cleanup is
 * reported, not failed: the test's subject is elsewhere.
 */
export function dropTopics(prefix: string): () => Promise<void> {
  return () =>
    deleteTopics(createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' }), physicalTopics(prefix)).catch((err: Error) => {
      console.error(`cleanup: ${err.message}`)
    })
}
