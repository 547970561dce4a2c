// Generates a view's per-event `add` as JavaScript source, compiled once per
// view with `new Function`. Shared code running all 62 views sees every view's
// objects at each of its property loads, Map lookups and measure calls, so V8
// falls back to its slowest (megamorphic) paths there. A function of its own
// per view keeps each site monomorphic, and the definition becomes straight-line
// code: filters are comparisons, fields are named loads, a filter shared by
// several measures is tested once, counts and sums update their columns
// (group-table.ts) in place.
//
// Semantics are those of views/semantics.ts and views/state/measures.ts; the
// speed-layer equality tests hold the generated code to the reference evaluator,
// and test/unit/actors/view-compiler.test.ts to the interpreted path, byte for byte.
import type { Filter, KeyRef, Measure, ValueRef, ViewDef } from '../views/dsl.js'
import type { EventRecord, Scalar } from '../views/semantics.js'
import type { MeasureOps } from '../views/state/measures.js'
import { dateOf, DAY, formatInstant, HOUR, hourOf } from '../src/events/time.js'
import { addDistinct, TableLayout } from './group-table.js'
import { findSlot } from './key-trie.js'
import type { Bucket } from './live-view.js'

/** What the generated code needs from its LiveView. */
export interface ViewHost {
  bucketOf(time: number): Bucket
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

const HELPERS = { date: dateMemo, instant: instantMemo, hour: hourOf, distinct: addDistinct, find: findSlot, key: [] as Scalar[] }

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

/**
 * Source updating measure i of group slot `g` in columns `c` from column `a`
 * (p{i}: its filter passed; v{i}: its value), as group-table.ts's column ops.
 */
function updateSource(m: Measure, i: number, a: number): string {
  switch (m.kind) {
    case 'count':
      return `if (p${i}) c[${a}][g]++`
    case 'any':
      return `if (p${i}) c[${a}][g] = 1`
    case 'sum':
    case 'avg':
      // Neumaier's compensated sum, as measures.ts
      return `if (p${i} && typeof v${i} === 'number') { const s = c[${a}], x = s[g], u = x + v${i}; c[${a + 1}][g] += Math.abs(x) >= Math.abs(v${i}) ? x - u + v${i} : v${i} - u + x; s[g] = u; c[${a + 2}][g]++ }`
    case 'min':
    case 'max':
      return `if (p${i} && typeof v${i} === 'number') { const x = c[${a}], h = c[${a + 1}]; x[g] = h[g] === 1 ? Math.${m.kind}(x[g], v${i}) : v${i}; h[g] = 1 }`
    case 'distinct':
      return `if (p${i} && v${i} !== null) H.distinct(c, ${a}, g, typeof v${i} === 'string' ? v${i} : String(v${i}))`
    case 'first':
    case 'last':
      // ops.add decides ties; an event that loses on time alone costs no value
      return `if (p${i}) { const col = c[${a}], x = col[g]; if (x === null || time ${m.kind === 'last' ? '>=' : '<='} x.time) col[g] = ops[${i}].add(x, ${valueSource(m.value)}, e, time) }`
    case 'perKey':
      return `if (p${i}) { const col = c[${a}], x = col[g]; col[g] = ops[${i}].add(x === null ? new Map() : x, v${i}, e, time) }`
    case 'pairs':
      return ''
  }
}

/** Source of the body of a view's generated `add(e, time)`; undefined when a key column needs the generic path. */
export function addSource(def: ViewDef, layout = TableLayout.of(def)): string | undefined {
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
  const find: string[] = []
  if (k <= 1) {
    // one map: the key value (or `true` for no key) to the slot
    const last = k === 0 ? 'true' : 'k0'
    find.push(`let g = root.get(${last})`, `if (g === undefined) { root.set(${last}, (g = table.alloc(window))); ${k === 1 ? 'table.keys[0].push(k0)' : ''} }`)
  } else {
    // several columns: the path-compressed maps of key-trie.ts, the values passed in a reused array
    find.push(`const kv = H.key; ${Array.from({ length: k }, (_, i) => `kv[${i}] = k${i}`).join('; ')}`, `const g = H.find(root, table, window, kv, ${k})`)
  }
  find.push('const c = table.cols')
  find.push(...measures.map((m, i) => updateSource(m, i, layout.at[i]!)).filter((u) => u !== ''))

  lines.push('const bucket = host.bucketOf(time)', 'const table = bucket.table')
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

type SharedAdd = (host: ViewHost, ops: readonly MeasureOps<unknown>[], e: EventRecord, time: number) => void

/**
 * Generated functions by their source: one per view definition in a thread,
 * whatever the number of actors. A function of each actor's own would be
 * optimised once per actor (about a dozen per worker), and that compiling,
 * tens of milliseconds per function, took a large part of a worker's first
 * seconds.
 */
const compiled = new Map<string, SharedAdd>()

/** How many distinct functions this thread has generated (tests). */
export const generatedFunctions = (): number => compiled.size

/** A view's generated `add`, bound to its LiveView; undefined when a key column needs the generic path. */
export function compileAdd(def: ViewDef, host: ViewHost, ops: readonly MeasureOps<unknown>[], layout: TableLayout): AddFn | undefined {
  const body = addSource(def, layout)
  if (body === undefined) return undefined
  // the function's name shows in profiles
  const name = `add_${def.name.replace(/\W/g, '_')}`
  const source = `return function ${name}(host, ops, e, time) {\n${body}\n}`
  let add = compiled.get(source)
  if (add === undefined) compiled.set(source, (add = (new Function('H', source) as (helpers: typeof HELPERS) => SharedAdd)(HELPERS)))
  const shared = add
  return (e, time) => shared(host, ops, e, time)
}
