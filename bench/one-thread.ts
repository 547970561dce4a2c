// The actors of every partition on the calling thread, each fed its records in
// offset order (partitioned by key as the producer does): the speed bench's
// peer without workers, and the state the snapshot bench writes.
import type { GeneratedRecord } from '../src/generator/generator.js'
import { partitionFor } from '../src/kafka/partitioner.js'
import { PartitionActor } from '../actors/partition-actor.js'

export function applyOnOneThread(records: readonly GeneratedRecord[], partitions: number): Map<string, PartitionActor> {
  const actors = new Map<string, PartitionActor>()
  const offsets = new Map<string, number>()
  for (const r of records) {
    const p = partitionFor(r.key, partitions)
    const id = `${r.topic}/${p}`
    let a = actors.get(id)
    if (a === undefined) actors.set(id, (a = new PartitionActor(r.topic, p)))
    const o = offsets.get(id) ?? 0
    offsets.set(id, o + 1)
    a.apply(r.value, o)
  }
  return actors
}
