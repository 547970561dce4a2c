// The one module that knows kafkajs. kafkajs is feature-complete but thinly
// maintained, so the rest of Pulse talks to Kafka through these few functions.
import { Kafka, Partitioners, logLevel } from 'kafkajs'
import type { Producer, Admin } from 'kafkajs'
import type { KafkaSettings } from '../config.js'
import { TOPICS } from '../events/contract.js'
import { PulseError } from '../errors.js'
import { retry } from '../retry.js'

export type { Kafka, Producer, Consumer, Admin, EachBatchPayload } from 'kafkajs'

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
  })
}

/** A producer that partitions by key like the Java client (murmur2). */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false })
}

/** The physical names of the six event topics under a prefix. */
export function physicalTopics(prefix: string): string[] {
  return TOPICS.map((t) => prefix + t)
}

/**
 * Creates the six event topics with `partitions` partitions where missing, and
 * returns once every partition has a leader that answers offset requests. For
 * a moment after creation a KRaft broker answers "unknown topic" and then
 * "leader not available"; kafkajs's own wait for leaders gives up on the
 * first, so the wait here is ours and retries both.
 */
export async function ensureTopics(kafka: Kafka, partitions: number, topics: readonly string[] = TOPICS): Promise<void> {
  const admin: Admin = kafka.admin()
  try {
    await admin.connect()
    const existing = new Set(await admin.listTopics())
    const missing = topics.filter((t) => !existing.has(t))
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
        waitForLeaders: false,
      })
    }
    for (const topic of topics) await retry(() => admin.fetchTopicOffsets(topic), { retries: 16 })
  } catch (err) {
    throw new PulseError('PULSE_ERR_KAFKA', [`cannot create topics: ${(err as Error).message}`], { cause: err })
  } finally {
    await admin.disconnect()
  }
}

/**
 * Deletes topics (a test's or a benchmark's own, under its prefix) so that runs
 * do not pile up partitions the broker must load at every start. Topics already
 * gone are not an error.
 */
export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin: Admin = kafka.admin()
  try {
    await admin.connect()
    const existing = new Set(await admin.listTopics())
    const present = topics.filter((t) => existing.has(t))
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 })
  } catch (err) {
    throw new PulseError('PULSE_ERR_KAFKA', [`cannot delete topics: ${(err as Error).message}`], { cause: err })
  } finally {
    await admin.disconnect()
  }
}
