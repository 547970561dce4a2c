// Builds a topic's master dataset columns straight into Arrow-layout buffers:
// UTF-8 bytes with int32 offsets, validity bitmaps, float64 values, and int64
// values written as two int32 words (no BigInt per event). Writes go through
// typed arrays kept per column, so appending allocates nothing per value;
// `toTable()` wraps the buffers in an Arrow table without copying them.
import { Bool, Field, Float64, Int64, List, Table, TimeUnit, Timestamp, Utf8, makeData, makeVector } from 'apache-arrow'
import type { Data, DataType } from 'apache-arrow'
import { MASTER_COLUMNS } from './schema.js'
import type { ColumnKind } from './schema.js'
import type { Topic } from '../events/contract.js'

const encoder = new TextEncoder()
const TWO32 = 4294967296

function grow<T extends Uint8Array | Int32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a
  let size = a.length * 2
  while (size < need) size *= 2
  const next = new (a.constructor as new (n: number) => T)(size)
  next.set(a)
  return next
}

class Column {
  count = 0
  nulls = 0
  valid: Uint8Array
  /** float64 values */
  f64 = new Float64Array(0)
  /** int64 / timestamp values as (low, high) int32 words */
  i64 = new Int32Array(0)
  /** bool values (bitmap), or UTF-8 bytes */
  bytes = new Uint8Array(0)
  byteLen = 0
  /** utf8: string offsets; utf8list: list offsets (into the child strings) */
  offsets: Int32Array
  /** utf8list: offsets of the strings */
  childOffsets = new Int32Array(1)
  children = 0

  constructor(readonly name: string, readonly kind: ColumnKind, capacity: number) {
    this.valid = new Uint8Array((capacity >> 3) + 1)
    this.offsets = new Int32Array(kind === 'utf8' || kind === 'utf8list' ? capacity + 1 : 1)
    if (kind === 'float64') this.f64 = new Float64Array(capacity)
    if (kind === 'int64' || kind === 'timestamp') this.i64 = new Int32Array(2 * capacity)
    if (kind === 'bool') this.bytes = new Uint8Array((capacity >> 3) + 1)
    if (kind === 'utf8' || kind === 'utf8list') this.bytes = new Uint8Array(capacity * 12)
  }

  private text(s: string): void {
    this.bytes = grow(this.bytes, this.byteLen + s.length * 3)
    this.byteLen += encoder.encodeInto(s, this.bytes.subarray(this.byteLen)).written
  }

  append(v: unknown): void {
    const i = this.count
    const ok = v !== undefined && v !== null
    if ((i >> 3) >= this.valid.length) this.valid = grow(this.valid, (i >> 3) + 1)
    if (ok) this.valid[i >> 3]! |= 1 << (i & 7)
    else this.nulls++
    switch (this.kind) {
      case 'utf8':
        if (ok) this.text(typeof v === 'string' ? v : JSON.stringify(v))
        this.offsets = grow(this.offsets, i + 2)
        this.offsets[i + 1] = this.byteLen
        break
      case 'utf8list':
        if (ok) {
          for (const item of v as string[]) {
            this.text(item)
            this.childOffsets = grow(this.childOffsets, this.children + 2)
            this.childOffsets[++this.children] = this.byteLen
          }
        }
        this.offsets = grow(this.offsets, i + 2)
        this.offsets[i + 1] = this.children
        break
      case 'bool':
        if ((i >> 3) >= this.bytes.length) this.bytes = grow(this.bytes, (i >> 3) + 1)
        if (v === true) this.bytes[i >> 3]! |= 1 << (i & 7)
        break
      case 'float64':
        this.f64 = grow(this.f64, i + 1)
        this.f64[i] = ok ? (v as number) : 0
        break
      default: {
        // int64 and timestamp: values below 2^53
        const n = ok ? (v as number) : 0
        this.i64 = grow(this.i64, 2 * i + 2)
        this.i64[2 * i] = n % TWO32
        this.i64[2 * i + 1] = Math.floor(n / TWO32)
      }
    }
    this.count = i + 1
  }

  toData(): Data<DataType> {
    const length = this.count
    const nullCount = this.nulls
    const nullBitmap = nullCount > 0 ? this.valid.subarray(0, (length + 7) >> 3) : undefined
    switch (this.kind) {
      case 'utf8':
        return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets: this.offsets.subarray(0, length + 1), data: this.bytes.subarray(0, this.byteLen) })
      case 'utf8list': {
        const child = makeData({ type: new Utf8(), length: this.children, nullCount: 0, valueOffsets: this.childOffsets.subarray(0, this.children + 1), data: this.bytes.subarray(0, this.byteLen) })
        return makeData({ type: new List(new Field('item', new Utf8(), false)), length, nullCount, nullBitmap, valueOffsets: this.offsets.subarray(0, length + 1), child })
      }
      case 'bool':
        return makeData({ type: new Bool(), length, nullCount, nullBitmap, data: this.bytes.subarray(0, (length + 7) >> 3) })
      case 'float64':
        return makeData({ type: new Float64(), length, nullCount, nullBitmap, data: this.f64.subarray(0, length) })
      case 'int64':
        return makeData({ type: new Int64(), length, nullCount, nullBitmap, data: this.i64.subarray(0, 2 * length) })
      case 'timestamp':
        return makeData({ type: new Timestamp(TimeUnit.MILLISECOND, 'UTC'), length, nullCount, nullBitmap, data: this.i64.subarray(0, 2 * length) })
    }
  }
}

/** One file's worth of a topic's master dataset rows, column by column. */
export class EventColumns {
  private readonly columns: Column[]
  /** Columns filled from the event's own field of the same name. */
  private readonly fieldColumns: Column[]
  private readonly known: Set<string>
  private readonly time: Column
  private readonly extra: Column
  private readonly partition: Column
  private readonly offset: Column

  constructor(readonly topic: Topic, capacity = 1024) {
    this.columns = MASTER_COLUMNS[topic].map((c) => new Column(c.name, c.kind, capacity))
    const named = (n: string) => this.columns.find((c) => c.name === n)!
    this.time = named('timestamp')
    this.extra = named('extra')
    this.partition = named('kafka_partition')
    this.offset = named('kafka_offset')
    const special = new Set<Column>([this.time, this.extra, this.partition, this.offset])
    this.fieldColumns = this.columns.filter((c) => !special.has(c))
    this.known = new Set(this.columns.map((c) => c.name))
  }

  get length(): number {
    return this.time.count
  }

  /** Appends a validated event; `time` is its event time in ms. */
  append(event: Readonly<Record<string, unknown>>, time: number, partition: number, offset: number): void {
    let extra: Record<string, unknown> | undefined
    for (const key in event) if (!this.known.has(key)) (extra ??= {})[key] = event[key]
    const cols = this.fieldColumns
    for (let i = 0; i < cols.length; i++) cols[i]!.append(event[cols[i]!.name])
    this.time.append(time)
    this.extra.append(extra === undefined ? null : JSON.stringify(extra))
    this.partition.append(partition)
    this.offset.append(offset)
  }

  toTable(): Table {
    const vectors: Record<string, ReturnType<typeof makeVector>> = {}
    for (const c of this.columns) vectors[c.name] = makeVector(c.toData())
    return new Table(vectors)
  }
}
