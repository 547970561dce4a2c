// A view's answer: batch partial (t < cutoff) ⊕ speed partial (t ≥ cutoff),
// merged per group with the view's merge rules, finalized into rows, each row
// tagged with the sides that held its group and which of its distinct counts
// are exact; then ordered, cut to top-N per window, and limited.
//
// Groups are ranked before they become rows: ordering needs one column's value
// per group, and only the rows that survive top-N and the limit are finished
// (formatting window bounds and building row objects cost more than the
// ranking itself on views of many groups).
import type { MeasureValue, ViewDef } from '../../views/dsl.js'
import { compile } from '../../views/state/partial.js'
import type { Group, ViewPartial } from '../../views/state/partial.js'
import { compareScalars, finishRow } from '../../views/evaluate.js'
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

/** A merged group and the sides that held it. */
interface Ranked {
  g: Group
  source: Side
}

/**
 * batch ⊕ speed per group. Groups held by one side are taken as they are
 * (merge never mutates a state, and nothing here does), so only groups on both
 * sides cost a merge: the inputs may be cached and shared by other requests.
 */
function mergeSides(view: ViewDef, batch: ViewPartial | undefined, speed: ViewPartial): Ranked[] {
  const out: Ranked[] = []
  if (batch === undefined) {
    for (const g of speed.groups.values()) out.push({ g, source: 'speed' })
    return out
  }
  const { ops } = compile(view)
  for (const [id, g] of batch.groups) {
    const s = speed.groups.get(id)
    if (s === undefined) out.push({ g, source: 'batch' })
    else out.push({ g: { window: g.window, key: g.key, states: g.states.map((x, i) => ops[i]!.merge(x, s.states[i])) }, source: 'both' })
  }
  for (const [id, g] of speed.groups) if (!batch.groups.has(id)) out.push({ g, source: 'speed' })
  return out
}

/**
 * The default order (sortRows in views/evaluate.ts): window, then key columns.
 * Windows compare as numbers, the same order as their ISO-8601 strings.
 */
function byWindowThenKey(x: Ranked, y: Ranked): number {
  const a = x.g
  const b = y.g
  if (a.window !== b.window) return a.window === null ? -1 : b.window === null ? 1 : a.window - b.window
  for (let i = 0; i < a.key.length; i++) {
    const d = compareScalars(a.key[i]!, b.key[i]!)
    if (d !== 0) return d
  }
  return 0
}

/** The value of an order column for a group, as its row would hold it (window bounds as epoch ms, ordered alike). */
function columnOf(view: ViewDef, column: string): (g: Group) => MeasureValue {
  const { ops } = compile(view)
  const names = Object.keys(view.measures)
  const size = view.window?.size ?? 0
  if (column === 'window_start') return (g) => g.window
  if (column === 'window_end') return (g) => (g.window === null ? null : g.window + size)
  const k = Object.keys(view.key).indexOf(column)
  if (k >= 0) return (g) => g.key[k] ?? null
  const m = names.indexOf(column)
  if (m >= 0) return (g) => ops[m]!.result(g.states[m])
  const d = view.derived?.[column]
  if (d === undefined) throw new Error(`${view.name} has no column ${column}`)
  const uses = d.uses.map((u) => [u, names.indexOf(u)] as const)
  return (g) => {
    const measures: Record<string, MeasureValue> = {}
    for (const [u, i] of uses) measures[u] = ops[i]!.result(g.states[i])
    return d.compute(measures)
  }
}

function compare(a: MeasureValue, b: MeasureValue): number {
  if (a === b) return 0
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : 1
}

/** x before y on the order column, nulls last either way (0: tied). */
function byValue(desc: boolean): (x: { v: MeasureValue }, y: { v: MeasureValue }) => number {
  return (x, y) => {
    const a = x.v
    const b = y.v
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
    return desc ? compare(b, a) : compare(a, b)
  }
}

/** Ordered by one column, ties in the default order (window, then key). */
function orderBy(view: ViewDef, ranked: Ranked[], column: string, desc: boolean): Ranked[] {
  const value = columnOf(view, column)
  const cmp = byValue(desc)
  const keyed = ranked.map((r) => ({ r, v: value(r.g) ?? null }))
  keyed.sort((x, y) => cmp(x, y) || byWindowThenKey(x.r, y.r))
  return keyed.map((k) => k.r)
}

/**
 * The first `n` groups of each window in the order (ties by key), windows in
 * time order: each window is ranked on its own, never the whole view.
 */
function topPerWindow(view: ViewDef, merged: Ranked[], n: number, order: ViewQuery['order']): Ranked[] {
  const value = order === undefined ? () => null : columnOf(view, order.column)
  const cmp = byValue(order?.desc ?? false)
  const byWindow = new Map<number | null, Array<{ r: Ranked; v: MeasureValue }>>()
  for (const r of merged) {
    const k = { r, v: value(r.g) ?? null }
    const list = byWindow.get(r.g.window)
    if (list === undefined) byWindow.set(r.g.window, [k])
    else list.push(k)
  }
  const windows = [...byWindow.keys()].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a - b))
  return windows.flatMap((w) =>
    byWindow
      .get(w)!
      .sort((x, y) => cmp(x, y) || byWindowThenKey(x.r, y.r))
      .slice(0, n)
      .map((k) => k.r),
  )
}

export function answer(view: ViewDef, batch: ViewPartial | undefined, speed: ViewPartial, q: ViewQuery): Answer {
  const fromBatch = batch === undefined ? undefined : selectGroups(view, batch, filterOf(q))
  const merged = mergeSides(view, fromBatch, speed)
  const sketches = sketchColumns(view)
  const estimates = anyEstimate(merged, sketches)
  let ranked: Ranked[]
  if (q.top !== undefined) ranked = topPerWindow(view, merged, q.top, q.order)
  else if (q.order !== undefined) ranked = orderBy(view, merged, q.order.column, q.order.desc)
  else ranked = merged.sort(byWindowThenKey)

  const { ops } = compile(view)
  const names = Object.keys(view.measures)
  const rows = ranked.slice(0, q.limit).map(({ g, source }) => {
    const row = finishRow(view, g.window, g.key, (name) => {
      const i = names.indexOf(name)
      return ops[i]!.result(g.states[i])
    }) as AnswerRow
    row.source = source
    row.exact = exactness(g, sketches)
    return row
  })
  return { rows, total: ranked.length, estimates }
}

function exactness(g: Group, s: ReturnType<typeof sketchColumns>): Record<string, boolean> {
  const exact: Record<string, boolean> = {}
  for (const [name, i] of s.measures) exact[name] = (g.states[i] as Hll).isExact()
  for (const [name, uses] of s.derived) exact[name] = uses.every((u) => exact[u])
  return exact
}

/** Some distinct count among the selected groups (before top-N and limit) is an estimate. */
function anyEstimate(ranked: Ranked[], s: ReturnType<typeof sketchColumns>): boolean {
  for (const { g } of ranked) for (const [, i] of s.measures) if (!(g.states[i] as Hll).isExact()) return true
  return false
}
