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

/** Actors that keep their state (and offsets) from one `apply` to the next. */
export class OneThreadActors {
  readonly actors = new Map<string, PartitionActor>()
  private readonly scanner = new RecordScanner()

  constructor(readonly partitions: number) {}

  /** Applies records after those of earlier calls, as a worker would. */
  apply(records: readonly GeneratedRecord[]): void {
    const pending = new Map<string, { topic: string; partition: number; records: RawRecord[] }>()
    for (const r of records) {
      const p = partitionFor(r.key, this.partitions)
      const id = `${r.topic}/${p}`
      let q = pending.get(id)
      if (q === undefined) pending.set(id, (q = { topic: r.topic, partition: p, records: [] }))
      q.records.push({ value: r.value, offset: (this.actors.get(id)?.nextOffset ?? 0) + q.records.length })
    }
    const now = Date.now()
    for (const [id, q] of pending) {
      let a = this.actors.get(id)
      if (a === undefined) this.actors.set(id, (a = new PartitionActor(q.topic, q.partition)))
      for (let from = 0; from < q.records.length; from += BATCH) {
        const b = packRecords(q.topic, q.partition, q.records.slice(from, from + BATCH))
        this.scanner.applyBatch(a, b, 0, b.ends.length, now)
      }
    }
  }
}

export function applyOnOneThread(records: readonly GeneratedRecord[], partitions: number): Map<string, PartitionActor> {
  const one = new OneThreadActors(partitions)
  one.apply(records)
  return one.actors
}
