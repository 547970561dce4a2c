// Hand-made events for the view tests. Deliberately dumb: ids count up (so a
// later-built event has the larger event_id), times are written out.
import type { TimedEvent } from '../../views/evaluate.js'

let seq = 0

/** An event at `at` ('HH:MM:SS' on 2026-11-02, or a full ISO instant). */
export function ev(topic: string, type: string, at: string, fields: Record<string, unknown> = {}): TimedEvent {
  const timestamp = at.includes('T') ? at : `2026-11-02T${at}Z`
  const event = { event_id: `e${String(++seq).padStart(5, '0')}`, event_type: type, timestamp, user_id: 'u1', ...fields }
  return { topic, event, time: Date.parse(timestamp) }
}

/** The same delivery again (a duplicate: same event_id). */
export const again = (e: TimedEvent): TimedEvent => ({ ...e })

/** `2026-11-02THH:MM:00.000Z` */
export const at = (hhmm: string, day = '02') => `2026-11-${day}T${hhmm}:00.000Z`
