// Where a replay sends records, with the speed layer that measures them: the
// replay runs its own speed layer (all 62 views, worker threads) consuming what
// it sends, so it can tell when each sent batch becomes visible to a query.
import type { SpeedLayer } from '../../actors/speed-layer.js'

/** A record as replayed: the record-file shape, the value being the raw record text. */
export interface ReplayRecord {
  topic: string
  key: string
  value: string
}

/** One acknowledged send: when, how many records, and the last offset it wrote in each partition. */
export interface SentBatch {
  /** performance.now() when the target acknowledged it */
  at: number
  records: number
  /** `topic/partition` (contract topic name) → offset of the batch's last record there */
  last: Map<string, number>
}

export interface ReplayTarget {
  readonly name: string
  readonly layer: SpeedLayer
  /** Sends at most this many batches at once. */
  readonly concurrency: number
  /** `topic/partition` → the partition's end offset when the replay began (its speed layer starts there). */
  readonly startOffsets: ReadonlyMap<string, number>
  /** Creates what is missing and starts the speed layer; resolves once every partition has its actor. */
  open(): Promise<void>
  /** Whether the target has the topic (the six contract topics). */
  accepts(topic: string): boolean
  send(records: readonly ReplayRecord[]): Promise<SentBatch>
  /** `topic/partition` → current end offset (what consumer lag is measured against). */
  endOffsets(): Promise<Map<string, number>>
  /** Stops the speed layer (no snapshot: its state is the replay's own) and disconnects. */
  close(): Promise<void>
}

/** Waits until the layer has an actor for each of `partitions` partitions. */
export async function untilOpen(layer: SpeedLayer, partitions: number, timeoutMs: number, what: () => Error): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while ((await layer.stats()).length < partitions) {
    if (layer.failure !== undefined) throw layer.failure
    if (performance.now() > deadline) throw what()
    await new Promise((r) => setTimeout(r, 50))
  }
}
