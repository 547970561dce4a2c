// A view's rows as a Parquet file any tool reads: one column per output column
// of the view (window bounds as UTC timestamps, keys, measures, derived), and
// next to each distinct count its serialized sketch (`<name>_sketch`, the bytes
// of views/state/hll.ts) and whether the value is exact (`<name>_exact`).
import { Binary, Bool, Float64, Table, TimeUnit, Timestamp, Utf8, vectorFromArray } from 'apache-arrow'
import type { Vector } from 'apache-arrow'
import type { ViewDef } from '../../views/dsl.js'
import { columnsOf } from '../../views/semantics.js'
import { compile } from '../../views/state/partial.js'
import type { Group, ViewPartial } from '../../views/state/partial.js'
import { finishRow, sortRows } from '../../views/evaluate.js'
import type { Row } from '../../views/evaluate.js'
import type { Hll } from '../../views/state/hll.js'
import { parseInstant } from '../events/time.js'
import { encodeParquet } from '../ingest/parquet.js'

function columnOf(values: unknown[]): Vector {
  const sample = values.find((v) => v !== null && v !== undefined)
  if (typeof sample === 'number') return vectorFromArray(values as Array<number | null>, new Float64())
  if (typeof sample === 'boolean') return vectorFromArray(values as Array<boolean | null>, new Bool())
  return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : String(v))), new Utf8())
}

export interface ViewTable {
  rows: Row[]
  table: Table
}

/** Finalized rows of a partial and their Arrow table. */
export function viewTable(view: ViewDef, partial: ViewPartial): ViewTable {
  const { ops, measures } = compile(view)
  const names = Object.keys(view.measures)
  const groupOf = new Map<Row, Group>()
  const unsorted: Row[] = []
  for (const g of partial.groups.values()) {
    const row = finishRow(view, g.window, g.key, (name) => {
      const i = names.indexOf(name)
      return ops[i]!.result(g.states[i])
    })
    groupOf.set(row, g)
    unsorted.push(row)
  }
  const rows = sortRows(view, unsorted)
  const vectors: Record<string, Vector> = {}
  for (const col of columnsOf(view)) {
    const values = rows.map((r) => r[col] ?? null)
    vectors[col] =
      col === 'window_start' || col === 'window_end'
        ? vectorFromArray(values.map((v) => (v === null ? null : parseInstant(String(v)))), new Timestamp(TimeUnit.MILLISECOND, 'UTC'))
        : columnOf(values)
  }
  names.forEach((name, i) => {
    if (measures[i]!.kind !== 'distinct') return
    const sketches = rows.map((r) => groupOf.get(r)!.states[i] as Hll)
    vectors[`${name}_sketch`] = vectorFromArray(sketches.map((s) => s.serialize()), new Binary())
    vectors[`${name}_exact`] = vectorFromArray(sketches.map((s) => s.isExact()), new Bool())
  })
  return { rows, table: new Table(vectors) }
}

export function viewParquet(view: ViewDef, partial: ViewPartial): { rows: number; bytes: Uint8Array } {
  const { rows, table } = viewTable(view, partial)
  return { rows: rows.length, bytes: encodeParquet(table) }
}
