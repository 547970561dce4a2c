// Hand-made events for the per-view tests. Deliberately dumb, so that it is
// obviously right: event ids count up (e0001, e0002, …: a later-built event has
// the larger event_id, and zero padding makes string order equal build order),
// the timestamp is written out, and the event time is Date.parse of it.
// `fields` are spread last, so a test can set its own event_id when a tie on
// event time must be broken by an id it names explicitly. runViewCases holds the
// checks every topic file runs over its cases.
import t from 'tap'
import { CATALOG, viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { Row, TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'

let built = 0

/** An event built at `at`: 'HH:MM:SS' or 'HH:MM:SS.mmm' on Monday 2026-11-02, or a full ISO instant. */
export function ev(topic: string, type: string, at: string, fields: Record<string, unknown>): TimedEvent {
  const timestamp = at.includes('T') ? at : `2026-11-02T${at}Z`
  const event = { event_id: `e${String(++built).padStart(4, '0')}`, event_type: type, timestamp, ...fields }
  return { topic, event, time: Date.parse(timestamp) }
}

/** The same delivery again: a duplicate (same event_id), to be counted once. */
export function again(e: TimedEvent): TimedEvent {
  return { topic: e.topic, event: { ...e.event }, time: e.time }
}

/** Window bounds of a windowed row: 'HH:MM' on 2026-11-02, as the evaluator writes them. */
export function win(start: string, end: string): { window_start: string; window_end: string } {
  return { window_start: `2026-11-02T${start}:00.000Z`, window_end: `2026-11-02T${end}:00.000Z` }
}

/** The same event under the event_id given (to break a tie on event time by a visible id). */
export function withId(e: TimedEvent, eventId: string): TimedEvent {
  return { topic: e.topic, event: { ...e.event, event_id: eventId }, time: e.time }
}

/** One view's hand-worked case: the events and the rows expected from them. */
export interface ViewCase {
  view: string
  about: string
  events: TimedEvent[]
  rows: Row[]
}

/**
 * Registers a topic file's tests: every event it built obeys the contract, the
 * cases cover every view of the topic, and each case's rows are what the
 * reference evaluator gives.
 */
export function runViewCases(topic: string, cases: readonly ViewCase[]): void {
  t.test('every event built in this file obeys the contract', async (t) => {
    const all = cases.flatMap((c) => c.events)
    t.ok(all.length > 0)
    for (const e of all) {
      const r = validateRecord(e.topic, JSON.stringify(e.event))
      t.same(r.ok ? { ok: true, time: r.eventTime } : r, { ok: true, time: e.time }, String(e.event.event_id))
    }
  })

  t.test(`one case for every ${topic.replace('_topic', '')} view of the catalog`, async (t) => {
    t.same(
      cases.map((c) => c.view).sort(),
      CATALOG.filter((v) => v.topic === topic).map((v) => v.name).sort(),
    )
  })

  for (const c of cases) {
    t.test(`${c.view}: ${c.about}`, async (t) => {
      t.same(evaluate(viewNamed(c.view)!, c.events), c.rows)
    })
  }
}
