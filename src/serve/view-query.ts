// A view query's parameters, checked against the view: key filters named after
// its key columns, a time range, an order, a limit and top-N. Every mistake is a
// 400 naming the parameter, never a 500.
import type { ViewDef } from '../../views/dsl.js'
import type { Scalar } from '../../views/semantics.js'
import { columnsOf } from '../../views/semantics.js'
import { parseInstant } from '../events/time.js'
import { PulseError } from '../errors.js'

export interface ViewQuery {
  /** key column → wanted value */
  keys: Record<string, Scalar>
  /** [from, to) in ms; windowed views only */
  from?: number
  to?: number
  order?: { column: string; desc: boolean }
  limit: number
  /** per window, the N rows with the largest order value */
  top?: number
}

export const DEFAULT_LIMIT = 1000
export const MAX_LIMIT = 10_000
export const MAX_TOP = 1000
export const QUERY_PARAMS = ['from', 'to', 'order', 'limit', 'top'] as const

/** A 400 that names the offending parameter (the HTTP answer carries `param`). */
export class BadParam extends PulseError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super('PULSE_ERR_BAD_REQUEST', [`${param}: ${message}`])
  }
}

function one(param: string, raw: unknown): string {
  if (Array.isArray(raw)) throw new BadParam(param, 'given more than once')
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new BadParam(param, 'expected a single value')
  return String(raw)
}

function integer(param: string, raw: unknown, min: number, max: number): number {
  const s = one(param, raw)
  const n = /^\d+$/.test(s) ? Number(s) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new BadParam(param, `expected an integer from ${min} to ${max}, got ${JSON.stringify(s)}`)
  return n
}

/** An ISO-8601 UTC instant (2026-11-02T10:00:00Z) or epoch milliseconds. */
export function instant(param: string, raw: unknown): number {
  const s = one(param, raw)
  const t = /^\d{1,16}$/.test(s) ? Number(s) : parseInstant(s)
  if (!Number.isFinite(t)) throw new BadParam(param, `expected an ISO-8601 UTC instant (2026-11-02T10:00:00Z) or epoch milliseconds, got ${JSON.stringify(s)}`)
  return t
}

function keyValue(view: ViewDef, column: string, raw: unknown): Scalar {
  // `hour` is the only numeric key column; every other key is a string field or the date
  if (view.key[column] === 'hour') return integer(column, raw, 0, 23)
  const s = one(column, raw)
  if (s.length === 0 || s.length > 256) throw new BadParam(column, 'expected 1 to 256 characters')
  return s
}

export function parseViewQuery(view: ViewDef, raw: Readonly<Record<string, unknown>>): ViewQuery {
  const keyColumns = Object.keys(view.key)
  const q: ViewQuery = { keys: {}, limit: DEFAULT_LIMIT }
  for (const [name, value] of Object.entries(raw)) {
    if (keyColumns.includes(name)) q.keys[name] = keyValue(view, name, value)
    else if (!(QUERY_PARAMS as readonly string[]).includes(name)) {
      const known = [...keyColumns, ...QUERY_PARAMS].join(', ')
      throw new BadParam(name, `not a parameter of ${view.name} (its parameters: ${known})`)
    }
  }
  if (raw.from !== undefined || raw.to !== undefined) {
    const param = raw.from !== undefined ? 'from' : 'to'
    // a non-windowed row totals every event; the batch side has no time inside a row to cut by
    if (view.window === undefined) throw new BadParam(param, `${view.name} has no window: its rows total all events; filter by its key columns (${keyColumns.join(', ') || 'none'}) instead`)
    if (raw.from !== undefined) q.from = instant('from', raw.from)
    if (raw.to !== undefined) q.to = instant('to', raw.to)
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new BadParam('to', 'must be after from')
  }
  if (raw.order !== undefined) {
    const s = one('order', raw.order)
    const desc = s.startsWith('-')
    const column = desc ? s.slice(1) : s
    const columns = columnsOf(view)
    if (!columns.includes(column)) throw new BadParam('order', `expected a column of ${view.name}, optionally with a leading - for descending (${columns.join(', ')}), got ${JSON.stringify(s)}`)
    q.order = { column, desc }
  }
  if (raw.limit !== undefined) q.limit = integer('limit', raw.limit, 1, MAX_LIMIT)
  if (raw.top !== undefined) {
    if (view.window === undefined) throw new BadParam('top', `${view.name} has no window; use order and limit`)
    q.top = integer('top', raw.top, 1, MAX_TOP)
    const first = Object.keys(view.measures)[0]!
    if (q.order === undefined) q.order = { column: first, desc: true }
    else if (q.order.column === 'window_start' || q.order.column === 'window_end') throw new BadParam('order', 'top ranks rows within a window: order by a measure or key column')
  }
  return q
}
