// Kafka → master dataset. A consumer group over the six topics; each assigned
// partition has a PartitionWriter (offsets and writes, on this thread) and a
// PartitionBuffer on an ingest worker (validation, columns, Parquet encoding).
// This thread only fetches, packs each batch's raw bytes into one transferred
// buffer, and writes the encoded flushes to the store. Offsets are committed by
// hand, after the writer has made the range durable (see partition-writer.ts).
// On assignment a partition resumes from its manifest, not from Kafka's
// committed offset. Flushing: when a partition has buffered `flushEvents`
// records, or its oldest buffered record is `flushMs` old (a timer covers quiet
// partitions).
import { availableParallelism } from 'node:os'
import type { KafkaMessage } from 'kafkajs'
import type { Consumer, Kafka } from '../kafka/client.js'
import { physicalTopics } from '../kafka/client.js'
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import { packRecords, transferList } from '../../actors/record-batch.js'
import { PartitionWriter, readManifest } from './partition-writer.js'
import type { IngestCounters, WriterOptions } from './partition-writer.js'
import type { AppendCounts, EncodedFlush } from './partition-buffer.js'
import { IngestWorkers } from './ingest-workers.js'

export interface IngestOptions extends WriterOptions {
  groupId: string
  topicPrefix: string
  flushEvents: number
  flushMs: number
  /** Worker threads validating and encoding (partitions are spread over them). */
  workers: number
  /** Raw bytes queued per worker before fetching waits. */
  maxQueuedBytes: number
  /** Kafka fetch sizes (a whole fetch, and each partition's share of it). */
  fetchMaxBytes: number
  fetchMaxBytesPerPartition: number
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  groupId: 'pulse-ingest',
  topicPrefix: '',
  prefix: '',
  flushEvents: 200_000,
  flushMs: 10_000,
  dedupeWindow: 100_000,
  persistedIds: 2_000,
  workers: Math.max(1, Math.min(4, availableParallelism())),
  maxQueuedBytes: 64 << 20,
  fetchMaxBytes: 32 << 20,
  fetchMaxBytesPerPartition: 8 << 20,
}

export class Ingester {
  readonly counters: IngestCounters = { valid: 0, invalid: 0, duplicates: 0, files: 0, bytes: 0, flushes: 0 }
  private readonly options: IngestOptions
  private readonly writers = new Map<string, PartitionWriter>()
  /** Serializes work per partition: batches and detaching flushes never overlap. */
  private readonly chains = new Map<string, Promise<unknown>>()
  /** Per partition, the flush being encoded and written (one at a time, in offset order). */
  private readonly writing = new Map<string, Promise<unknown>>()
  /** Appends sent to the workers and not yet counted. */
  private readonly appending = new Set<Promise<unknown>>()
  private consumer: Consumer | undefined
  private workers: IngestWorkers | undefined
  private timer: NodeJS.Timeout | undefined

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
    this.workers = new IngestWorkers(this.options.workers, this.options.maxQueuedBytes)
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      maxBytes: this.options.fetchMaxBytes,
      maxBytesPerPartition: this.options.fetchMaxBytesPerPartition,
      // an empty fetch waits this long on the broker, and stop() waits for it
      maxWaitTimeInMs: 200,
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
          const messages = batch.messages
          const w = await this.writerFor(batch.topic, batch.partition, messages, Number(batch.highWatermark))
          // a new owner whose manifest's offset is not in this batch has sought to it:
          // the seek delivers the right records next
          if (w === undefined || !isRunning() || isStale() || messages.length === 0) return
          await this.send(id, w, messages)
          // moves the fetch position only; the commit waits for the flush
          resolveOffset(messages[messages.length - 1]!.offset)
          if (w.buffered >= this.options.flushEvents) await this.flush(w)
        })
        await heartbeat()
      },
    })
    this.timer = setInterval(() => void this.flushAged(), Math.max(250, this.options.flushMs / 4))
  }

  /** Packs the records not yet done into one buffer and hands it to the partition's worker. */
  private async send(id: string, w: PartitionWriter, messages: KafkaMessage[]): Promise<void> {
    // offsets rise within a batch: a redelivery is a prefix
    const done = w.doneUpTo
    let from = 0
    while (from < messages.length && Number(messages[from]!.offset) <= done) from++
    if (from === messages.length) return
    const records = from === 0 ? messages : messages.slice(from)
    await this.workers!.room(id)
    const batch = packRecords(w.physicalTopic, w.partition, records, true)
    w.took(batch.offsets[0]!, batch.offsets[records.length - 1]!, records.length)
    const counted = this.workers!.run<AppendCounts>({ op: 'append', id, batch }, transferList(batch), batch.data.byteLength).then((n) => {
      this.counters.valid += n.valid
      this.counters.invalid += n.invalid
      this.counters.duplicates += n.duplicates
    })
    const tracked = counted.catch((err) => this.fail(err)).finally(() => this.appending.delete(tracked))
    this.appending.add(tracked)
  }

  /**
   * The partition's writer. On first sight it recovers from the manifest and
   * places the partition on a worker; when this batch does not hold the
   * manifest's next offset it seeks there and returns undefined.
   */
  private async writerFor(physical: string, partition: number, messages: KafkaMessage[], highWatermark: number): Promise<PartitionWriter | undefined> {
    const id = `${physical}/${partition}`
    const known = this.writers.get(id)
    if (known !== undefined) return known
    const topic = this.logical(physical)
    const writer = new PartitionWriter(topic, physical, partition, this.store, this.options, this.counters)
    const { nextOffset, recentIds } = await writer.recover()
    const first = messages.length > 0 ? Number(messages[0]!.offset) : -1
    const last = messages.length > 0 ? Number(messages[messages.length - 1]!.offset) : -1
    // the backlog stands for the partition's share of the work
    this.workers!.place(id, Math.max(messages.length, highWatermark - Math.max(0, first)))
    const { dedupeWindow, persistedIds } = this.options
    await this.workers!.run({ op: 'open', id, topic, physicalTopic: physical, partition, options: { dedupeWindow, persistedIds }, recentIds })
    this.writers.set(id, writer)
    if (first <= nextOffset && nextOffset <= last) return writer
    this.consumer!.seek({ topic: physical, partition, offset: String(nextOffset) })
    return undefined
  }

  /**
   * New assignment: forget revoked partitions (their buffered records were never
   * committed; the new owner replays them from the manifest). Newly owned ones
   * recover on their first batch, once the consumer runs and can seek.
   */
  private onAssignment(assignment: Record<string, number[]>): void {
    const owned = new Set<string>()
    for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) owned.add(`${topic}/${p}`)
    for (const id of [...this.writers.keys()]) {
      if (owned.has(id)) continue
      this.writers.delete(id)
      this.workers!.run({ op: 'close', id }).catch((err) => this.fail(err))
    }
  }

  /**
   * Closes the partition's range and has its worker encode it, then writes it in
   * the background, so the consumer keeps fetching meanwhile. At most one flush
   * per partition is in flight: a second one waits for the first (backpressure).
   */
  private async flush(w: PartitionWriter): Promise<void> {
    const id = `${w.physicalTopic}/${w.partition}`
    await this.writing.get(id)
    const range = w.detach()
    if (range === undefined) return
    const consumer = this.consumer!
    const done = this.workers!
      .run<EncodedFlush>({ op: 'flush', id })
      .then((encoded) => w.write(range, encoded))
      // the manifest is the truth (a new owner seeks to it); a commit refused in a rebalance is only a missed hint
      .then((next) => consumer.commitOffsets([{ topic: w.physicalTopic, partition: w.partition, offset: String(next) }]).catch(() => undefined))
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
    await Promise.all([...this.appending, ...this.writing.values()])
    await consumer.stop()
    await consumer.disconnect()
    this.consumer = undefined
    await this.workers?.close()
  }

  private async manifestOffset(physical: string, partition: number): Promise<number> {
    return (await readManifest(this.store, this.options.prefix, physical, partition))?.nextOffset ?? 0
  }

  /** Leaves the group without flushing (after a failure: the uncommitted range is replayed by the next owner). */
  async abort(): Promise<void> {
    clearInterval(this.timer)
    await this.consumer?.disconnect()
    this.consumer = undefined
    await this.workers?.close()
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
