// Replay into Kafka: the six topics (under the configured prefix), acks from all
// in-sync replicas, each record on the partition Kafka's murmur2 partitioner
// gives its key. The replay's own speed layer consumes in a consumer group of
// its own (never `pulse-speed`, whose members would lose partitions to it),
// starting at the end offsets the topics had when the replay began: it applies
// what the replay sends (and whatever else is produced meanwhile), not history.
import type { Admin, Kafka, Producer } from '../kafka/client.js'
import { createProducer, ensureTopics, physicalTopics } from '../kafka/client.js'
import { partitionFor } from '../kafka/partitioner.js'
import { TOPICS, isTopic } from '../events/contract.js'
import { PulseError, pulseError } from '../errors.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import type { SpeedOptions } from '../../actors/speed-layer.js'
import { KafkaSource } from '../../actors/kafka-source.js'
import type { ObjectStore } from '../store/object-store.js'
import { untilOpen } from './target.js'
import type { ReplayRecord, ReplayTarget, SentBatch } from './target.js'

export interface KafkaTargetOptions {
  /** Partitions of topics the replay creates. */
  partitions: number
  topicPrefix: string
  /** Consumer group of the replay's speed layer. */
  groupId: string
  /** Sends in flight at once. */
  concurrency: number
  speed?: Partial<Omit<SpeedOptions, 'actor'>>
}

interface Lane {
  physical: string
  partitions: number
  messages: Array<{ key: string; value: string; partition: number }>
  counts: Int32Array
}

const kafkaError = (what: string, err: unknown) => new PulseError('PULSE_ERR_KAFKA', [`${what}: ${(err as Error).message}`], { cause: err })

export class KafkaTarget implements ReplayTarget {
  readonly name = 'kafka'
  readonly layer: SpeedLayer
  readonly startOffsets = new Map<string, number>()
  readonly concurrency: number
  private admin: Admin | undefined
  private producer: Producer | undefined
  private source: KafkaSource | undefined
  /** topic → partition count, as the broker has it */
  private readonly partitions = new Map<string, number>()

  constructor(
    private readonly kafka: Kafka,
    store: ObjectStore,
    private readonly options: KafkaTargetOptions,
  ) {
    this.layer = new SpeedLayer(store, { ...options.speed, restore: false })
    this.concurrency = options.concurrency
  }

  async open(): Promise<void> {
    const o = this.options
    await ensureTopics(this.kafka, o.partitions, physicalTopics(o.topicPrefix))
    const admin = (this.admin = this.kafka.admin())
    try {
      await admin.connect()
      for (const topic of TOPICS) {
        const physical = o.topicPrefix + topic
        const ends = await admin.fetchTopicOffsets(physical)
        this.partitions.set(topic, ends.length)
        for (const p of ends) this.startOffsets.set(`${topic}/${p.partition}`, Number(p.high))
      }
      this.producer = createProducer(this.kafka)
      await this.producer.connect()
    } catch (err) {
      throw kafkaError('cannot prepare the replay', err)
    }
    this.source = new KafkaSource(this.kafka, this.layer, {
      groupId: o.groupId,
      topicPrefix: o.topicPrefix,
      snapshotEveryMs: 0,
      snapshotOnStop: false,
      startOffsets: this.startOffsets,
    })
    await this.source.start()
    await untilOpen(this.layer, this.startOffsets.size, 60_000, () => pulseError('PULSE_ERR_KAFKA', `the replay's consumer group ${o.groupId} was not assigned every partition within 60s`))
  }

  accepts(topic: string): boolean {
    return isTopic(topic)
  }

  async send(records: readonly ReplayRecord[]): Promise<SentBatch> {
    const lanes = new Map<string, Lane>()
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      let lane = lanes.get(r.topic)
      if (lane === undefined) {
        const partitions = this.partitions.get(r.topic)!
        lanes.set(r.topic, (lane = { physical: this.options.topicPrefix + r.topic, partitions, messages: [], counts: new Int32Array(partitions) }))
      }
      const partition = partitionFor(r.key, lane.partitions)
      lane.counts[partition]!++
      lane.messages.push({ key: r.key, value: r.value, partition })
    }
    let meta
    try {
      meta = await this.producer!.sendBatch({ acks: -1, topicMessages: [...lanes.values()].map((l) => ({ topic: l.physical, messages: l.messages })) })
    } catch (err) {
      throw kafkaError('produce failed', err)
    }
    const at = performance.now()
    const last = new Map<string, number>()
    const prefix = this.options.topicPrefix.length
    for (const m of meta) {
      const topic = m.topicName.slice(prefix)
      const count = lanes.get(topic)?.counts[m.partition] ?? 0
      if (count > 0) last.set(`${topic}/${m.partition}`, Number(m.baseOffset) + count - 1)
    }
    return { at, records: records.length, last }
  }

  async endOffsets(): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const offsets = await Promise.all(TOPICS.map((t) => this.admin!.fetchTopicOffsets(this.options.topicPrefix + t)))
    TOPICS.forEach((t, i) => {
      for (const p of offsets[i]!) out.set(`${t}/${p.partition}`, Number(p.high))
    })
    return out
  }

  async close(): Promise<void> {
    try {
      await this.source?.stop()
      await this.producer?.disconnect()
      // the group was the replay's alone: leave nothing behind
      await this.admin?.deleteGroups([this.options.groupId]).catch(() => undefined)
      await this.admin?.disconnect()
    } finally {
      await this.layer.close()
    }
  }
}
