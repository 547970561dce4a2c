// One partition's ingestion on the calling thread: the same PartitionBuffer
// (validate, dedupe, columns, Parquet) and PartitionWriter (intent, files,
// manifest) as the Kafka ingester, without the worker threads. For the embedded
// pipeline's modest rates and for building datasets directly (direct-load.ts).
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import { packRecords } from '../../actors/record-batch.js'
import type { RawRecord } from '../../actors/record-batch.js'
import { PartitionBuffer } from './partition-buffer.js'
import { PartitionWriter } from './partition-writer.js'
import type { IngestCounters, WriterOptions } from './partition-writer.js'

export class InlinePartition {
  private buffer: PartitionBuffer
  private readonly writer: PartitionWriter
  private pending: RawRecord[] = []
  /** When the oldest pending record arrived (ms), 0 when none is pending. */
  pendingSince = 0

  constructor(
    readonly topic: Topic,
    readonly partition: number,
    store: ObjectStore,
    private readonly options: WriterOptions,
    private readonly counters: IngestCounters,
  ) {
    this.buffer = new PartitionBuffer(topic, topic, partition, options, [])
    this.writer = new PartitionWriter(topic, topic, partition, store, options, counters)
  }

  /** Resumes from the partition's manifest (clearing an unfinished flush); returns the next offset to ingest. */
  async recover(): Promise<number> {
    const { nextOffset, recentIds } = await this.writer.recover()
    this.buffer = new PartitionBuffer(this.topic, this.topic, this.partition, this.options, recentIds)
    return nextOffset
  }

  get pendingCount(): number {
    return this.pending.length
  }

  /** Queues a record; records must come in offset order. */
  add(record: RawRecord): void {
    if (this.pending.length === 0) this.pendingSince = Date.now()
    this.pending.push(record)
  }

  /** Validates, encodes and writes everything queued; resolves once it is durable. */
  async flush(): Promise<void> {
    const pending = this.pending
    if (pending.length === 0) return
    this.pending = []
    this.pendingSince = 0
    const counts = this.buffer.append(packRecords(this.topic, this.partition, pending, true))
    this.counters.valid += counts.valid
    this.counters.invalid += counts.invalid
    this.counters.duplicates += counts.duplicates
    this.writer.took(Number(pending[0]!.offset), Number(pending[pending.length - 1]!.offset), pending.length)
    await this.writer.write(this.writer.detach()!, await this.buffer.flush())
  }
}
