// Ingests records into the master dataset without Kafka: each record goes to
// the partition Kafka would give its key and gets that partition's next offset,
// then the same PartitionWriter as `pulse ingest` validates, dedupes and writes
// it. Benchmarks and tests use it to build a master dataset of millions of
// events in seconds; the layout and files are those of a Kafka ingestion.
import type { ObjectStore } from '../store/object-store.js'
import { TOPICS } from '../events/contract.js'
import type { Topic } from '../events/contract.js'
import { EventValidator } from '../events/validate.js'
import { partitionFor } from '../kafka/partitioner.js'
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
  const writers = new Map<string, PartitionWriter>()
  const offsets = new Map<string, number>()
  const validator = new EventValidator()
  const writerFor = (topic: Topic, partition: number): PartitionWriter => {
    const id = `${topic}/${partition}`
    let w = writers.get(id)
    if (w === undefined) {
      w = new PartitionWriter(topic, topic, partition, store, { prefix: o.prefix, dedupeWindow: o.dedupeWindow, persistedIds: 0 }, counters)
      writers.set(id, w)
    }
    return w
  }
  for (const r of records) {
    if (!(TOPICS as readonly string[]).includes(r.topic)) continue
    const topic = r.topic as Topic
    const partition = r.key === null ? 0 : partitionFor(r.key, o.partitions)
    const id = `${topic}/${partition}`
    const offset = offsets.get(id) ?? 0
    offsets.set(id, offset + 1)
    const w = writerFor(topic, partition)
    if (validator.check(topic, r.value)) w.addValid(validator.event, validator.eventTime, offset)
    else w.addInvalid(offset, r.key, Buffer.from(r.value), validator.reason)
    if (w.buffered >= o.flushEvery) await w.flush()
  }
  for (const w of writers.values()) await w.flush()
  return counters
}
