// DuckDB SQL for a view definition: the peer of the batch benchmark. Each view
// becomes one query over its topic's Parquet files, doing the same work as the
// native engine: dedupe by event_id, filter by type, key (dates, hours, list
// elements, keys chosen by type), window, and measure (approx_count_distinct is
// DuckDB's HyperLogLog, the honest peer of Pulse's sketches). Pairings and
// per-key measures are their own grouped subqueries, joined on the group columns.
import type { KeyRef, Measure, Pairing, ValueRef, ViewDef } from '../views/dsl.js'

const q = (s: string) => `'${s.replace(/'/g, "''")}'`
const ident = (s: string) => `"${s}"`
const inTypes = (types: readonly string[] | undefined) => (types === undefined ? 'TRUE' : `event_type IN (${types.map(q).join(', ')})`)

function value(ref: ValueRef): string {
  switch (ref) {
    case 'score_pct':
      return '(100.0 * score / max_score)'
    case 'position_pct':
      return '(100.0 * position_seconds / video_length_seconds)'
    case 'time':
      return 'ms'
    case 'date':
      return 'd'
    case 'hour':
      return 'h'
    default:
      return ident(ref)
  }
}

function keyExpr(ref: KeyRef): string {
  if (typeof ref === 'string') return value(ref)
  if ('each' in ref) return `UNNEST(list_distinct(${ident(ref.each)}))`
  const cases = Object.entries(ref.byType).map(([t, f]) => `WHEN ${q(t)} THEN ${ident(f as string)}`)
  return `CASE event_type ${cases.join(' ')} END`
}

function measure(name: string, m: Measure): string | undefined {
  const f = 'filter' in m ? inTypes(m.filter.types) : 'TRUE'
  switch (m.kind) {
    case 'count':
      return `count(*) FILTER (WHERE ${f}) AS ${ident(name)}`
    case 'sum':
    case 'min':
    case 'max':
    case 'avg':
      return `${m.kind}(${value(m.value)}) FILTER (WHERE ${f}) AS ${ident(name)}`
    case 'distinct':
      return `approx_count_distinct(${value(m.value)}) FILTER (WHERE ${f}) AS ${ident(name)}`
    case 'first':
      return `first(${value(m.value)} ORDER BY ms ASC, event_id DESC) FILTER (WHERE ${f}) AS ${ident(name)}`
    case 'last':
      return `first(${value(m.value)} ORDER BY ms DESC, event_id DESC) FILTER (WHERE ${f}) AS ${ident(name)}`
    case 'any':
      return `bool_or(${f}) AS ${ident(name)}`
    default:
      return undefined
  }
}

/** One SQL query computing `view` over the Parquet files matched by `glob`. */
export function viewSql(view: ViewDef, glob: string): string {
  const keys = Object.entries(view.key)
  const w = view.window
  const windowCol = w === undefined ? [] : ['w']
  // keys get their own names: a key may share its name with a column (student_id)
  const kname = (n: string) => ident(`k_${n}`)
  const groupCols = [...windowCol, ...keys.map(([n]) => kname(n))]
  const base = `SELECT *, epoch_ms(timestamp) AS ms, strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%d') AS d, hour(timestamp AT TIME ZONE 'UTC') AS h
    FROM read_parquet(${q(glob)}, union_by_name = true) WHERE ${inTypes(view.types)}
    QUALIFY row_number() OVER (PARTITION BY event_id) = 1`
  // each event with its group columns (window starts fan out for sliding windows)
  const windowed =
    w === undefined
      ? 'SELECT * FROM ev'
      : w.kind === 'tumbling'
        ? `SELECT *, (ms // ${w.size}) * ${w.size} AS w FROM ev`
        : `SELECT *, (ms // ${w.slide}) * ${w.slide} - k * ${w.slide} AS w FROM ev, range(0, ${w.size / w.slide}) AS r(k)`
  const keyed = `SELECT *${keys.map(([n, ref]) => `, ${keyExpr(ref)} AS ${kname(n)}`).join('')} FROM (${windowed})`
  const hasByType = keys.some(([, ref]) => typeof ref !== 'string' && 'byType' in ref)
  const keyFilter = hasByType ? `WHERE ${keys.filter(([, r]) => typeof r !== 'string' && 'byType' in r).map(([n]) => `${kname(n)} IS NOT NULL`).join(' AND ')}` : ''
  const group = groupCols.length === 0 ? '' : `GROUP BY ${groupCols.join(', ')}`
  const sel = (cols: string[]) => [...groupCols, ...cols].join(', ')

  const parts: string[] = []
  const plain = Object.entries(view.measures)
    .map(([n, m]) => measure(n, m as Measure))
    .filter((x): x is string => x !== undefined)
  if (plain.length > 0) parts.push(`SELECT ${sel(plain)} FROM keyed ${keyFilter} ${group}`)

  const pairings = new Map<Pairing, Array<[string, Measure & { kind: 'pairs' }]>>()
  for (const [n, m] of Object.entries<Measure>(view.measures)) {
    if (m.kind === 'pairs') pairings.set(m.pairing, [...(pairings.get(m.pairing) ?? []), [n, m]])
  }
  for (const [p, list] of pairings) {
    const ent = p.entity.map(ident).join(', ')
    const aggs = list.map(([n, m]) => {
      const agg = m.agg === 'count' ? 'count(*)' : `${m.agg}(secs)`
      return `${agg} AS ${ident(n)}`
    })
    parts.push(`SELECT ${sel(aggs)} FROM (
      SELECT k.*, (k.ms - s.st) / 1000.0 AS secs FROM keyed k
      JOIN (SELECT ${ent}, min(ms) AS st FROM ev WHERE ${inTypes(p.start)} GROUP BY ${ent}) s USING (${ent})
      WHERE k.${inTypes(p.end)} AND k.ms > s.st
      QUALIFY row_number() OVER (PARTITION BY ${p.entity.map((e) => `k.${ident(e)}`).join(', ')}${w === undefined ? '' : ', k.w'} ORDER BY k.ms, k.event_id) = 1
    ) ${keyFilter} ${group}`)
  }
  for (const [n, m] of Object.entries<Measure>(view.measures)) {
    if (m.kind !== 'perKey') continue
    parts.push(`SELECT ${sel([`${m.outer}(inner_v) AS ${ident(n)}`])} FROM (
      SELECT ${sel([`${m.inner}(${value(m.value)}) AS inner_v`])}, ${ident(m.subKey)} FROM keyed ${keyFilter} ${group}${groupCols.length ? ',' : 'GROUP BY'} ${ident(m.subKey)}
    ) ${group}`)
  }
  const joined =
    parts.length === 1
      ? parts[0]
      : parts.map((p, i) => (i === 0 ? `(${p}) t0` : `FULL OUTER JOIN (${p}) t${i} ${groupCols.length ? `USING (${groupCols.join(', ')})` : 'ON TRUE'}`)).join('\n')
  return `WITH ev AS (${base}), keyed AS (${keyed}) ${parts.length === 1 ? joined : `SELECT * FROM ${joined}`}`
}
