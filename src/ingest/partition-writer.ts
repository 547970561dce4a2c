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
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import { EventColumns } from './columns.js'
import { encodeParquet } from './parquet.js'
import { deadLetterKey, intentKey, manifestKey, masterKey, rangeName } from './layout.js'
import { HOUR } from '../events/time.js'
import { RecentIds } from '../events/recent-ids.js'

export interface Manifest {
  nextOffset: number
  /** event ids of the most recent valid records, oldest first */
  recentIds: string[]
  updatedAt: string
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

export interface WriterOptions {
  /** Store key prefix (for tests and multi-tenant buckets). */
  prefix: string
  /** Event ids remembered per partition for dedupe. */
  dedupeWindow: number
  /** Of those, how many are carried across restarts in the manifest. */
  persistedIds: number
}

export class PartitionWriter {
  /** First offset not yet durable in the store. */
  nextOffset = 0
  private first = -1
  private last = -1
  private buckets = new Map<number, EventColumns>() // hour start (ms) → columns
  private deadLetters: string[] = []
  private recent: RecentIds
  bufferedSince = 0
  buffered = 0

  constructor(
    readonly topic: Topic,
    readonly physicalTopic: string,
    readonly partition: number,
    private readonly store: ObjectStore,
    private readonly options: WriterOptions,
    private readonly counters: IngestCounters,
  ) {
    this.recent = new RecentIds(options.dedupeWindow)
  }

  /** Loads the manifest, removes the objects of an unfinished flush; returns where to resume. */
  async recover(): Promise<number> {
    const { prefix } = this.options
    const raw = await this.store.tryGet(manifestKey(prefix, this.physicalTopic, this.partition))
    const manifest: Manifest | undefined = raw === undefined ? undefined : JSON.parse(raw.toString())
    this.nextOffset = manifest?.nextOffset ?? 0
    for (const id of manifest?.recentIds ?? []) this.recent.add(id)
    const intentRaw = await this.store.tryGet(intentKey(prefix, this.physicalTopic, this.partition))
    if (intentRaw !== undefined) {
      const intent: Intent = JSON.parse(intentRaw.toString())
      if (intent.from >= this.nextOffset) await Promise.all(intent.keys.map((k) => this.store.delete(k)))
    }
    return this.nextOffset
  }

  /** Highest offset handed to a flush that may still be writing. */
  private detachedUpTo = -1

  /** True when `offset` is durable, being written, or buffered (a redelivery to skip). */
  isDone(offset: number): boolean {
    return offset < this.nextOffset || offset <= this.last || offset <= this.detachedUpTo
  }

  private touch(offset: number): void {
    if (this.first < 0) {
      this.first = offset
      this.bufferedSince = Date.now()
    }
    this.last = offset
    this.buffered++
  }

  /** A valid event; false when its event_id was seen within the dedupe window. */
  addValid(event: Readonly<Record<string, unknown>>, time: number, offset: number): boolean {
    this.touch(offset)
    const id = event.event_id as string
    if (this.recent.has(id)) {
      this.counters.duplicates++
      return false
    }
    this.recent.add(id)
    const hour = time - (time % HOUR)
    let cols = this.buckets.get(hour)
    if (cols === undefined) this.buckets.set(hour, (cols = new EventColumns(this.topic, 4096)))
    cols.append(event, time, this.partition, offset)
    this.counters.valid++
    return true
  }

  addInvalid(offset: number, key: string | null, value: Buffer, reason: string): void {
    this.touch(offset)
    this.deadLetters.push(
      JSON.stringify({
        topic: this.physicalTopic,
        partition: this.partition,
        offset,
        key,
        reason,
        ingested_at: new Date().toISOString(),
        value: value.toString('utf8'),
        value_base64: value.toString('base64'),
      }),
    )
    this.counters.invalid++
  }

  /**
   * Takes what is buffered as a flush job and starts new buffers, so consuming
   * goes on while the job is written. Undefined when nothing is buffered.
   */
  detach(): FlushJob | undefined {
    if (this.first < 0) return undefined
    const job: FlushJob = {
      first: this.first,
      last: this.last,
      buckets: this.buckets,
      deadLetters: this.deadLetters,
      recentIds: this.recent.last(this.options.persistedIds),
    }
    this.detachedUpTo = this.last
    this.first = -1
    this.last = -1
    this.buffered = 0
    this.buckets = new Map()
    this.deadLetters = []
    return job
  }

  /** Writes a job (intent, files, manifest); returns the offset to commit. Jobs of a partition are written in order. */
  async write(job: FlushJob): Promise<number> {
    const { prefix } = this.options
    const range = rangeName(this.partition, job.first, job.last)
    const files: Array<[string, Uint8Array | string]> = []
    for (const [hour, cols] of job.buckets) files.push([masterKey(prefix, this.physicalTopic, hour, range), encodeParquet(cols.toTable())])
    if (job.deadLetters.length > 0) files.push([deadLetterKey(prefix, this.physicalTopic, Date.now(), range), job.deadLetters.join('\n') + '\n'])
    const intent: Intent = { from: job.first, to: job.last, keys: files.map(([k]) => k) }
    await this.store.put(intentKey(prefix, this.physicalTopic, this.partition), JSON.stringify(intent))
    await Promise.all(files.map(([k, body]) => this.store.put(k, body)))
    const next = job.last + 1
    const manifest: Manifest = { nextOffset: next, recentIds: job.recentIds, updatedAt: new Date().toISOString() }
    await this.store.put(manifestKey(prefix, this.physicalTopic, this.partition), JSON.stringify(manifest))
    this.counters.files += files.length
    this.counters.bytes += files.reduce((s, [, b]) => s + (typeof b === 'string' ? Buffer.byteLength(b) : b.length), 0)
    this.counters.flushes++
    this.nextOffset = next
    return next
  }

  /** detach + write: makes everything buffered durable. */
  async flush(): Promise<number | undefined> {
    const job = this.detach()
    return job === undefined ? undefined : this.write(job)
  }
}

export interface FlushJob {
  first: number
  last: number
  buckets: Map<number, EventColumns>
  deadLetters: string[]
  recentIds: string[]
}
