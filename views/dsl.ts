// The view definition language. A view is data: which events feed it, how they
// are keyed, an optional event-time window, and named measures from a closed set.
// The reference evaluator, the speed layer and the batch layer all execute these
// same definitions. Field names are typed (FieldName), so a typo fails to compile.
import type { EventType, Topic } from '../src/events/contract.js'
import type { FieldName } from '../src/events/types.js'

/** Values computed from an event rather than read from one field. */
export type Computed =
  /** 100 × score / max_score */
  | 'score_pct'
  /** 100 × position_seconds / video_length_seconds */
  | 'position_pct'
  /** the event time, as an ISO-8601 instant */
  | 'time'
  /** the UTC date of the event time, YYYY-MM-DD */
  | 'date'
  /** the UTC hour of the event time, 0–23 */
  | 'hour'

/** What a measure reads from an event: a field, or a computed value. */
export type ValueRef = FieldName | Computed

/** Events a measure (or view) takes: some types, optionally only where fields equal values. */
export interface Filter {
  readonly types?: readonly EventType[]
  readonly where?: Readonly<Partial<Record<FieldName, string | number | boolean>>>
}

// ---------------------------------------------------------------- keys

/**
 * A key column: a field, a computed value (date, hour), every element of an
 * array field (one row per element), or a field chosen by event type (the
 * student of a quiz is its user_id, of a grade its student_id).
 */
export type KeyRef =
  | ValueRef
  | { readonly each: FieldName }
  | { readonly byType: Readonly<Partial<Record<EventType, FieldName>>> }

export const each = (field: FieldName): KeyRef => ({ each: field })
export const byType = (fields: Partial<Record<EventType, FieldName>>): KeyRef => ({ byType: fields })

// ---------------------------------------------------------------- windows

export interface WindowSpec {
  readonly kind: 'tumbling' | 'sliding'
  /** Window length in ms. */
  readonly size: number
  /** Distance between window starts in ms (= size when tumbling). */
  readonly slide: number
}

export const minutes = (n: number): number => n * 60_000
/** Back-to-back windows of `size` aligned to the epoch: [k·size, (k+1)·size). */
export const tumbling = (size: number): WindowSpec => ({ kind: 'tumbling', size, slide: size })
/** Windows of `size` starting every `slide` (aligned to the epoch); an event is in size/slide of them. */
export const sliding = (size: number, slide: number): WindowSpec => ({ kind: 'sliding', size, slide })

// ---------------------------------------------------------------- pairings

/**
 * Two events of one entity: the first `start` event and the first later `end`
 * event with the same entity key. The pair belongs to the end event: its key
 * columns, its window and its side of the batch cutoff.
 */
export interface Pairing {
  readonly entity: readonly FieldName[]
  readonly start: readonly EventType[]
  readonly end: readonly EventType[]
  /**
   * How long (event time) a long-lived executor remembers an entity after its
   * latest event; the speed layer's default when absent (24 h). The batch
   * layer sees every event of its range and needs none.
   */
  readonly horizonMs?: number
}

export const pairing = (p: Pairing): Pairing => p

// ---------------------------------------------------------------- measures

export type Measure =
  | { readonly kind: 'count'; readonly filter: Filter }
  | { readonly kind: 'sum' | 'min' | 'max' | 'avg'; readonly value: ValueRef; readonly filter: Filter }
  /** HyperLogLog sketch of the values (exact below 129 distinct values). */
  | { readonly kind: 'distinct'; readonly value: ValueRef; readonly filter: Filter }
  /** Value at the earliest / latest event time; ties go to the larger event_id. */
  | { readonly kind: 'first' | 'last'; readonly value: ValueRef; readonly filter: Filter }
  /** true when any event passes the filter. */
  | { readonly kind: 'any'; readonly filter: Filter }
  /** An aggregate of completed pairs' durations in seconds. */
  | { readonly kind: 'pairs'; readonly pairing: Pairing; readonly agg: 'count' | 'sum' | 'avg' | 'min' | 'max' }
  /** outer(per sub-key: inner(value)), e.g. the average over viewers of each viewer's furthest position. */
  | {
      readonly kind: 'perKey'
      readonly subKey: FieldName
      readonly inner: 'max' | 'min' | 'sum'
      readonly outer: 'avg' | 'sum' | 'max' | 'min'
      readonly value: ValueRef
      readonly filter: Filter
    }

export type MeasureKind = Measure['kind']

const f = (types?: readonly EventType[], where?: Filter['where']): Filter => ({ types, where })

export const count = (types?: readonly EventType[], where?: Filter['where']): Measure => ({ kind: 'count', filter: f(types, where) })
export const sum = (value: ValueRef, types?: readonly EventType[], where?: Filter['where']): Measure => ({ kind: 'sum', value, filter: f(types, where) })
export const min = (value: ValueRef, types?: readonly EventType[]): Measure => ({ kind: 'min', value, filter: f(types) })
export const max = (value: ValueRef, types?: readonly EventType[]): Measure => ({ kind: 'max', value, filter: f(types) })
export const avg = (value: ValueRef, types?: readonly EventType[]): Measure => ({ kind: 'avg', value, filter: f(types) })
export const distinct = (value: ValueRef, types?: readonly EventType[], where?: Filter['where']): Measure => ({ kind: 'distinct', value, filter: f(types, where) })
export const first = (value: ValueRef, types?: readonly EventType[]): Measure => ({ kind: 'first', value, filter: f(types) })
export const last = (value: ValueRef, types?: readonly EventType[]): Measure => ({ kind: 'last', value, filter: f(types) })
export const any = (types?: readonly EventType[], where?: Filter['where']): Measure => ({ kind: 'any', filter: f(types, where) })
export const pairs = (p: Pairing, agg: 'count' | 'sum' | 'avg' | 'min' | 'max'): Measure => ({ kind: 'pairs', pairing: p, agg })
export const perKey = (
  subKey: FieldName,
  inner: 'max' | 'min' | 'sum',
  value: ValueRef,
  outer: 'avg' | 'sum' | 'max' | 'min',
  types?: readonly EventType[],
): Measure => ({ kind: 'perKey', subKey, inner, outer, value, filter: f(types) })

// ---------------------------------------------------------------- derived

export type MeasureValue = number | string | boolean | null

/** A measure computed from the finalized, merged measures of its row (never merged itself). */
export interface Derived<N extends string> {
  readonly uses: readonly N[]
  readonly compute: (m: Readonly<Record<N, MeasureValue>>) => MeasureValue
  readonly describe: string
}

const num = (v: MeasureValue): number => (typeof v === 'number' ? v : 0)

/** a / b after merging (parts summed when given as lists); null when the denominator is 0. */
export function ratio<N extends string>(a: N | readonly N[], b: N | readonly N[]): Derived<N> {
  const as = typeof a === 'string' ? [a] : [...a]
  const bs = typeof b === 'string' ? [b] : [...b]
  return {
    uses: [...as, ...bs],
    describe: `ratio(${as.join('+')}, ${bs.join('+')})`,
    compute: (m) => {
      const den = bs.reduce((s, k) => s + num(m[k]), 0)
      return den === 0 ? null : as.reduce((s, k) => s + num(m[k]), 0) / den
    },
  }
}

/** Any other expression over the row's measures. */
export function expr<N extends string>(uses: readonly N[], describe: string, compute: (m: Readonly<Record<N, MeasureValue>>) => MeasureValue): Derived<N> {
  return { uses, describe, compute }
}

// ---------------------------------------------------------------- views

export interface ViewDef<M extends string = string, D extends string = string> {
  readonly name: string
  readonly kind: 'batch' | 'realtime'
  readonly description: string
  readonly topic: Topic
  /** Event types that feed the view (all of the topic when absent). */
  readonly types?: readonly EventType[]
  /** Key columns in order; empty for a single row (per window). */
  readonly key: Readonly<Record<string, KeyRef>>
  readonly window?: WindowSpec
  readonly measures: Readonly<Record<M, Measure>>
  readonly derived?: Readonly<Record<D, Derived<M>>>
}

/** Declares a view; `derived` may use only the view's own measure names. */
export function defineView<M extends string, D extends string = never>(
  view: Omit<ViewDef<M, D>, 'derived'> & { readonly derived?: Readonly<Record<D, Derived<NoInfer<M>>>> },
): ViewDef<M, D> {
  return view
}
