// Matches the two events of a pairing as they arrive, in any order: the first
// start of an entity with its first strictly later end. Once a pair is formed
// the entity is closed and later events of it are ignored (a correction that
// would re-pair an already formed pair is not applied; see docs/views.md).
import type { Pairing } from '../dsl.js'
import type { EventRecord } from '../semantics.js'

interface Seen {
  time: number
  id: string
}

interface EntityState {
  start: Seen | undefined
  /** end events seen before any start, earliest first */
  ends: Array<Seen & { event: EventRecord }>
  closed: boolean
}

export interface FormedPair {
  end: EventRecord
  endTime: number
  seconds: number
}

const earlier = (a: Seen, b: Seen) => a.time < b.time || (a.time === b.time && a.id < b.id)

export class PairMatcher {
  private readonly entities = new Map<string, EntityState>()

  constructor(readonly pairing: Pairing) {}

  /** Open entities (for memory accounting). */
  get size(): number {
    return this.entities.size
  }

  /** Feeds one event; returns the pair it completes, if any. */
  offer(e: EventRecord, time: number): FormedPair | undefined {
    const type = e.event_type as never
    const isStart = this.pairing.start.includes(type)
    const isEnd = this.pairing.end.includes(type)
    if (!isStart && !isEnd) return undefined
    const key = this.pairing.entity.length === 1 ? String(e[this.pairing.entity[0]!]) : JSON.stringify(this.pairing.entity.map((f) => e[f] ?? null))
    let st = this.entities.get(key)
    if (st === undefined) this.entities.set(key, (st = { start: undefined, ends: [], closed: false }))
    if (st.closed) return undefined
    const seen = { time, id: String(e.event_id) }
    if (isStart && (st.start === undefined || earlier(seen, st.start))) {
      st.start = seen
      // an end that arrived before its start may complete the pair now
      const end = st.ends.find((x) => x.time > seen.time)
      if (end !== undefined) return this.close(st, end.event, end.time)
    }
    if (isEnd && st.start !== undefined && time > st.start.time) return this.close(st, e, time)
    if (isEnd) {
      st.ends.push({ ...seen, event: e })
      st.ends.sort((a, b) => (earlier(a, b) ? -1 : 1))
    }
    return undefined
  }

  private close(st: EntityState, end: EventRecord, endTime: number): FormedPair {
    const seconds = (endTime - st.start!.time) / 1000
    st.closed = true
    st.ends = []
    return { end, endTime, seconds }
  }
}
