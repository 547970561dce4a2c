// Loads the C++ addon built by `npm install` (node-gyp) and gives it types.
// Arguments are checked here, before the native call, so the C++ side can trust them.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { existsSync } from 'node:fs'
import { PulseError, pulseError } from './errors.js'

export interface ColumnSum {
  sum: number
  /** values that took part: NaN marks a null and is skipped */
  count: number
}

/** Arrow buffers of one column of one record batch, read in place by C++. */
export interface ColumnBuffers {
  valid?: Uint8Array
  offset: number
  offsets?: Int32Array
  data?: Uint8Array
  f64?: Float64Array
  i64?: BigInt64Array
  childOffsets?: Int32Array
  childData?: Uint8Array
  childOffset?: number
}

export interface BatchEngineStats {
  rows: number
  duplicates: number
  batches: number
}

/** The columnar batch executor (native/core/batch_engine.h). */
export interface NativeBatchEngine {
  add(columns: Array<ColumnBuffers | null>, rows: number): void
  /** One serialized partial per view of the plan (views/state/partial.ts format); closes the engine. */
  finish(): Uint8Array[]
  stats(): BatchEngineStats
}

/** Per topic, the record scanner's fields (actors/record-scan.ts). */
export interface ScanTopicSpec {
  names: string[]
  /** per field: kept as a span of the record instead of interned */
  span: boolean[]
  /** the field parsed as the event time */
  timestamp: number
}

/**
 * The record scanner (native/core/event_scan.h): `scan` fills, for records
 * [from, to) of a batch, `fields` tags, numbers and lengths per record from
 * index 0, a status (0 scanned, 1 for the JSON path) and the event time per
 * record, and appends strings interned meanwhile to `dict` (ids from 1).
 */
export interface NativeEventScanner {
  scan(
    topic: number,
    data: Uint8Array,
    ends: Uint32Array,
    from: number,
    to: number,
    tags: Uint8Array,
    nums: Float64Array,
    lens: Uint32Array,
    status: Uint8Array,
    times: Float64Array,
    dict: string[],
  ): number
  reset(): void
}

interface NativeBinding {
  BatchEngine: new (plan: object) => NativeBatchEngine
  EventScanner: new (topics: ScanTopicSpec[]) => NativeEventScanner
  sumFloat64(values: Float64Array): ColumnSum
  hash64(value: string): [number, number]
  hllFromStrings(values: string[]): Uint8Array
  hllMerge(a: Uint8Array, b: Uint8Array): Uint8Array
}

/** The repo root, whether running from src/ (tap) or dist/src/ (compiled). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw pulseError('PULSE_ERR_NATIVE_LOAD', 'package.json not found above ' + dir)
    dir = up
  }
  return dir
}

function load(): NativeBinding {
  const root = projectRoot()
  const path = join(root, 'build', 'Release', 'pulse_native.node')
  try {
    return createRequire(import.meta.url)(path) as NativeBinding
  } catch (err) {
    throw new PulseError('PULSE_ERR_NATIVE_LOAD', [(err as Error).message], { cause: err })
  }
}

let binding: NativeBinding | undefined
function native(): NativeBinding {
  return (binding ??= load())
}

/** Sum of a float64 column, read in place by C++ (no copy). NaN entries are nulls. */
export function sumFloat64(values: Float64Array): ColumnSum {
  if (!(values instanceof Float64Array)) {
    throw pulseError('PULSE_ERR_NATIVE_ARG', 'values: expected a Float64Array')
  }
  return native().sumFloat64(values)
}

/** The sketch hash of `value` computed in C++: [hi, lo] (see views/state/hash.ts). */
export function hash64(value: string): [number, number] {
  if (typeof value !== 'string') throw pulseError('PULSE_ERR_NATIVE_ARG', 'value: expected a string')
  return native().hash64(value)
}

/** A HyperLogLog sketch of `values` built in C++, serialized (same bytes as views/state/hll.ts). */
export function hllFromStrings(values: readonly string[]): Uint8Array {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    throw pulseError('PULSE_ERR_NATIVE_ARG', 'values: expected an array of strings')
  }
  return native().hllFromStrings(values as string[])
}

/** The union of two serialized sketches, computed in C++. */
export function hllMerge(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) throw pulseError('PULSE_ERR_NATIVE_ARG', 'a, b: expected Uint8Arrays')
  return native().hllMerge(a, b)
}

/** A batch engine for a compiled plan (src/batch/plan.ts). */
export function createBatchEngine(plan: object): NativeBatchEngine {
  try {
    return new (native().BatchEngine)(plan)
  } catch (err) {
    if (err instanceof PulseError) throw err
    throw pulseError('PULSE_ERR_NATIVE_ARG', (err as Error).message)
  }
}

/**
 * A record scanner for the given topics. Its `scan` is checked here, once per
 * call: the C++ side writes into the arrays without bounds checks of its own.
 */
export function createEventScanner(topics: ScanTopicSpec[]): NativeEventScanner {
  for (const [i, t] of topics.entries()) {
    if (t.names.length === 0 || t.names.length !== t.span.length || !(t.timestamp >= 0 && t.timestamp < t.names.length)) {
      throw pulseError('PULSE_ERR_NATIVE_ARG', `topics[${i}]: names, span and timestamp do not agree`)
    }
  }
  const scanner = new (native().EventScanner)(topics)
  return {
    scan(topic, data, ends, from, to, tags, nums, lens, status, times, dict) {
      const fields = topics[topic]?.names.length
      if (fields === undefined) throw pulseError('PULSE_ERR_NATIVE_ARG', `topic: no topic ${topic}`)
      const n = to - from
      if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= ends.length && n >= 0)) {
        throw pulseError('PULSE_ERR_NATIVE_ARG', `from, to: [${from}, ${to}) is not within the batch's ${ends.length} records`)
      }
      if (to > 0 && ends[to - 1]! > data.length) throw pulseError('PULSE_ERR_NATIVE_ARG', 'ends: past the end of data')
      for (let i = Math.max(1, from); i < to; i++) if (ends[i]! < ends[i - 1]!) throw pulseError('PULSE_ERR_NATIVE_ARG', `ends[${i}]: before ends[${i - 1}]`)
      if (tags.length < n * fields || nums.length < n * fields || lens.length < n * fields) throw pulseError('PULSE_ERR_NATIVE_ARG', `tags, nums, lens: need ${n * fields} cells`)
      if (status.length < n || times.length < n) throw pulseError('PULSE_ERR_NATIVE_ARG', `status, times: need ${n} entries`)
      if (!Array.isArray(dict) || dict.length === 0) throw pulseError('PULSE_ERR_NATIVE_ARG', 'dict: expected an array with the entry for id 0')
      return scanner.scan(topic, data, ends, from, to, tags, nums, lens, status, times, dict)
    },
    reset: () => scanner.reset(),
  }
}
