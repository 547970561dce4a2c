// Where generated records go: an NDJSON record file (or stdout), Kafka, or the
// embedded in-process log. All take batches and apply the destination's backpressure.
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { once } from 'node:events'
import type { GeneratedRecord } from './generator.js'
import { encodeRecordLine } from './record-file.js'
import type { InProcessLog } from '../sources/in-process-log.js'
import type { Kafka, Producer } from '../kafka/client.js'
import { createProducer, ensureTopics, physicalTopics } from '../kafka/client.js'
import { PulseError } from '../errors.js'

export interface Sink {
  readonly name: string
  write(records: readonly GeneratedRecord[]): Promise<void>
  close(): Promise<void>
}

/** NDJSON record file; `-` writes to stdout. */
export class FileSink implements Sink {
  readonly name: string
  private readonly out: Writable

  constructor(path: string) {
    this.name = path === '-' ? 'stdout' : path
    this.out = path === '-' ? process.stdout : createWriteStream(path)
  }

  async write(records: readonly GeneratedRecord[]): Promise<void> {
    let chunk = ''
    for (const r of records) chunk += encodeRecordLine(r.topic, r.key, r.value) + '\n'
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return
    this.out.end()
    await once(this.out, 'finish')
  }
}

/** Kafka: key = user_id, one sendBatch per write, acks from all in-sync replicas. */
export class KafkaSink implements Sink {
  readonly name = 'kafka'
  private producer: Producer | undefined

  constructor(
    private readonly kafka: Kafka,
    private readonly partitions: number,
    private readonly topicPrefix = '',
  ) {}

  async open(): Promise<this> {
    await ensureTopics(this.kafka, this.partitions, physicalTopics(this.topicPrefix))
    this.producer = createProducer(this.kafka)
    await this.producer.connect()
    return this
  }

  async write(records: readonly GeneratedRecord[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>()
    for (const r of records) {
      const topic = this.topicPrefix + r.topic
      let list = byTopic.get(topic)
      if (list === undefined) byTopic.set(topic, (list = []))
      list.push({ key: r.key, value: r.value })
    }
    try {
      await this.producer!.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      })
    } catch (err) {
      throw new PulseError('PULSE_ERR_KAFKA', [`produce failed: ${(err as Error).message}`], { cause: err })
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect()
  }
}

/** The embedded in-process log. */
export class LogSink implements Sink {
  readonly name = 'in-process log'
  constructor(private readonly log: InProcessLog) {}

  write(records: readonly GeneratedRecord[]): Promise<void> {
    return this.log.append(records)
  }

  async close(): Promise<void> {}
}

/** Keeps every record in memory (tests, benchmarks). */
export class MemorySink implements Sink {
  readonly name = 'memory'
  readonly records: GeneratedRecord[] = []

  async write(records: readonly GeneratedRecord[]): Promise<void> {
    for (const r of records) this.records.push(r)
  }

  async close(): Promise<void> {}
}
