// Records cross from the consumer's thread to an actor's worker as one batch:
// every value's bytes back to back in a single buffer, with end positions and
// offsets in typed arrays. The three buffers are transferred, not copied, and
// the consumer never parses JSON: that happens in the worker.
import { isUtf8 } from 'node:buffer'

export interface RecordBatch {
  topic: string
  partition: number
  /** values, back to back */
  data: Uint8Array
  /** ends[i] = end of value i in data (value i starts at ends[i - 1], or 0) */
  ends: Uint32Array
  offsets: Float64Array
}

/** A record as the sources hand it over: raw bytes (Kafka) or text (the embedded log). */
export interface RawRecord {
  value: Uint8Array | string | null
  offset: number
}

/** Packs records into a batch with fresh (transferable) buffers. */
export function packRecords(topic: string, partition: number, records: readonly RawRecord[]): RecordBatch {
  let size = 0
  for (const r of records) size += r.value === null ? 0 : typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length
  // not Buffer.allocUnsafe: pooled buffers share an ArrayBuffer and cannot be transferred
  const data = Buffer.from(new ArrayBuffer(size))
  const ends = new Uint32Array(records.length)
  const offsets = new Float64Array(records.length)
  let pos = 0
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    if (typeof r.value === 'string') pos += data.write(r.value, pos)
    else if (r.value !== null) {
      data.set(r.value, pos)
      pos += r.value.length
    }
    ends[i] = pos
    offsets[i] = r.offset
  }
  return { topic, partition, data: new Uint8Array(data.buffer, 0, size), ends, offsets }
}

/** The buffers to transfer with a batch. */
export function transferList(b: RecordBatch): ArrayBuffer[] {
  return [b.data.buffer as ArrayBuffer, b.ends.buffer as ArrayBuffer, b.offsets.buffer as ArrayBuffer]
}

/**
 * Calls `each(value, offset)` for every record. Values come as text when the
 * whole batch is valid UTF-8 and no record starts inside a character (then
 * each record is valid on its own: one fast check instead of a strict decoder
 * per record); otherwise as bytes, for the validator's strict decoding.
 */
export function forEachRecord(b: RecordBatch, each: (value: Uint8Array | string, offset: number) => void): void {
  const buf = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)
  let text = isUtf8(buf)
  for (let i = 0, start = 0; text && i < b.ends.length; start = b.ends[i++]!) {
    if (start < buf.length && (buf[start]! & 0xc0) === 0x80) text = false
  }
  let start = 0
  for (let i = 0; i < b.ends.length; i++) {
    const end = b.ends[i]!
    each(text ? buf.toString('utf8', start, end) : buf.subarray(start, end), b.offsets[i]!)
    start = end
  }
}
