// The embedded pipeline's ingestion: the group `pulse-ingest` of the in-process
// log into the master dataset, one InlinePartition per log partition, with the
// same flush policy as the Kafka ingester (every `flushEvents` records of a
// partition, or when its oldest pending record is `flushMs` old). Each
// partition resumes at its manifest's offset; stop() flushes what is pending.
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import type { InProcessLog, LogConsumer } from '../sources/in-process-log.js'
import { InlinePartition } from './inline-partition.js'
import type { IngestCounters } from './partition-writer.js'
import { DEFAULT_INGEST_OPTIONS } from './ingester.js'

export interface EmbeddedIngestOptions {
  prefix: string
  flushEvents: number
  flushMs: number
  dedupeWindow: number
  persistedIds: number
}

export const DEFAULT_EMBEDDED_INGEST: EmbeddedIngestOptions = {
  prefix: '',
  flushEvents: DEFAULT_INGEST_OPTIONS.flushEvents,
  flushMs: DEFAULT_INGEST_OPTIONS.flushMs,
  dedupeWindow: DEFAULT_INGEST_OPTIONS.dedupeWindow,
  persistedIds: DEFAULT_INGEST_OPTIONS.persistedIds,
}

export class EmbeddedIngester {
  readonly counters: IngestCounters = { valid: 0, invalid: 0, duplicates: 0, files: 0, bytes: 0, flushes: 0 }
  readonly options: EmbeddedIngestOptions
  private readonly lanes = new Map<string, InlinePartition>()
  private consumer: LogConsumer | undefined
  private loop: Promise<void> | undefined
  private stopping = false
  failure: Error | undefined

  constructor(
    private readonly store: ObjectStore,
    options: Partial<EmbeddedIngestOptions> = {},
  ) {
    this.options = { ...DEFAULT_EMBEDDED_INGEST, ...options }
  }

  /** Reads every partition's manifest; returns where each resumes (`topic/partition` → offset). */
  async recover(topics: readonly string[], partitions: number): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const { prefix, dedupeWindow, persistedIds } = this.options
    for (const topic of topics) {
      for (let p = 0; p < partitions; p++) {
        const lane = new InlinePartition(topic as Topic, p, this.store, { prefix, dedupeWindow, persistedIds }, this.counters)
        this.lanes.set(`${topic}/${p}`, lane)
        out.set(`${topic}/${p}`, await lane.recover())
      }
    }
    return out
  }

  /** Subscribes and consumes until stop(); call recover() first. */
  start(log: InProcessLog, resumeAt: ReadonlyMap<string, number>): void {
    const consumer = log.subscribe('pulse-ingest')
    for (const [id, offset] of resumeAt) {
      const [topic, p] = id.split('/') as [string, string]
      consumer.seek(topic, Number(p), offset)
    }
    this.consumer = consumer
    this.loop = this.consume(consumer).catch((err: unknown) => {
      this.failure = err as Error
    })
  }

  private async consume(consumer: LogConsumer): Promise<void> {
    const { flushEvents, flushMs } = this.options
    while (!this.stopping) {
      const records = await consumer.poll(4096, 200)
      for (const r of records) {
        const lane = this.lanes.get(`${r.topic}/${r.partition}`)!
        lane.add(r)
        if (lane.pendingCount >= flushEvents) await lane.flush()
      }
      const now = Date.now()
      for (const lane of this.lanes.values()) if (lane.pendingSince > 0 && now - lane.pendingSince >= flushMs) await lane.flush()
    }
  }

  /** Records appended to the log and not yet taken by ingestion. */
  lag(): number {
    return this.consumer?.lag() ?? 0
  }

  /** Stops consuming and makes everything taken durable. */
  async stop(): Promise<void> {
    this.stopping = true
    await this.loop
    if (this.failure !== undefined) throw this.failure
    for (const lane of this.lanes.values()) await lane.flush()
  }
}
