// Faults a real producer fleet shows, injected on purpose: records that break
// the contract, the same record delivered twice, and records that arrive late
// (after events with a later event time). Invalid records are extra records
// beside the valid stream, so the valid events stay a coherent simulation.
import type { Rng } from './rng.js'
import { EVENTS, TOPICS } from '../events/contract.js'
import type { EventType, Topic } from '../events/contract.js'

export interface Corruption {
  topic: Topic
  value: string
  /** The field the validator's reason must name ("value" for unparseable records). */
  field: string
  /** What was done, for logs and tests. */
  fault: string
}

type Obj = Record<string, unknown>

/** Turns a valid event into an invalid record with one known defect. */
export function corrupt(rng: Rng, topic: Topic, event: Obj, freshId: string): Corruption {
  const e: Obj = { ...event, event_id: freshId }
  const type = e.event_type as EventType
  const typeFields = Object.keys(EVENTS[type].fields)
  const text = () => JSON.stringify(e)
  const r = rng.int(12)
  switch (r) {
    case 0: {
      const full = text()
      return { topic, value: full.slice(0, rng.between(1, full.length - 1)), field: 'value', fault: 'truncated JSON' }
    }
    case 1:
      return { topic, value: JSON.stringify([e]), field: 'value', fault: 'JSON array instead of object' }
    case 2: {
      const f = rng.pick(['event_id', 'event_type', 'timestamp', 'user_id', ...typeFields])
      delete e[f]
      return { topic, value: text(), field: f, fault: `missing ${f}` }
    }
    case 3: {
      e.timestamp = rng.pick([
        String(e.timestamp).replace('Z', '+00:00'),
        String(e.timestamp).slice(0, 10),
        '2026-13-01T00:00:00Z',
        '1999-12-31T23:59:59Z',
        Date.parse(String(e.timestamp)),
      ])
      return { topic, value: text(), field: 'timestamp', fault: 'bad timestamp' }
    }
    case 4:
      e.event_type = rng.pick(['VIDEO_STOP', 'login', 'QUIZ_FAILED', ''])
      return { topic, value: text(), field: 'event_type', fault: 'unknown event_type' }
    case 5: {
      const other = rng.pick(TOPICS.filter((t) => t !== topic))
      return { topic: other, value: text(), field: 'event_type', fault: `sent to ${other}` }
    }
    case 6:
      e.user_id = rng.chance(0.5) ? '' : 'u'.repeat(65)
      return { topic, value: text(), field: 'user_id', fault: 'user_id length' }
    case 7:
      e.device_type = rng.pick(['desktop', 'TV', 42])
      return { topic, value: text(), field: 'device_type', fault: 'device_type not in enum' }
    case 8:
      e.role = 'superuser'
      return { topic, value: text(), field: 'role', fault: 'role not in enum' }
    default: {
      // a type-specific field broken: wrong type or out of range
      const numeric = typeFields.filter((f) => typeof e[f] === 'number')
      if ('score' in e && rng.chance(0.5)) {
        e.score = (e.max_score as number) + rng.between(1, 10)
        return { topic, value: text(), field: 'score', fault: 'score above max_score' }
      }
      if (numeric.length > 0 && rng.chance(0.6)) {
        const f = rng.pick(numeric)
        e[f] = rng.chance(0.5) ? -1 : String(e[f])
        return { topic, value: text(), field: f, fault: `${f} out of range or mistyped` }
      }
      if (typeFields.length > 0) {
        const f = rng.pick(typeFields)
        e[f] = Array.isArray(e[f]) ? [] : rng.chance(0.5) ? null : { nested: true }
        return { topic, value: text(), field: f, fault: `${f} emptied or mistyped` }
      }
      e.event_id = ''
      return { topic, value: text(), field: 'event_id', fault: 'empty event_id' }
    }
  }
}
