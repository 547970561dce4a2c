// Kafka → master dataset. A consumer group over the six topics; each assigned
// partition has a PartitionWriter. Offsets are committed by hand, after the
// writer has made the range durable (see partition-writer.ts). On assignment a
// partition resumes from its manifest, not from Kafka's committed offset.
// Flushing: when a partition has buffered `flushEvents` records, or its oldest
// buffered record is `flushMs` old (a timer covers quiet partitions).
import type { Consumer, Kafka } from '../kafka/client.js'
import { physicalTopics } from '../kafka/client.js'
import type { ObjectStore } from '../store/object-store.js'
import { EventValidator } from '../events/validate.js'
import type { Topic } from '../events/contract.js'
import { PartitionWriter } from './partition-writer.js'
import { manifestKey } from './layout.js'
import type { IngestCounters, WriterOptions } from './partition-writer.js'

export interface IngestOptions extends WriterOptions {
  groupId: string
  topicPrefix: string
  flushEvents: number
  flushMs: number
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  groupId: 'pulse-ingest',
  topicPrefix: '',
  prefix: '',
  flushEvents: 200_000,
  flushMs: 10_000,
  dedupeWindow: 100_000,
  persistedIds: 2_000,
}

export class Ingester {
  readonly counters: IngestCounters = { valid: 0, invalid: 0, duplicates: 0, files: 0, bytes: 0, flushes: 0 }
  private readonly options: IngestOptions
  private readonly writers = new Map<string, PartitionWriter>()
  /** Serializes work per partition: batches and detaching flushes never overlap. */
  private readonly chains = new Map<string, Promise<unknown>>()
  /** Per partition, the flush being written (one at a time, in offset order). */
  private readonly writing = new Map<string, Promise<unknown>>()
  private consumer: Consumer | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly validator = new EventValidator()

  constructor(
    private readonly kafka: Kafka,
    private readonly store: ObjectStore,
    options: Partial<IngestOptions> = {},
  ) {
    this.options = { ...DEFAULT_INGEST_OPTIONS, ...options }
  }

  private logical(physical: string): Topic {
    return physical.slice(this.options.topicPrefix.length) as Topic
  }

  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(work)
    this.chains.set(id, next.catch(() => undefined))
    return next
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      maxBytes: 32 << 20,
      maxBytesPerPartition: 8 << 20,
      // a member that died (SIGKILL) keeps its partitions until its session expires: keep that short
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1_000,
    })
    this.consumer = consumer
    await consumer.connect()
    await consumer.subscribe({ topics: physicalTopics(this.options.topicPrefix), fromBeginning: true })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.onAssignment(payload.memberAssignment as Record<string, number[]>)
    })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // partitions are independent: let their batches and flushes overlap
      partitionsConsumedConcurrently: 16,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const id = `${batch.topic}/${batch.partition}`
        await this.serial(id, async () => {
          const { writer: w, fresh } = await this.writerFor(batch.topic, batch.partition)
          // a new owner has just sought to the manifest's offset: this batch may start
          // elsewhere, and the seek will deliver the right records next
          if (fresh) return
          const v = this.validator
          const topic = w.topic
          let lastSeen: string | undefined
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) break
            const offset = Number(m.offset)
            if (!w.isDone(offset)) {
              const value = m.value ?? Buffer.alloc(0)
              if (v.check(topic, value)) w.addValid(v.event as never, v.eventTime, offset)
              else w.addInvalid(offset, m.key?.toString() ?? null, value, v.reason)
            }
            lastSeen = m.offset
          }
          // moves the fetch position only (once per batch); the commit waits for the flush
          if (lastSeen !== undefined) resolveOffset(lastSeen)
          if (w.buffered >= this.options.flushEvents) await this.flush(w)
        })
        await heartbeat()
      },
    })
    this.timer = setInterval(() => void this.flushAged(), Math.max(250, this.options.flushMs / 4))
  }

  private async writerFor(physical: string, partition: number): Promise<{ writer: PartitionWriter; fresh: boolean }> {
    const id = `${physical}/${partition}`
    const known = this.writers.get(id)
    if (known !== undefined) return { writer: known, fresh: false }
    const writer = new PartitionWriter(this.logical(physical), physical, partition, this.store, this.options, this.counters)
    const resume = await writer.recover()
    this.writers.set(id, writer)
    this.consumer!.seek({ topic: physical, partition, offset: String(resume) })
    return { writer, fresh: true }
  }

  /**
   * New assignment: forget revoked partitions (their buffered records were never
   * committed; the new owner replays them from the manifest). Newly owned ones
   * recover on their first batch, once the consumer runs and can seek.
   */
  private onAssignment(assignment: Record<string, number[]>): void {
    const owned = new Set<string>()
    for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) owned.add(`${topic}/${p}`)
    for (const id of [...this.writers.keys()]) if (!owned.has(id)) this.writers.delete(id)
  }

  /**
   * Detaches the partition's buffers and writes them in the background, so the
   * consumer keeps fetching during object-store writes. At most one write per
   * partition is in flight: a second flush waits for the first (backpressure).
   */
  private async flush(w: PartitionWriter): Promise<void> {
    const id = `${w.physicalTopic}/${w.partition}`
    await this.writing.get(id)
    const job = w.detach()
    if (job === undefined) return
    const consumer = this.consumer!
    const done = w.write(job).then((next) => consumer.commitOffsets([{ topic: w.physicalTopic, partition: w.partition, offset: String(next) }]))
    this.writing.set(id, done.catch((err) => this.fail(err)))
  }

  /** Set when a write failed; ingestion has stopped consuming. */
  failure: Error | undefined

  /** A failed write stops ingestion: nothing was committed, so a restart replays the range. */
  private fail(err: unknown): void {
    this.failure ??= err as Error
    void this.consumer?.pause(physicalTopics(this.options.topicPrefix).map((topic) => ({ topic })))
  }

  private async flushAged(): Promise<void> {
    const now = Date.now()
    await Promise.all(
      [...this.writers.entries()]
        .filter(([, w]) => w.buffered > 0 && now - w.bufferedSince >= this.options.flushMs)
        .map(([id, w]) => this.serial(id, () => this.flush(w))),
    )
  }

  /** Pauses, flushes and commits everything, then leaves the group (SIGTERM). */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    const consumer = this.consumer
    if (consumer === undefined) return
    consumer.pause(physicalTopics(this.options.topicPrefix).map((topic) => ({ topic })))
    // commits need a running consumer: flush before stopping it
    await Promise.all([...this.writers.entries()].map(([id, w]) => this.serial(id, () => this.flush(w))))
    await Promise.all(this.writing.values())
    await consumer.stop()
    await consumer.disconnect()
    this.consumer = undefined
  }

  private async manifestOffset(physical: string, partition: number): Promise<number> {
    const raw = await this.store.tryGet(manifestKey(this.options.prefix, physical, partition))
    return raw === undefined ? 0 : (JSON.parse(raw.toString()) as { nextOffset: number }).nextOffset
  }

  /** Leaves the group without flushing (after a failure: the uncommitted range is replayed by the next owner). */
  async abort(): Promise<void> {
    clearInterval(this.timer)
    await this.consumer?.disconnect()
    this.consumer = undefined
  }

  /** Records not yet in the master dataset, summed over every partition of the topics. */
  async lag(): Promise<number> {
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      let lag = 0
      for (const topic of physicalTopics(this.options.topicPrefix)) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const w = this.writers.get(`${topic}/${p.partition}`)
          // a partition with nothing new since its manifest gets no batch, hence no writer
          const next = w?.nextOffset ?? (await this.manifestOffset(topic, p.partition))
          lag += Math.max(0, Number(p.high) - next)
        }
      }
      return lag
    } finally {
      await admin.disconnect()
    }
  }
}
