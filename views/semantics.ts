// What a definition means for one event: which views and measures it passes,
// the values it contributes, its key tuples and its windows. Pure functions,
// shared by every executor so they cannot disagree on semantics.
import type { Filter, KeyRef, ValueRef, ViewDef, WindowSpec } from './dsl.js'
import { dateOf, formatInstant, hourOf } from '../src/events/time.js'

/** A validated event as a plain record (the parsed JSON), with its event time in ms. */
export type EventRecord = Readonly<Record<string, unknown>>

export type Scalar = string | number | boolean | null

/** A row's key values in the order of the view's key columns. */
export type KeyTuple = Scalar[]

export function valueOf(ref: ValueRef, e: EventRecord, time: number): Scalar {
  switch (ref) {
    case 'score_pct':
      return (100 * (e.score as number)) / (e.max_score as number)
    case 'position_pct':
      return (100 * (e.position_seconds as number)) / (e.video_length_seconds as number)
    case 'time':
      return formatInstant(time)
    case 'date':
      return dateOf(time)
    case 'hour':
      return hourOf(time)
    default: {
      const v = e[ref]
      return v === undefined ? null : (v as Scalar)
    }
  }
}

export function passes(filter: Filter, e: EventRecord): boolean {
  if (filter.types !== undefined && !filter.types.includes(e.event_type as never)) return false
  if (filter.where !== undefined) {
    for (const [field, wanted] of Object.entries(filter.where)) if (e[field] !== wanted) return false
  }
  return true
}

/** Does the event feed the view at all? */
export function feeds(view: ViewDef, topic: string, e: EventRecord): boolean {
  return topic === view.topic && (view.types === undefined || view.types.includes(e.event_type as never))
}

function keyValues(ref: KeyRef, e: EventRecord, time: number): Scalar[] {
  if (typeof ref === 'string') return [valueOf(ref, e, time)]
  if ('each' in ref) {
    const list = e[ref.each]
    // duplicates within one event count once: a field changed is changed
    return Array.isArray(list) ? [...new Set(list as Scalar[])] : []
  }
  const field = ref.byType[e.event_type as keyof typeof ref.byType]
  return field === undefined ? [] : [valueOf(field, e, time)]
}

/** The key tuples an event contributes to (usually one; one per element for `each` keys; none when a byType key has no field for its type). */
export function keysOf(view: ViewDef, e: EventRecord, time: number): KeyTuple[] {
  let tuples: KeyTuple[] = [[]]
  for (const ref of Object.values(view.key)) {
    const values = keyValues(ref, e, time)
    const next: KeyTuple[] = []
    for (const t of tuples) for (const v of values) next.push([...t, v])
    tuples = next
  }
  return tuples
}

/** Starts (ms) of the windows containing `time`, earliest first: [start, start + size) ∋ time. */
export function windowsFor(time: number, w: WindowSpec): number[] {
  const latest = Math.floor(time / w.slide) * w.slide
  const starts: number[] = []
  for (let s = latest - w.size + w.slide; s <= latest; s += w.slide) if (time < s + w.size) starts.push(s)
  return starts
}

/** Names of a view's output columns: window bounds, keys, measures, derived. */
export function columnsOf(view: ViewDef): string[] {
  return [
    ...(view.window ? ['window_start', 'window_end'] : []),
    ...Object.keys(view.key),
    ...Object.keys(view.measures),
    ...Object.keys(view.derived ?? {}),
  ]
}
