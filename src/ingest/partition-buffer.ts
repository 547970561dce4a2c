// The CPU-heavy half of a partition's ingestion, run on an ingest worker
// thread: validates raw records, drops event ids seen within the dedupe window,
// builds each event-time hour's columns and the dead letters, and encodes them
// to Parquet. An hour's rows go to its Parquet stream in chunks as they come,
// so most encoding happens between batches, not all at once when the flush is
// due. Offsets, durability and object names stay with the consumer thread's
// PartitionWriter.
import type { Topic } from '../events/contract.js'
import { EventValidator } from '../events/validate.js'
import { RecentIds } from '../events/recent-ids.js'
import { HOUR } from '../events/time.js'
import { forEachRecord, keyAt, valueAt } from '../../actors/record-batch.js'
import type { RecordBatch } from '../../actors/record-batch.js'
import { EventColumns } from './columns.js'
import { ParquetStream, encodeParquet } from './parquet.js'

export interface BufferOptions {
  /** Event ids remembered per partition for dedupe. */
  dedupeWindow: number
  /** Of those, how many are carried across restarts in the manifest. */
  persistedIds: number
}

/** What one appended batch turned into. */
export interface AppendCounts {
  valid: number
  invalid: number
  duplicates: number
}

/** A flush's contents, encoded: one Parquet file per event-time hour, the dead letters as NDJSON. */
export interface EncodedFlush {
  files: Array<{ hour: number; parquet: Uint8Array }>
  deadLetters: string
  recentIds: string[]
  /** The latest event time among the flush's valid events (epoch ms); null when it has none. */
  maxTime: number | null
}

/** Rows handed to an hour's Parquet stream at a time. */
const CHUNK_ROWS = 16_384

/** One event-time hour of a flush: the rows not yet encoded, and the file they go to once there are enough. */
interface Hour {
  cols: EventColumns
  file: ParquetStream | undefined
}

export class PartitionBuffer {
  private hours = new Map<number, Hour>() // hour start (ms) → its file
  private deadLetters: string[] = []
  private maxTime = -Infinity
  private readonly recent: RecentIds
  private readonly validator = new EventValidator()

  constructor(
    readonly topic: Topic,
    readonly physicalTopic: string,
    readonly partition: number,
    private readonly options: BufferOptions,
    recentIds: readonly string[],
  ) {
    this.recent = new RecentIds(options.dedupeWindow)
    for (const id of recentIds) this.recent.add(id)
  }

  append(batch: RecordBatch): AppendCounts {
    const counts: AppendCounts = { valid: 0, invalid: 0, duplicates: 0 }
    const v = this.validator
    const topic = this.topic
    forEachRecord(batch, (value, offset, i) => {
      if (!v.check(topic, value)) {
        this.addInvalid(offset, keyAt(batch, i), valueAt(batch, i), v.reason)
        counts.invalid++
        return
      }
      const event = v.event as unknown as Record<string, unknown>
      const id = event.event_id as string
      if (!this.recent.add(id)) {
        counts.duplicates++
        return
      }
      const time = v.eventTime
      if (time > this.maxTime) this.maxTime = time
      const hour = time - (time % HOUR)
      let h = this.hours.get(hour)
      if (h === undefined) this.hours.set(hour, (h = { cols: new EventColumns(topic, 4096), file: undefined }))
      h.cols.append(event, time, this.partition, offset)
      if (h.cols.length >= CHUNK_ROWS) {
        ;(h.file ??= new ParquetStream()).push(h.cols.toTable())
        h.cols = new EventColumns(topic, 4096)
      }
      counts.valid++
    })
    return counts
  }

  private addInvalid(offset: number, key: string | null, value: Buffer, reason: string): void {
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
  }

  /** Finishes the files of everything appended since the last flush and starts new buffers. */
  async flush(): Promise<EncodedFlush> {
    const hours = this.hours
    const deadLetters = this.deadLetters.length > 0 ? this.deadLetters.join('\n') + '\n' : ''
    const maxTime = Number.isFinite(this.maxTime) ? this.maxTime : null
    this.hours = new Map()
    this.deadLetters = []
    this.maxTime = -Infinity
    const files: EncodedFlush['files'] = []
    for (const [hour, { cols, file }] of hours) {
      // an hour that never filled a chunk is encoded in one call
      if (file === undefined) files.push({ hour, parquet: encodeParquet(cols.toTable()) })
      else {
        if (cols.length > 0) file.push(cols.toTable())
        files.push({ hour, parquet: await file.finish() })
      }
    }
    return { files, deadLetters, recentIds: this.recent.last(this.options.persistedIds), maxTime }
  }
}
