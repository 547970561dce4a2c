// Matches the two events of a pairing as they arrive, in any order: the first
// start of an entity with its first strictly later end. Once a pair is formed
// the entity is closed and later events of it are ignored (a correction that
// would re-pair an already formed pair is not applied; see docs/views.md).
// A long-lived executor bounds its memory by a horizon of event time: an
// entity whose latest event is older than the horizon is forgotten. `offer`
// applies the horizon itself (an entity past it starts afresh), so what pairs
// never depends on when `evictBefore` last freed the memory: a snapshot, a
// crash and a replay give the pairs an uninterrupted run gives.
import { fieldsOf } from '../../src/events/contract.js'
import type { Pairing } from '../dsl.js'
import type { EventRecord } from '../semantics.js'
import type { Reader, Writer } from './codec.js'

interface Seen {
  time: number
  id: string
}

interface EntityState {
  start: Seen | undefined
  /** end events seen before any start, earliest first */
  ends: Array<Seen & { event: EventRecord }>
  closed: boolean
  /** latest event time seen for the entity */
  touched: number
}

export interface FormedPair {
  end: EventRecord
  endTime: number
  seconds: number
}

const earlier = (a: Seen, b: Seen) => a.time < b.time || (a.time === b.time && a.id < b.id)

export class PairMatcher {
  private readonly entities = new Map<string, EntityState>()
  private readonly starts: ReadonlySet<string>
  private readonly endTypes: ReadonlySet<string>
  /** the contract fields an end event may carry: envelope, then each end type's */
  private readonly endFields: readonly string[]

  constructor(readonly pairing: Pairing) {
    this.starts = new Set(pairing.start)
    this.endTypes = new Set(pairing.end)
    this.endFields = fieldsOf(pairing.end)
  }

  /**
   * What an end kept for a later start holds: its contract fields, copied, in
   * contract order. The event handed to `offer` may be an object its caller
   * reuses for the next record (the speed layer's scanner cursor), and however
   * a record was read, the copy (and the snapshot that writes it) is the same.
   */
  private keep(e: EventRecord): EventRecord {
    const out: Record<string, unknown> = {}
    for (const f of this.endFields) {
      const v = e[f]
      if (v !== undefined) out[f] = v
    }
    return out
  }

  /** Entities remembered (open or closed). */
  get size(): number {
    return this.entities.size
  }

  private entityOf(e: EventRecord): string {
    const fields = this.pairing.entity
    if (fields.length === 1) return String(e[fields[0]!])
    let key = ''
    for (const f of fields) key += `${e[f] ?? '\u0000'}\u0001`
    return key
  }

  /**
   * Feeds one event; returns the pair it completes, if any. An entity whose
   * latest event is before `forgetBefore` is treated as forgotten.
   */
  offer(e: EventRecord, time: number, forgetBefore = -Infinity): FormedPair | undefined {
    const type = e.event_type as string
    const isStart = this.starts.has(type)
    const isEnd = this.endTypes.has(type)
    if (!isStart && !isEnd) return undefined
    const key = this.entityOf(e)
    let st = this.entities.get(key)
    if (st === undefined || st.touched < forgetBefore) this.entities.set(key, (st = { start: undefined, ends: [], closed: false, touched: time }))
    if (time > st.touched) st.touched = time
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
      st.ends.push({ ...seen, event: this.keep(e) })
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

  /** Frees entities whose latest event is older than `time` (a horizon `offer` has passed); returns how many. */
  evictBefore(time: number): number {
    let n = 0
    for (const [key, st] of this.entities) {
      if (st.touched < time) {
        this.entities.delete(key)
        n++
      }
    }
    return n
  }

  /** Binary form (snapshots): entity count, then per entity its key, flags, start and early ends. */
  write(w: Writer): void {
    w.varint(this.entities.size)
    for (const [key, st] of this.entities) {
      w.string(key).u8((st.closed ? 1 : 0) | (st.start !== undefined ? 2 : 0)).f64(st.touched)
      if (st.start !== undefined) w.f64(st.start.time).string(st.start.id)
      w.varint(st.ends.length)
      for (const end of st.ends) w.f64(end.time).string(end.id).string(JSON.stringify(end.event))
    }
  }

  read(r: Reader): void {
    this.entities.clear()
    for (let n = r.varint(); n > 0; n--) {
      const key = r.string()
      const flags = r.u8()
      const touched = r.f64()
      const start = flags & 2 ? { time: r.f64(), id: r.string() } : undefined
      const ends: EntityState['ends'] = []
      for (let k = r.varint(); k > 0; k--) ends.push({ time: r.f64(), id: r.string(), event: JSON.parse(r.string()) as EventRecord })
      this.entities.set(key, { start, ends, closed: (flags & 1) === 1, touched })
    }
  }
}
