// Generates a view's per-event `add` as JavaScript source, compiled once per
// view with `new Function`. Shared code running all 62 views sees every view's
// objects at each of its property loads, Map lookups and measure calls, so V8
// falls back to its slowest (megamorphic) paths there. A function of its own
// per view keeps each site monomorphic, and the definition becomes straight-line
// code: filters are comparisons, fields are named loads, a filter shared by
// several measures is tested once, counts and sums update in place.
//
// Semantics are those of views/semantics.ts and views/state/measures.ts; the
// speed-layer equality tests hold the generated code to the reference evaluator,
// and test/unit/actors/view-compiler.test.ts to the interpreted path, byte for byte.
import type { Filter, KeyRef, Measure, ValueRef, ViewDef } from '../views/dsl.js'
import type { EventRecord } from '../views/semantics.js'
import type { MeasureOps } from '../views/state/measures.js'
import { Hll } from '../views/state/hll.js'
import { dateOf, DAY, formatInstant, HOUR, hourOf } from '../src/events/time.js'

/** What the generated code needs from its LiveView. */
export interface ViewHost {
  bucketOf(time: number): { list: unknown[]; plain: Map<unknown, unknown>; windows: Map<number, Map<unknown, unknown>> }
}

export type AddFn = (e: EventRecord, time: number) => void

// Values that depend on the event time alone, remembered while it stays in the
// same day (dates) or millisecond (instants): each call would make a new string.
// The interpreted path (LiveView.addGeneric) uses them too.
let dayStart = NaN
let dayText = ''
export function dateMemo(time: number): string {
  if (!(time >= dayStart && time < dayStart + DAY)) {
    dayStart = time - (((time % DAY) + DAY) % DAY)
    dayText = dateOf(time)
  }
  return dayText
}
let instantTime = NaN
let instantText = ''
export function instantMemo(time: number): string {
  if (time !== instantTime) {
    instantText = formatInstant(time)
    instantTime = time
  }
  return instantText
}

const HELPERS = { date: dateMemo, instant: instantMemo, hour: hourOf, hll: Hll.empty }

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const lit = (v: unknown): string => JSON.stringify(v)
const field = (f: string): string => (IDENT.test(f) ? `e.${f}` : `e[${lit(f)}]`)

/** Source of an expression for a value reference (null when absent, as valueOf). */
function valueSource(ref: ValueRef): string {
  switch (ref) {
    case 'score_pct':
      return '(100 * e.score) / e.max_score'
    case 'position_pct':
      return '(100 * e.position_seconds) / e.video_length_seconds'
    case 'time':
      return 'H.instant(time)'
    case 'date':
      return 'H.date(time)'
    case 'hour':
      return 'H.hour(time)'
    default:
      return `(${field(ref)} === undefined ? null : ${field(ref)})`
  }
}

function filterSource(f: Filter): string {
  const parts: string[] = []
  if (f.types !== undefined) parts.push(`(${f.types.map((t) => `type === ${lit(t)}`).join(' || ')})`)
  for (const [name, wanted] of Object.entries(f.where ?? {})) parts.push(`${field(name)} === ${lit(wanted)}`)
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

/** Source of one key column's value, or null when the column needs the generic path (`each`). */
function keySource(ref: KeyRef, i: number): string | null {
  if (typeof ref === 'string') return `const k${i} = ${valueSource(ref)}`
  if ('each' in ref) return null
  // no field for the event's type: the event makes no row
  const arms = Object.entries(ref.byType).map(([type, f]) => `type === ${lit(type)} ? ${valueSource(f as ValueRef)} : `)
  return `const k${i} = ${arms.join('')}undefined\n    if (k${i} === undefined) return`
}

/** Source of a new state of the measure: what its ops' init() returns, as a literal. */
function initSource(m: Measure): string {
  switch (m.kind) {
    case 'count':
      return '0'
    case 'any':
      return 'false'
    case 'sum':
    case 'avg':
      return '{ s: 0, c: 0, n: 0 }'
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return 'null'
    case 'distinct':
      return 'H.hll()'
    case 'pairs':
      return '{ n: 0, s: 0, c: 0, min: Infinity, max: -Infinity }'
    case 'perKey':
      return 'new Map()'
  }
}

/** Source updating measure i of group states `st` (p{i}: its filter passed; v{i}: its value). */
function updateSource(m: Measure, i: number): string {
  const s = `st[${i}]`
  switch (m.kind) {
    case 'count':
      return `if (p${i}) ${s}++`
    case 'any':
      return `if (p${i}) ${s} = true`
    case 'sum':
    case 'avg':
      // Neumaier's compensated sum, as measures.ts
      return `if (p${i} && typeof v${i} === 'number') { const x = ${s}; const t = x.s + v${i}; x.c += Math.abs(x.s) >= Math.abs(v${i}) ? x.s - t + v${i} : v${i} - t + x.s; x.s = t; x.n++ }`
    case 'min':
    case 'max':
      return `if (p${i} && typeof v${i} === 'number') { const x = ${s}; ${s} = x === null ? v${i} : Math.${m.kind}(x, v${i}) }`
    case 'distinct':
      return `if (p${i} && v${i} !== null) ${s}.add(typeof v${i} === 'string' ? v${i} : String(v${i}))`
    case 'first':
    case 'last':
      // ops.add decides ties; an event that loses on time alone costs no value
      return `if (p${i}) { const x = ${s}; if (x === null || time ${m.kind === 'last' ? '>=' : '<='} x.time) ${s} = ops[${i}].add(x, ${valueSource(m.value)}, e, time) }`
    case 'perKey':
      return `if (p${i}) ${s} = ops[${i}].add(${s}, v${i}, e, time)`
    case 'pairs':
      return ''
  }
}

/** Source of the body of a view's generated `add(e, time)`; undefined when a key column needs the generic path. */
export function addSource(def: ViewDef): string | undefined {
  const measures = Object.values<Measure>(def.measures)
  const keys = Object.values<KeyRef>(def.key).map(keySource)
  if (keys.some((k) => k === null)) return undefined
  const lines: string[] = ['const type = e.event_type']
  if (def.types !== undefined) lines.push(`if (!${filterSource({ types: def.types })}) return`)

  // filters shared by several measures are tested once
  const filters = new Map<string, string>()
  measures.forEach((m, i) => {
    if (m.kind === 'pairs') return
    const src = filterSource(m.filter)
    let name = filters.get(src)
    if (name === undefined) {
      filters.set(src, (name = `f${filters.size}`))
      lines.push(`const ${name} = ${src}`)
    }
    lines.push(`const p${i} = ${name}`)
    if ('value' in m && m.kind !== 'first' && m.kind !== 'last') lines.push(`const v${i} = p${i} ? ${valueSource(m.value)} : null`)
  })
  lines.push(...(keys as string[]))

  const k = keys.length
  const tuple = `[${Array.from({ length: k }, (_, i) => `k${i}`).join(', ')}]`
  const find: string[] = ['let level = root']
  for (let i = 0; i < k - 1; i++) find.push(`{ let next = level.get(k${i}); if (next === undefined) level.set(k${i}, (next = new Map())); level = next }`)
  const last = k === 0 ? 'true' : `k${k - 1}`
  // a new group has LiveView.newGroup's shape and goes in the bucket's list
  const fresh = `{ window, key: ${tuple}, states: [${measures.map(initSource).join(', ')}] }`
  find.push(`let g = level.get(${last})`, `if (g === undefined) { level.set(${last}, (g = ${fresh})); bucket.list.push(g) }`, 'const st = g.states')
  find.push(...measures.map(updateSource).filter((u) => u !== ''))

  lines.push('const bucket = host.bucketOf(time)')
  const w = def.window
  if (w === undefined) lines.push('const root = bucket.plain', 'const window = null', ...find)
  else {
    lines.push(
      `const hour = time - (time % ${HOUR})`,
      `const latest = Math.floor(time / ${w.slide}) * ${w.slide}`,
      `for (let window = latest - ${w.size - w.slide}; window <= latest; window += ${w.slide}) {`,
      `  if (time >= window + ${w.size}) continue`,
      `  const slot = (window - hour) / ${w.slide}`,
      '  let root = bucket.windows.get(slot)',
      '  if (root === undefined) bucket.windows.set(slot, (root = new Map()))',
      ...find.map((l) => `  ${l}`),
      '}',
    )
  }
  return lines.join('\n')
}

/** A view's generated `add`, bound to its LiveView; undefined when a key column needs the generic path. */
export function compileAdd(def: ViewDef, host: ViewHost, ops: readonly MeasureOps<unknown>[]): AddFn | undefined {
  const body = addSource(def)
  if (body === undefined) return undefined
  // the function's name shows in profiles
  const name = `add_${def.name.replace(/\W/g, '_')}`
  const make = new Function('host', 'ops', 'H', `return function ${name}(e, time) {\n${body}\n}`) as (h: ViewHost, o: readonly MeasureOps<unknown>[], helpers: typeof HELPERS) => AddFn
  return make(host, ops, HELPERS)
}
