// One Kafka partition's path into the store, exactly once. A flush:
//   1. writes an intent naming the objects it is about to write,
//   2. writes the Parquet files (one per event-time hour) and the dead letters,
//      named after the partition and the offset range they cover,
//   3. writes the partition's manifest: the next offset to ingest and the
//      event ids of the last records (the dedupe window carried across restarts),
//   4. only then lets the caller commit the offset to Kafka.
// The manifest is the truth: on start the owner resumes at its nextOffset, and
// deletes the objects of an intent that never reached the manifest (a crash
// between 1 and 3). Kafka's committed offset is only a hint.
//
// This half runs on the consumer thread and tracks offsets only; the records
// themselves are validated, buffered and encoded on an ingest worker
// (partition-buffer.ts), which hands back the encoded flush to write here.
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import { deadLetterKey, intentKey, manifestKey, masterKey, rangeName } from './layout.js'
import type { BufferOptions, EncodedFlush } from './partition-buffer.js'

export interface Manifest {
  nextOffset: number
  /** event ids of the most recent valid records, oldest first */
  recentIds: string[]
  /**
   * The latest event time stored from this partition (epoch ms); null before
   * its first valid event, absent in manifests written before it was kept.
   * Batch runs beside a speed layer bound their cutoff by it (batch/reconcile.ts).
   */
  maxTime?: number | null
  updatedAt: string
}

/** A partition's manifest; undefined before its first flush. */
export async function readManifest(store: ObjectStore, prefix: string, physicalTopic: string, partition: number): Promise<Manifest | undefined> {
  const raw = await store.tryGet(manifestKey(prefix, physicalTopic, partition))
  return raw === undefined ? undefined : (JSON.parse(raw.toString()) as Manifest)
}

interface Intent {
  from: number
  to: number
  keys: string[]
}

export interface IngestCounters {
  valid: number
  invalid: number
  duplicates: number
  files: number
  bytes: number
  flushes: number
}

export interface WriterOptions extends BufferOptions {
  /** Store key prefix (for tests and multi-tenant buckets). */
  prefix: string
}

/** The offsets a flush covers. */
export interface FlushRange {
  first: number
  last: number
}

export class PartitionWriter {
  /** First offset not yet durable in the store. */
  nextOffset = 0
  private first = -1
  private last = -1
  /** Highest offset handed to a flush that may still be writing. */
  private detachedUpTo = -1
  /** The latest event time stored (see Manifest.maxTime). */
  private maxTime: number | null = null
  bufferedSince = 0
  /** Records sent to the worker since the last flush (valid, invalid and duplicates). */
  buffered = 0

  constructor(
    readonly topic: Topic,
    readonly physicalTopic: string,
    readonly partition: number,
    private readonly store: ObjectStore,
    private readonly options: WriterOptions,
    private readonly counters: IngestCounters,
  ) {}

  /** Loads the manifest, removes the objects of an unfinished flush; returns where to resume and the remembered ids. */
  async recover(): Promise<{ nextOffset: number; recentIds: string[] }> {
    const { prefix } = this.options
    const manifest = await readManifest(this.store, prefix, this.physicalTopic, this.partition)
    this.nextOffset = manifest?.nextOffset ?? 0
    this.maxTime = manifest?.maxTime ?? null
    const intentRaw = await this.store.tryGet(intentKey(prefix, this.physicalTopic, this.partition))
    if (intentRaw !== undefined) {
      const intent: Intent = JSON.parse(intentRaw.toString())
      if (intent.from >= this.nextOffset) await Promise.all(intent.keys.map((k) => this.store.delete(k)))
    }
    return { nextOffset: this.nextOffset, recentIds: manifest?.recentIds ?? [] }
  }

  /** Offsets up to this one are durable, being written, or sent to the worker: a redelivery to skip. */
  get doneUpTo(): number {
    return Math.max(this.nextOffset - 1, this.last, this.detachedUpTo)
  }

  /** Notes that the records `first`..`last` (`count` of them, in order) went to the worker. */
  took(first: number, last: number, count: number): void {
    if (this.first < 0) {
      this.first = first
      this.bufferedSince = Date.now()
    }
    this.last = last
    this.buffered += count
  }

  /** Closes the range sent so far as a flush; undefined when nothing was sent since the last one. */
  detach(): FlushRange | undefined {
    if (this.first < 0) return undefined
    const range = { first: this.first, last: this.last }
    this.detachedUpTo = this.last
    this.first = -1
    this.last = -1
    this.buffered = 0
    return range
  }

  /** Writes an encoded flush (intent, files, manifest); returns the offset to commit. Flushes of a partition are written in order. */
  async write(range: FlushRange, encoded: EncodedFlush): Promise<number> {
    const { prefix } = this.options
    const name = rangeName(this.partition, range.first, range.last)
    const files: Array<[string, Uint8Array | string]> = encoded.files.map((f) => [masterKey(prefix, this.physicalTopic, f.hour, name), f.parquet])
    if (encoded.deadLetters.length > 0) files.push([deadLetterKey(prefix, this.physicalTopic, Date.now(), name), encoded.deadLetters])
    const intent: Intent = { from: range.first, to: range.last, keys: files.map(([k]) => k) }
    await this.store.put(intentKey(prefix, this.physicalTopic, this.partition), JSON.stringify(intent))
    await Promise.all(files.map(([k, body]) => this.store.put(k, body)))
    const next = range.last + 1
    const maxTime = encoded.maxTime === null ? this.maxTime : Math.max(this.maxTime ?? -Infinity, encoded.maxTime)
    const manifest: Manifest = { nextOffset: next, recentIds: encoded.recentIds, maxTime, updatedAt: new Date().toISOString() }
    await this.store.put(manifestKey(prefix, this.physicalTopic, this.partition), JSON.stringify(manifest))
    this.counters.files += files.length
    this.counters.bytes += files.reduce((s, [, b]) => s + (typeof b === 'string' ? Buffer.byteLength(b) : b.length), 0)
    this.counters.flushes++
    this.nextOffset = next
    this.maxTime = maxTime
    return next
  }
}
