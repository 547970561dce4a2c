// A view's answer: batch partial (t < cutoff) ⊕ speed partial (t ≥ cutoff),
// merged per group with the view's merge rules, finalized into rows, each row
// tagged with the sides that held its group and which of its distinct counts
// are exact; then ordered, cut to top-N per window, and limited.
import type { ViewDef } from '../../views/dsl.js'
import type { Scalar } from '../../views/semantics.js'
import { compile, mergePartials } from '../../views/state/partial.js'
import type { Group, ViewPartial } from '../../views/state/partial.js'
import { finishRow, sortRows } from '../../views/evaluate.js'
import type { Row } from '../../views/evaluate.js'
import type { Hll } from '../../views/state/hll.js'
import type { GroupFilter } from '../../actors/live-view.js'
import type { ViewQuery } from './view-query.js'

export type Side = 'batch' | 'speed' | 'both'

export type AnswerRow = Row & {
  source: Side
  /** per distinct-count column (and derived column using one): true when exact */
  exact: Record<string, boolean>
}

export interface Answer {
  rows: AnswerRow[]
  /** rows before `limit` */
  total: number
  /** some value is a sketch estimate */
  estimates: boolean
}

export const filterOf = (q: ViewQuery): GroupFilter => ({ keys: q.keys, from: q.from, to: q.to })

/** The batch partial's groups the filter selects (the speed layer filters its own). */
export function selectGroups(view: ViewDef, p: ViewPartial, f: GroupFilter): ViewPartial {
  const cols = Object.keys(view.key)
  const wanted = cols.map((c, i) => [i, f.keys?.[c]] as const).filter(([, v]) => v !== undefined)
  const size = view.window?.size
  const from = f.from ?? -Infinity
  const to = f.to ?? Infinity
  if (wanted.length === 0 && size === undefined) return p
  const out: ViewPartial = { view: p.view, groups: new Map() }
  for (const [id, g] of p.groups) {
    if (wanted.some(([i, v]) => g.key[i] !== v)) continue
    if (size !== undefined && g.window !== null && (g.window + size <= from || g.window >= to)) continue
    out.groups.set(id, g)
  }
  return out
}

/** Columns whose value comes from sketches: measure index of each distinct, and derived columns using them. */
function sketchColumns(view: ViewDef): { measures: Array<[string, number]>; derived: Array<[string, string[]]> } {
  const names = Object.keys(view.measures)
  const measures = names.flatMap((n, i) => (view.measures[n]!.kind === 'distinct' ? [[n, i] as [string, number]] : []))
  const distinct = new Set(measures.map(([n]) => n))
  const derived = Object.entries(view.derived ?? {}).flatMap(([n, d]) => {
    const uses = d.uses.filter((u) => distinct.has(u))
    return uses.length > 0 ? [[n, uses] as [string, string[]]] : []
  })
  return { measures, derived }
}

function compare(a: Scalar, b: Scalar): number {
  if (a === b) return 0
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : 1
}

/** Orders by one column (nulls last either way), stable over the default window/key order. */
function orderBy(rows: AnswerRow[], column: string, desc: boolean): AnswerRow[] {
  return rows.sort((x, y) => {
    const a = (x[column] ?? null) as Scalar
    const b = (y[column] ?? null) as Scalar
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
    return desc ? compare(b, a) : compare(a, b)
  })
}

export function answer(view: ViewDef, batch: ViewPartial | undefined, speed: ViewPartial, q: ViewQuery): Answer {
  const fromBatch = batch === undefined ? undefined : selectGroups(view, batch, filterOf(q))
  const merged = fromBatch === undefined ? speed : mergePartials(view, fromBatch, speed)
  const { ops } = compile(view)
  const names = Object.keys(view.measures)
  const sketches = sketchColumns(view)
  let estimates = false
  const rows: AnswerRow[] = []
  for (const [id, g] of merged.groups) {
    const row = finishRow(view, g.window, g.key, (name) => {
      const i = names.indexOf(name)
      return ops[i]!.result(g.states[i])
    }) as unknown as AnswerRow
    const inBatch = fromBatch?.groups.has(id) === true
    row.source = inBatch && speed.groups.has(id) ? 'both' : inBatch ? 'batch' : 'speed'
    row.exact = exactness(g, sketches)
    if (Object.values(row.exact).includes(false)) estimates = true
    rows.push(row)
  }
  let out = sortRows(view, rows as Row[]) as AnswerRow[]
  if (q.order !== undefined) out = orderBy(out, q.order.column, q.order.desc)
  if (q.top !== undefined) out = topPerWindow(out, q.top)
  return { rows: out.slice(0, q.limit), total: out.length, estimates }
}

function exactness(g: Group, s: ReturnType<typeof sketchColumns>): Record<string, boolean> {
  const exact: Record<string, boolean> = {}
  for (const [name, i] of s.measures) exact[name] = (g.states[i] as Hll).isExact()
  for (const [name, uses] of s.derived) exact[name] = uses.every((u) => exact[u])
  return exact
}

/** Rows already in rank order: keep the first `n` of each window, windows in time order. */
function topPerWindow(rows: AnswerRow[], n: number): AnswerRow[] {
  const byWindow = new Map<string, AnswerRow[]>()
  for (const r of rows) {
    const w = String(r.window_start)
    const list = byWindow.get(w)
    if (list === undefined) byWindow.set(w, [r])
    else if (list.length < n) list.push(r)
  }
  return [...byWindow.keys()].sort().flatMap((w) => byWindow.get(w)!)
}
