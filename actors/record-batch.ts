// Records cross from the consumer's thread to an actor's worker as one batch:
// every value's bytes back to back in a single buffer, with end positions and
// offsets in typed arrays. The buffers are transferred, not copied, and the
// consumer never parses JSON: that happens in the worker. Keys come along only
// when asked for (ingestion keeps them for dead letters; actors do not need them).
import { isUtf8 } from 'node:buffer'

export interface RecordBatch {
  topic: string
  partition: number
  /** values, back to back */
  data: Uint8Array
  /** ends[i] = end of value i in data (value i starts at ends[i - 1], or 0) */
  ends: Uint32Array
  offsets: Float64Array
  /** keys, laid out like the values; nulls[i] = 1 when record i has no key */
  keys?: { data: Uint8Array; ends: Uint32Array; nulls: Uint8Array }
}

/**
 * A record as the sources hand it over: raw bytes (Kafka) or text (the embedded
 * log). Kafka's messages fit as they are (string offsets), so no per-record
 * object has to be made to pack them.
 */
export interface RawRecord {
  value: Uint8Array | string | null
  offset: number | string
  key?: Uint8Array | string | null
}

const encoder = new TextEncoder()

const byteLength = (v: Uint8Array | string | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length)

/** Copies each record's field back to back into a fresh, transferable buffer. */
function packBytes(records: readonly RawRecord[], field: 'value' | 'key'): { data: Uint8Array; ends: Uint32Array } {
  return packAscii(records, field) ?? packEach(records, field)
}

/** Records joined per encoding: their text stays a young-generation string (well under V8's 128 KB large-object size). */
const JOIN = 128

/**
 * The common case of the embedded log: every record is text, and all of it
 * ASCII. Records are joined JOIN at a time and encoded in one call each, where
 * asking each string for its UTF-8 length, then writing it, cost the consumer's
 * thread about 1.5 µs a record. (Joining the whole batch made strings of
 * hundreds of KB, each a large object for the serving thread's collector.)
 * Undefined when a record is bytes, null or not ASCII.
 */
function packAscii(records: readonly RawRecord[], field: 'value' | 'key'): { data: Uint8Array; ends: Uint32Array } | undefined {
  const n = records.length
  const ends = new Uint32Array(n)
  let pos = 0
  for (let i = 0; i < n; i++) {
    const v = records[i]![field]
    if (typeof v !== 'string') return undefined
    ends[i] = pos += v.length
  }
  const data = new Uint8Array(pos)
  const parts: string[] = []
  for (let from = 0; from < n; from += JOIN) {
    const to = Math.min(n, from + JOIN)
    parts.length = 0
    for (let i = from; i < to; i++) parts.push(records[i]![field] as string)
    const start = from === 0 ? 0 : ends[from - 1]!
    const size = ends[to - 1]! - start
    // a character outside ASCII takes more than one byte: the text no longer fits
    const { read, written } = encoder.encodeInto(parts.join(''), data.subarray(start, start + size))
    if (read !== size || written !== size) return undefined
  }
  return { data, ends }
}

function packEach(records: readonly RawRecord[], field: 'value' | 'key'): { data: Uint8Array; ends: Uint32Array } {
  let size = 0
  for (let i = 0; i < records.length; i++) size += byteLength(records[i]![field])
  // not Buffer.allocUnsafe: pooled buffers share an ArrayBuffer and cannot be transferred
  const data = Buffer.from(new ArrayBuffer(size))
  const ends = new Uint32Array(records.length)
  let pos = 0
  for (let i = 0; i < records.length; i++) {
    const v = records[i]![field]
    if (typeof v === 'string') pos += data.write(v, pos)
    else if (v != null) {
      data.set(v, pos)
      pos += v.length
    }
    ends[i] = pos
  }
  return { data: new Uint8Array(data.buffer, 0, size), ends }
}

/** Packs records into a batch with fresh (transferable) buffers. */
export function packRecords(topic: string, partition: number, records: readonly RawRecord[], withKeys = false): RecordBatch {
  const { data, ends } = packBytes(records, 'value')
  const offsets = new Float64Array(records.length)
  for (let i = 0; i < records.length; i++) offsets[i] = Number(records[i]!.offset)
  const batch: RecordBatch = { topic, partition, data, ends, offsets }
  if (withKeys) {
    const nulls = new Uint8Array(records.length)
    for (let i = 0; i < records.length; i++) if (records[i]!.key == null) nulls[i] = 1
    batch.keys = { ...packBytes(records, 'key'), nulls }
  }
  return batch
}

/** The buffers to transfer with a batch. */
export function transferList(b: RecordBatch): ArrayBuffer[] {
  const list = [b.data.buffer as ArrayBuffer, b.ends.buffer as ArrayBuffer, b.offsets.buffer as ArrayBuffer]
  if (b.keys !== undefined) list.push(b.keys.data.buffer as ArrayBuffer, b.keys.ends.buffer as ArrayBuffer, b.keys.nulls.buffer as ArrayBuffer)
  return list
}

/** Record i's value bytes (a view, not a copy). */
export function valueAt(b: RecordBatch, i: number): Buffer {
  const start = i === 0 ? 0 : b.ends[i - 1]!
  return Buffer.from(b.data.buffer, b.data.byteOffset + start, b.ends[i]! - start)
}

/** Record i's key as text; null when it has none or the batch was packed without keys. */
export function keyAt(b: RecordBatch, i: number): string | null {
  const k = b.keys
  if (k === undefined || k.nulls[i] === 1) return null
  const start = i === 0 ? 0 : k.ends[i - 1]!
  return Buffer.from(k.data.buffer, k.data.byteOffset, k.data.byteLength).toString('utf8', start, k.ends[i]!)
}

/**
 * Whether record values can be handed over as text: the whole batch is valid
 * UTF-8 and no record starts inside a character (then each record is valid on
 * its own: one fast check instead of a strict decoder per record).
 */
export function isTextBatch(b: RecordBatch): boolean {
  const buf = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)
  let text = isUtf8(buf)
  for (let i = 0, start = 0; text && i < b.ends.length; start = b.ends[i++]!) {
    if (start < buf.length && (buf[start]! & 0xc0) === 0x80) text = false
  }
  return text
}

/**
 * Calls `each(value, offset, index)` for records [from, to). Values come as
 * text when `text` (see isTextBatch); otherwise as bytes, for the validator's
 * strict decoding.
 */
export function forEachRecord(
  b: RecordBatch,
  each: (value: Uint8Array | string, offset: number, index: number) => void,
  from = 0,
  to = b.ends.length,
  text = isTextBatch(b),
): void {
  const buf = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)
  let start = from === 0 ? 0 : b.ends[from - 1]!
  for (let i = from; i < to; i++) {
    const end = b.ends[i]!
    each(text ? buf.toString('utf8', start, end) : buf.subarray(start, end), b.offsets[i]!, i)
    start = end
  }
}
