// Ingests records into the master dataset without Kafka: each record goes to
// the partition Kafka would give its key and gets that partition's next offset,
// then the same PartitionBuffer and PartitionWriter as `pulse ingest` validate,
// dedupe, encode and write it (here on the calling thread). Benchmarks and tests
// use it to build a master dataset of millions of events in seconds; the layout
// and files are those of a Kafka ingestion.
import type { ObjectStore } from '../store/object-store.js'
import { TOPICS } from '../events/contract.js'
import type { Topic } from '../events/contract.js'
import { partitionFor } from '../kafka/partitioner.js'
import { packRecords } from '../../actors/record-batch.js'
import type { RawRecord } from '../../actors/record-batch.js'
import { PartitionBuffer } from './partition-buffer.js'
import { PartitionWriter } from './partition-writer.js'
import type { IngestCounters } from './partition-writer.js'

export interface DirectLoadOptions {
  partitions: number
  prefix: string
  /** Records buffered per partition before a flush (one file per event-time hour). */
  flushEvery: number
  dedupeWindow: number
}

export const DEFAULT_DIRECT_LOAD: DirectLoadOptions = { partitions: 4, prefix: '', flushEvery: 200_000, dedupeWindow: 100_000 }

export interface LoadRecord {
  topic: string
  key: string | null
  value: string
}

export async function loadDirect(
  store: ObjectStore,
  records: Iterable<LoadRecord>,
  options: Partial<DirectLoadOptions> = {},
): Promise<IngestCounters> {
  const o = { ...DEFAULT_DIRECT_LOAD, ...options }
  const counters: IngestCounters = { valid: 0, invalid: 0, duplicates: 0, files: 0, bytes: 0, flushes: 0 }
  interface Lane {
    buffer: PartitionBuffer
    writer: PartitionWriter
    pending: RawRecord[]
    nextOffset: number
  }
  const lanes = new Map<string, Lane>()
  const laneFor = (topic: Topic, partition: number): Lane => {
    const id = `${topic}/${partition}`
    let lane = lanes.get(id)
    if (lane === undefined) {
      const options = { prefix: o.prefix, dedupeWindow: o.dedupeWindow, persistedIds: 0 }
      lane = {
        buffer: new PartitionBuffer(topic, topic, partition, options, []),
        writer: new PartitionWriter(topic, topic, partition, store, options, counters),
        pending: [],
        nextOffset: 0,
      }
      lanes.set(id, lane)
    }
    return lane
  }
  const flush = async (lane: Lane): Promise<void> => {
    const { pending, buffer, writer } = lane
    if (pending.length === 0) return
    const counts = buffer.append(packRecords(buffer.topic, buffer.partition, pending, true))
    counters.valid += counts.valid
    counters.invalid += counts.invalid
    counters.duplicates += counts.duplicates
    writer.took(Number(pending[0]!.offset), Number(pending[pending.length - 1]!.offset), pending.length)
    lane.pending = []
    const range = writer.detach()!
    await writer.write(range, await buffer.flush())
  }
  for (const r of records) {
    if (!(TOPICS as readonly string[]).includes(r.topic)) continue
    const partition = r.key === null ? 0 : partitionFor(r.key, o.partitions)
    const lane = laneFor(r.topic as Topic, partition)
    lane.pending.push({ value: r.value, key: r.key, offset: lane.nextOffset++ })
    if (lane.pending.length >= o.flushEvery) await flush(lane)
  }
  for (const lane of lanes.values()) await flush(lane)
  return counters
}
