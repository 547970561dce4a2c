// The reference evaluator: the oracle the speed and batch layers are tested
// against. It favours being obviously right over being fast: it collects each
// row's events in a list and computes every measure from that list directly,
// with exact sets for distinct counts. It shares no state code with the
// executors it checks, only the meaning of a definition (semantics.ts).
import type { Measure, MeasureValue, Pairing, ViewDef } from './dsl.js'
import { columnsOf, feeds, keysOf, passes, valueOf, windowsFor } from './semantics.js'
import type { EventRecord, Scalar } from './semantics.js'
import { formatInstant } from '../src/events/time.js'

export interface TimedEvent {
  topic: string
  event: EventRecord
  /** event time, epoch ms */
  time: number
}

export type Row = Record<string, MeasureValue>

interface Pair {
  end: TimedEvent
  seconds: number
}

interface Group {
  window: number | null
  key: Scalar[]
  events: TimedEvent[]
  pairs: Map<Pairing, Pair[]>
}

const byTimeThenId = (a: TimedEvent, b: TimedEvent) =>
  a.time - b.time || (String(a.event.event_id) < String(b.event.event_id) ? -1 : String(a.event.event_id) > String(b.event.event_id) ? 1 : 0)

/** Each entity's first start event and its first strictly later end event. */
export function findPairs(p: Pairing, events: readonly TimedEvent[]): Pair[] {
  const byEntity = new Map<string, TimedEvent[]>()
  for (const ev of events) {
    const type = ev.event.event_type as never
    if (!p.start.includes(type) && !p.end.includes(type)) continue
    const entity = JSON.stringify(p.entity.map((f) => ev.event[f] ?? null))
    byEntity.set(entity, [...(byEntity.get(entity) ?? []), ev])
  }
  const out: Pair[] = []
  for (const list of byEntity.values()) {
    const sorted = [...list].sort(byTimeThenId)
    const start = sorted.find((ev) => p.start.includes(ev.event.event_type as never))
    if (start === undefined) continue
    const end = sorted.find((ev) => p.end.includes(ev.event.event_type as never) && ev.time > start.time)
    if (end !== undefined) out.push({ end, seconds: (end.time - start.time) / 1000 })
  }
  return out
}

function pairingsOf(view: ViewDef): Pairing[] {
  const found: Pairing[] = []
  for (const m of Object.values<Measure>(view.measures)) if (m.kind === 'pairs' && !found.includes(m.pairing)) found.push(m.pairing)
  return found
}

function numbers(values: Scalar[]): number[] {
  return values.filter((v): v is number => typeof v === 'number')
}

function aggregate(agg: 'count' | 'sum' | 'avg' | 'min' | 'max', xs: number[]): number | null {
  if (agg === 'count') return xs.length
  if (agg === 'sum') return xs.reduce((a, b) => a + b, 0)
  if (xs.length === 0) return null
  if (agg === 'avg') return xs.reduce((a, b) => a + b, 0) / xs.length
  return agg === 'min' ? Math.min(...xs) : Math.max(...xs)
}

function measureOf(m: Measure, g: Group): MeasureValue {
  if (m.kind === 'pairs') return aggregate(m.agg, (g.pairs.get(m.pairing) ?? []).map((p) => p.seconds))
  const events = g.events.filter((ev) => passes(m.filter, ev.event))
  switch (m.kind) {
    case 'count':
      return events.length
    case 'any':
      return events.length > 0
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return aggregate(m.kind, numbers(events.map((ev) => valueOf(m.value, ev.event, ev.time))))
    case 'distinct':
      return new Set(events.map((ev) => valueOf(m.value, ev.event, ev.time)).filter((v) => v !== null).map(String)).size
    case 'first':
    case 'last': {
      if (events.length === 0) return null
      // first: the earliest time; last: the latest. Either way a tie goes to the larger event_id.
      const idDesc = (a: TimedEvent, b: TimedEvent) => byTimeThenId(b, a) * (a.time === b.time ? 1 : -1)
      const ev = m.kind === 'first' ? [...events].sort(idDesc)[0]! : [...events].sort(byTimeThenId)[events.length - 1]!
      return valueOf(m.value, ev.event, ev.time)
    }
    case 'perKey': {
      const perSub = new Map<string, number[]>()
      for (const ev of events) {
        const v = valueOf(m.value, ev.event, ev.time)
        if (typeof v !== 'number') continue
        const sub = String(ev.event[m.subKey])
        perSub.set(sub, [...(perSub.get(sub) ?? []), v])
      }
      const inner = [...perSub.values()].map((xs) => aggregate(m.inner, xs)!)
      return aggregate(m.outer, inner)
    }
  }
}

/** Keeps the first delivery of each event_id. */
export function dedupe(events: readonly TimedEvent[]): TimedEvent[] {
  const seen = new Set<unknown>()
  return events.filter((ev) => (seen.has(ev.event.event_id) ? false : (seen.add(ev.event.event_id), true)))
}

/** The rows of `view` over `events`, ordered by window then key. */
export function evaluate(view: ViewDef, events: readonly TimedEvent[]): Row[] {
  const input = dedupe(events).filter((ev) => feeds(view, ev.topic, ev.event))
  const groups = new Map<string, Group>()
  const groupsOf = (ev: TimedEvent): Group[] => {
    const windows = view.window ? windowsFor(ev.time, view.window) : [null]
    const out: Group[] = []
    for (const w of windows) {
      for (const key of keysOf(view, ev.event, ev.time)) {
        const id = JSON.stringify([w, key])
        let g = groups.get(id)
        if (g === undefined) groups.set(id, (g = { window: w, key, events: [], pairs: new Map() }))
        out.push(g)
      }
    }
    return out
  }
  for (const ev of input) for (const g of groupsOf(ev)) g.events.push(ev)
  for (const p of pairingsOf(view)) {
    for (const pair of findPairs(p, input)) {
      for (const g of groupsOf(pair.end)) g.pairs.set(p, [...(g.pairs.get(p) ?? []), pair])
    }
  }

  const rows: Row[] = []
  for (const g of groups.values()) rows.push(finishRow(view, g.window, g.key, (name) => measureOf(view.measures[name]!, g)))
  return sortRows(view, rows)
}

/** Assembles a row: window bounds, keys, measures, then derived from the measures. */
export function finishRow(view: ViewDef, window: number | null, key: Scalar[], measure: (name: string) => MeasureValue): Row {
  const row: Row = {}
  if (view.window && window !== null) {
    row.window_start = formatInstant(window)
    row.window_end = formatInstant(window + view.window.size)
  }
  Object.keys(view.key).forEach((k, i) => (row[k] = key[i]!))
  for (const name of Object.keys(view.measures)) row[name] = measure(name)
  for (const [name, d] of Object.entries(view.derived ?? {})) row[name] = d.compute(row)
  return row
}

/** Row order for one column: nulls first, numbers by value, anything else as text. */
export function compareScalars(a: MeasureValue, b: MeasureValue): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : 1
}

/** Deterministic row order: window start, then key columns. */
export function sortRows(view: ViewDef, rows: Row[]): Row[] {
  const cols = columnsOf(view).slice(0, (view.window ? 2 : 0) + Object.keys(view.key).length)
  return rows.sort((a, b) => {
    for (const c of cols) {
      const d = compareScalars(a[c]!, b[c]!)
      if (d !== 0) return d
    }
    return 0
  })
}
