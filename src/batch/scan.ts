// One master-dataset file into the native engine: Parquet is decoded by
// parquet-wasm into Arrow IPC, apache-arrow maps the record batches over that
// buffer, and each column's buffers go to C++ as typed arrays (no copy, no
// per-row JavaScript). Columns are matched by name, so files from other writers
// (or older schemas) work as long as the columns the views read are there;
// a missing column reads as all nulls.
import { createRequire } from 'node:module'
import { tableFromIPC } from 'apache-arrow'
import type { Data, Table } from 'apache-arrow'
import type { ColumnBuffers, NativeBatchEngine } from '../native.js'
import type { NativePlan } from './plan.js'
import { pulseError } from '../errors.js'

// parquet-wasm's Node build is CommonJS (its ESM build needs a fetch of the .wasm)
const { readParquet } = createRequire(import.meta.url)('parquet-wasm') as { readParquet(bytes: Uint8Array): { intoIPCStream(): Uint8Array } }

/** Decodes a Parquet file into an Arrow table over one IPC buffer. */
export function decodeParquet(bytes: Uint8Array, name: string): Table {
  try {
    return tableFromIPC(readParquet(bytes).intoIPCStream())
  } catch (err) {
    throw pulseError('PULSE_ERR_BATCH_INPUT', name, (err as Error).message)
  }
}

const bitmap = (d: Data): Uint8Array | undefined => (d.nullCount > 0 && d.nullBitmap !== undefined && d.nullBitmap.length > 0 ? d.nullBitmap : undefined)

function buffersOf(d: Data): ColumnBuffers {
  const b: ColumnBuffers = { offset: d.offset }
  const valid = bitmap(d)
  if (valid !== undefined) b.valid = valid
  const values = d.values as unknown
  if (d.valueOffsets !== undefined && d.valueOffsets !== null) b.offsets = d.valueOffsets as Int32Array
  if (values instanceof Float64Array) b.f64 = values
  else if (values instanceof BigInt64Array) b.i64 = values
  else if (values instanceof Uint8Array) b.data = values
  const child = d.children[0]
  if (child !== undefined) {
    b.childOffsets = child.valueOffsets as Int32Array
    b.childData = child.values as Uint8Array
    b.childOffset = child.offset
  }
  return b
}

/** A column of `rows` nulls, for a column the file does not have. */
function nullColumn(kind: string, rows: number): ColumnBuffers {
  const valid = new Uint8Array((rows + 7) >> 3)
  if (kind === 'utf8' || kind === 'utf8list') {
    return { offset: 0, valid, offsets: new Int32Array(rows + 1), data: new Uint8Array(0), childOffsets: new Int32Array(1), childData: new Uint8Array(0) }
  }
  if (kind === 'float64') return { offset: 0, valid, f64: new Float64Array(rows) }
  if (kind === 'bool') return { offset: 0, valid, data: new Uint8Array((rows + 7) >> 3) }
  return { offset: 0, valid, i64: new BigInt64Array(rows) }
}

/** Feeds every record batch of a decoded file to each engine (all of one plan's columns); returns the rows read. */
export function scanTable(engines: readonly NativeBatchEngine[], plan: NativePlan, table: Table, name: string): number {
  for (const must of ['event_id', 'event_type', 'timestamp']) {
    if (table.schema.fields.every((f) => f.name !== must)) throw pulseError('PULSE_ERR_BATCH_INPUT', name, `no ${must} column`)
  }
  let rows = 0
  for (const batch of table.batches) {
    const cols = plan.columnNames.map((col, i) => {
      const vec = batch.getChild(col)
      return vec === null ? nullColumn(plan.columns[i]!, batch.numRows) : buffersOf(vec.data[0]!)
    })
    for (const engine of engines) engine.add(cols, batch.numRows)
    rows += batch.numRows
  }
  return rows
}
