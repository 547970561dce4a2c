// Ingests records into the master dataset without Kafka: each record goes to
// the partition Kafka would give its key and gets that partition's next offset,
// then the same PartitionBuffer and PartitionWriter as `pulse ingest` validate,
// dedupe, encode and write it (inline-partition.ts). Benchmarks and tests
// use it to build a master dataset of millions of events in seconds; the layout
// and files are those of a Kafka ingestion.
import type { ObjectStore } from '../store/object-store.js'
import { TOPICS } from '../events/contract.js'
import type { Topic } from '../events/contract.js'
import { partitionFor } from '../kafka/partitioner.js'
import { InlinePartition } from './inline-partition.js'
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
  const lanes = new Map<string, { lane: InlinePartition; next: number }>()
  for (const r of records) {
    if (!(TOPICS as readonly string[]).includes(r.topic)) continue
    const partition = r.key === null ? 0 : partitionFor(r.key, o.partitions)
    const id = `${r.topic}/${partition}`
    let l = lanes.get(id)
    if (l === undefined) {
      const options = { prefix: o.prefix, dedupeWindow: o.dedupeWindow, persistedIds: 0 }
      lanes.set(id, (l = { lane: new InlinePartition(r.topic as Topic, partition, store, options, counters), next: 0 }))
    }
    l.lane.add({ value: r.value, key: r.key, offset: l.next++ })
    if (l.lane.pendingCount >= o.flushEvery) await l.lane.flush()
  }
  for (const { lane } of lanes.values()) await lane.flush()
  return counters
}
