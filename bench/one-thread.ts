// The actors of every partition on the calling thread, each fed its records in
// offset order (partitioned by key as the producer does) and in batches, as a
// worker gets them: the speed bench's peer without workers, and the state the
// snapshot bench writes.
import type { GeneratedRecord } from '../src/generator/generator.js'
import { partitionFor } from '../src/kafka/partitioner.js'
import { PartitionActor } from '../actors/partition-actor.js'
import { packRecords } from '../actors/record-batch.js'
import type { RawRecord } from '../actors/record-batch.js'
import { RecordScanner } from '../actors/record-scan.js'

const BATCH = 2048

export function applyOnOneThread(records: readonly GeneratedRecord[], partitions: number): Map<string, PartitionActor> {
  const pending = new Map<string, { topic: string; partition: number; records: RawRecord[] }>()
  for (const r of records) {
    const p = partitionFor(r.key, partitions)
    const id = `${r.topic}/${p}`
    let q = pending.get(id)
    if (q === undefined) pending.set(id, (q = { topic: r.topic, partition: p, records: [] }))
    q.records.push({ value: r.value, offset: q.records.length })
  }
  const actors = new Map<string, PartitionActor>()
  const scanner = new RecordScanner()
  const now = Date.now()
  for (const [id, q] of pending) {
    const a = new PartitionActor(q.topic, q.partition)
    actors.set(id, a)
    for (let from = 0; from < q.records.length; from += BATCH) {
      const b = packRecords(q.topic, q.partition, q.records.slice(from, from + BATCH))
      scanner.applyBatch(a, b, 0, b.ends.length, now)
    }
  }
  return actors
}
