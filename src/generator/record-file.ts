// The record file format shared by `pulse generate --to file` and replay:
// NDJSON, one Kafka record per line, `{"topic": …, "key": …, "value": "<raw text>"}`.
// The value is the record's raw text as a JSON string, so invalid records
// (malformed JSON included) are stored and replayed byte for byte.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { pulseError } from '../errors.js'

export interface FileRecord {
  topic: string
  key: string
  value: string
  /** 1-based line number in the file. */
  line: number
}

/** One record as a line of the file (without the newline). */
export function encodeRecordLine(topic: string, key: string, value: string): string {
  return JSON.stringify({ topic, key, value })
}

/** Parses one line; throws PULSE_ERR_FILE_FORMAT naming the file, line and field. */
export function decodeRecordLine(text: string, file: string, line: number): FileRecord {
  let obj: unknown
  try {
    obj = JSON.parse(text)
  } catch {
    throw pulseError('PULSE_ERR_FILE_FORMAT', file, line, 'not a JSON object')
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw pulseError('PULSE_ERR_FILE_FORMAT', file, line, 'not a JSON object')
  }
  const { topic, key, value } = obj as Record<string, unknown>
  if (typeof topic !== 'string' || topic === '') throw pulseError('PULSE_ERR_FILE_FORMAT', file, line, 'topic: must be a non-empty string')
  if (typeof key !== 'string') throw pulseError('PULSE_ERR_FILE_FORMAT', file, line, 'key: must be a string')
  if (typeof value !== 'string') throw pulseError('PULSE_ERR_FILE_FORMAT', file, line, 'value: must be a string (the raw record text)')
  return { topic, key, value, line }
}

/** Streams the records of a file; blank lines are skipped. */
export async function* readRecordFile(path: string): AsyncGenerator<FileRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let n = 0
  for await (const text of lines) {
    n++
    if (text.trim() === '') continue
    yield decodeRecordLine(text, path, n)
  }
}

/**
 * Streams a record file in arrays of up to `size` records: 1 MiB reads split on
 * newlines, no readline and no per-line promise (replay reads millions of lines).
 */
export async function* readRecordBatches(path: string, size = 4096): AsyncGenerator<FileRecord[]> {
  let rest: Buffer | undefined
  let line = 0
  let batch: FileRecord[] = []
  const take = (buf: Buffer, start: number, end: number) => {
    line++
    if (end > start && buf[end - 1] === 13) end-- // CRLF
    if (end === start) return
    const text = buf.toString('utf8', start, end)
    // only a line that starts with whitespace can be blank: skip the trim otherwise
    if (text.charCodeAt(0) <= 32 && text.trim() === '') return
    batch.push(decodeRecordLine(text, path, line))
  }
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf = rest === undefined ? chunk : Buffer.concat([rest, chunk])
    let start = 0
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      take(buf, start, nl)
      start = nl + 1
      if (batch.length >= size) {
        yield batch
        batch = []
      }
    }
    rest = start < buf.length ? buf.subarray(start) : undefined
  }
  if (rest !== undefined) take(rest, 0, rest.length)
  if (batch.length > 0) yield batch
}
