// Records rebuilt from the master dataset: the Parquet rows of an event-time
// range, an hour at a time in event-time order, each row turned back into its
// event (the columns that are set, `timestamp` as an ISO instant, the fields
// kept in `extra`) and keyed by user_id as producers key them. The master
// dataset holds valid, deduplicated events only, and not their original bytes.
import type { Table } from 'apache-arrow'
import type { ObjectStore } from '../store/object-store.js'
import { MASTER_COLUMNS } from '../ingest/schema.js'
import { HOUR, formatInstant } from '../events/time.js'
import { listMasterFiles } from '../batch/runner.js'
import type { MasterFile } from '../batch/runner.js'
import { decodeParquet } from '../batch/scan.js'
import type { ReplayRecord } from './target.js'

interface Timed extends ReplayRecord {
  time: number
}

const LINEAGE = new Set(['extra', 'kafka_partition', 'kafka_offset'])

function cellValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  // utf8 lists arrive as Arrow vectors
  if (v !== null && typeof v === 'object' && 'toArray' in v) return Array.from((v as { toArray(): ArrayLike<unknown> }).toArray())
  return v
}

/** The events of one decoded file whose time is in [from, to). */
function rowsOf(file: MasterFile, table: Table, from: number, to: number, out: Timed[]): void {
  const columns = MASTER_COLUMNS[file.topic].filter((c) => !LINEAGE.has(c.name) && table.getChild(c.name) !== null)
  const vectors = columns.map((c) => table.getChild(c.name)!)
  const time = table.getChild('timestamp')
  const extra = table.getChild('extra')
  if (time === null) return
  for (let i = 0; i < table.numRows; i++) {
    const t = Number(time.get(i))
    if (!(t >= from && t < to)) continue
    const event: Record<string, unknown> = {}
    for (let c = 0; c < columns.length; c++) {
      const v = vectors[c]!.get(i)
      if (v === null || v === undefined) continue
      event[columns[c]!.name] = columns[c]!.kind === 'timestamp' ? formatInstant(Number(v)) : cellValue(v)
    }
    const more = extra?.get(i)
    if (typeof more === 'string') Object.assign(event, JSON.parse(more) as Record<string, unknown>)
    out.push({ topic: file.topic, key: String(event.user_id ?? ''), value: JSON.stringify(event), time: t })
  }
}

/** The master dataset's events with time in [from, to), in event-time order, in arrays of up to `size`. */
export async function* readMasterBatches(store: ObjectStore, range: { from: number; to: number; prefix?: string }, size = 4096): AsyncGenerator<ReplayRecord[]> {
  const files = (await listMasterFiles(store, range.prefix ?? '')).filter((f) => f.hour + HOUR > range.from && f.hour < range.to)
  const hours = [...new Set(files.map((f) => f.hour))].sort((a, b) => a - b)
  for (const hour of hours) {
    const rows: Timed[] = []
    for (const f of files) if (f.hour === hour) rowsOf(f, decodeParquet(await store.get(f.key), f.key), range.from, range.to, rows)
    rows.sort((a, b) => a.time - b.time)
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
  }
}

/** How many master-dataset files the range touches (to say so when it is empty). */
export async function countMasterFiles(store: ObjectStore, range: { from: number; to: number; prefix?: string }): Promise<number> {
  return (await listMasterFiles(store, range.prefix ?? '')).filter((f) => f.hour + HOUR > range.from && f.hour < range.to).length
}
