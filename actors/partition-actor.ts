// The actor of one Kafka topic partition: the only owner and writer of the
// speed layer's state for the keys that arrive on it. It applies records in
// offset order, exactly once (offsets below `nextOffset` are already in its
// state), and its whole state, offset included, is one snapshot.
//
// Per record: validate → dedupe by event_id (bounded horizon) → pairings (every
// event, so starts before the cutoff can still pair with ends after it) →
// events before the batch cutoff stop here → lateness against the watermark →
// every view of the topic (windowed views skip events older than the retention).
import type { Pairing } from '../views/dsl.js'
import { CATALOG } from '../views/catalog/index.js'
import type { EventRecord } from '../views/semantics.js'
import { PairMatcher } from '../views/state/pair-matcher.js'
import type { ViewPartial } from '../views/state/partial.js'
import { Reader, Writer } from '../views/state/codec.js'
import { EventValidator } from '../src/events/validate.js'
import { RecentPrints } from '../src/events/recent-prints.js'
import { HOUR, MINUTE } from '../src/events/time.js'
import { pulseError } from '../src/errors.js'
import { LiveView } from './live-view.js'
import type { GroupFilter, LiveGroup } from './live-view.js'

export interface ActorOptions {
  /** Watermark = max event time − lateness. */
  latenessMs: number
  /** Windowed views take events down to watermark − retention; older ones are dropped (speed side only). */
  retentionMs: number
  /** A partition quiet this long advances its reported watermark with processing time. */
  idleMs: number
  /** Event ids remembered per partition for dedupe. */
  dedupeIds: number
  /**
   * Pairing entities are forgotten when their latest event is this far behind
   * the watermark, unless the pairing names its own horizon.
   */
  pairHorizonMs: number
}

export const DEFAULT_ACTOR_OPTIONS: ActorOptions = {
  latenessMs: 2 * MINUTE,
  retentionMs: HOUR,
  idleMs: 30_000,
  dedupeIds: 20_000,
  pairHorizonMs: 24 * HOUR,
}

export interface ActorCounters {
  /** records applied (valid or not) */
  records: number
  valid: number
  invalid: number
  duplicates: number
  /** valid events behind the watermark but within the retention: windows updated late */
  late: number
  /** valid events older than the retention: left out of windowed views (the batch layer counts them) */
  dropped: number
  /** valid events before the batch cutoff: the batch layer's, not applied to views */
  beforeCutoff: number
  /** records at offsets already applied (replays after a restore) */
  replayed: number
}

const COUNTER_NAMES: (keyof ActorCounters)[] = ['records', 'valid', 'invalid', 'duplicates', 'late', 'dropped', 'beforeCutoff', 'replayed']

export const newCounters = (): ActorCounters => ({ records: 0, valid: 0, invalid: 0, duplicates: 0, late: 0, dropped: 0, beforeCutoff: 0, replayed: 0 })

interface PairingRun {
  matcher: PairMatcher
  views: LiveView[]
  /** the pairing's own horizon, or the actor's */
  horizonMs: number
}

// 2 added the dropped events per hour, 3 keeps the recent ids as fingerprints
// (recent-prints.ts), 4 writes each view's groups by column (GroupTable.writeColumns)
// instead of group by group; versions 1 to 3 still restore
const SNAPSHOT_VERSION = 4

export class PartitionActor {
  /** First offset not yet applied. */
  nextOffset = 0
  /** Latest event time applied (ms); -Infinity before the first event. */
  maxTime = -Infinity
  /** Events before this instant belong to the batch layer (an hour boundary; -Infinity: no batch yet). */
  cutoff = -Infinity
  /** Events dropped from windowed views (older than the retention), by event-time hour: reconciliation accounts for them. */
  readonly droppedByHour = new Map<number, number>()
  readonly counters: ActorCounters = newCounters()
  readonly views: LiveView[]
  private readonly pairings: PairingRun[] = []
  /** event type → the views that take it (most views take a few of their topic's types) */
  private readonly viewsByType = new Map<string, LiveView[]>()
  private readonly recent: RecentPrints
  private readonly validator = new EventValidator()
  /** processing time (ms) of the last record */
  private lastArrival = 0
  /** size of the last snapshot: the next one's buffer starts about that big */
  private snapshotBytes = 0

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly options: ActorOptions = DEFAULT_ACTOR_OPTIONS,
  ) {
    this.views = CATALOG.filter((v) => v.topic === topic).map((v) => new LiveView(v))
    const byPairing = new Map<Pairing, LiveView[]>()
    for (const v of this.views) for (const p of v.pairings.keys()) byPairing.set(p, [...(byPairing.get(p) ?? []), v])
    for (const [p, views] of byPairing) this.pairings.push({ matcher: new PairMatcher(p), views, horizonMs: p.horizonMs ?? this.options.pairHorizonMs })
    this.recent = new RecentPrints(options.dedupeIds)
  }

  /** The event-driven watermark: max event time − lateness. */
  get eventWatermark(): number {
    return this.maxTime - this.options.latenessMs
  }

  /** The watermark as reported: a quiet partition's advances with processing time past `idleMs`. */
  watermark(now = Date.now()): number {
    const quiet = now - this.lastArrival
    return this.eventWatermark + (this.lastArrival > 0 && quiet > this.options.idleMs ? quiet - this.options.idleMs : 0)
  }

  /**
   * Applies the record at `offset` (raw value bytes or text) unless already
   * applied. `adopt` may copy a valid event's fields into an object of the
   * caller's (the scanner's cursor: actors/record-scan.ts).
   */
  apply(value: Uint8Array | string, offset: number, now = Date.now(), adopt?: (parsed: EventRecord) => EventRecord): void {
    if (!this.take(offset, now)) return
    const v = this.validator
    if (!v.check(this.topic, value)) {
      this.counters.invalid++
      return
    }
    const e = v.event as unknown as EventRecord
    this.accept(adopt === undefined ? e : adopt(e), v.eventTime)
  }

  /**
   * `apply` for a record the native scanner read (actors/record-scan.ts): its
   * fields in `e` (not kept past this call), its timestamp parsed to `time`.
   */
  applyFields(e: EventRecord, time: number, offset: number, now = Date.now()): void {
    if (!this.take(offset, now)) return
    if (!this.validator.checkScanned(this.topic, e, time)) {
      this.counters.invalid++
      return
    }
    this.accept(e, time)
  }

  /** Moves past the record at `offset`; false when it is already applied (a replay). */
  private take(offset: number, now: number): boolean {
    if (offset < this.nextOffset) {
      this.counters.replayed++
      return false
    }
    this.nextOffset = offset + 1
    this.lastArrival = now
    this.counters.records++
    return true
  }

  /** A valid event: counted once (dedupe), then applied. */
  private accept(e: EventRecord, time: number): void {
    if (!this.recent.add(e.event_id as string)) {
      this.counters.duplicates++
      return
    }
    this.counters.valid++
    this.applyEvent(e, time)
  }

  private applyEvent(e: EventRecord, time: number): void {
    const c = this.counters
    // classified against the watermark before this event moves it: deterministic on replay
    const watermark = this.eventWatermark
    const tooLate = time < watermark - this.options.retentionMs
    if (time > this.maxTime) this.maxTime = time

    for (const run of this.pairings) {
      // the horizon moves with the event-driven watermark, so a replay forgets what the first run forgot
      const pair = run.matcher.offer(e, time, watermark - run.horizonMs)
      // a pair belongs to its end event: its side of the cutoff, its lateness
      if (pair === undefined || pair.endTime < this.cutoff) continue
      const pairTooLate = pair.endTime < watermark - this.options.retentionMs
      for (const view of run.views) if (!(pairTooLate && view.def.window !== undefined)) view.addPair(run.matcher.pairing, pair)
    }

    if (time < this.cutoff) {
      c.beforeCutoff++
      return
    }
    if (tooLate) {
      c.dropped++
      const hour = time - (time % HOUR)
      this.droppedByHour.set(hour, (this.droppedByHour.get(hour) ?? 0) + 1)
    } else if (time < watermark) c.late++
    const type = e.event_type as string
    let views = this.viewsByType.get(type)
    if (views === undefined) this.viewsByType.set(type, (views = this.views.filter((v) => v.takes(type))))
    for (let i = 0; i < views.length; i++) {
      const view = views[i]!
      if (tooLate && view.def.window !== undefined) continue
      view.add(e, time)
    }
  }

  /**
   * A new batch cutoff: drops every contribution of events before it (pairing
   * starts stay in the matchers). Returns the number of groups removed.
   */
  setCutoff(cutoff: number): number {
    if (cutoff % HOUR !== 0) throw pulseError('PULSE_ERR_INVALID_STATE', `cutoff ${new Date(cutoff).toISOString()} is not an hour boundary`)
    if (cutoff <= this.cutoff) return 0
    this.cutoff = cutoff
    for (const hour of this.droppedByHour.keys()) if (hour < cutoff) this.droppedByHour.delete(hour)
    let removed = 0
    for (const v of this.views) removed += v.dropBefore(cutoff)
    return removed
  }

  /** The start of the oldest event-time hour any view holds; null when none holds anything. */
  get heldFrom(): number | null {
    let from = Infinity
    for (const v of this.views) for (const hour of v.buckets.keys()) if (hour < from) from = hour
    return Number.isFinite(from) ? from : null
  }

  /** Forgets pairing entities beyond the horizon; returns how many. */
  evict(): number {
    let n = 0
    for (const run of this.pairings) n += run.matcher.evictBefore(this.eventWatermark - run.horizonMs)
    return n
  }

  /** Live groups over all views, and open pairing entities. */
  get size(): { groups: number; entities: number } {
    let groups = 0
    for (const v of this.views) groups += v.groups
    let entities = 0
    for (const run of this.pairings) entities += run.matcher.size
    return { groups, entities }
  }

  view(name: string): LiveView | undefined {
    return this.views.find((v) => v.name === name)
  }

  /** The named view's partial over this actor's groups (merged into `into` when given). */
  query(name: string, filter: GroupFilter = {}, into?: ViewPartial): ViewPartial | undefined {
    return this.view(name)?.partial(filter, into)
  }

  /** Calls `each` for the named view's live groups that `filter` selects (see LiveView.select). */
  select(name: string, filter: GroupFilter, each: (g: LiveGroup) => void): void {
    this.view(name)?.select(filter, each)
  }

  /**
   * The whole state as bytes:
   *   u8 version, string topic, varint partition, f64 nextOffset, f64 maxTime,
   *   f64 cutoff, the counters (varints), the dropped events per hour, the
   *   recent event ids' fingerprints (RecentPrints.write), each pairing's
   *   entities (in definition order), then per view its name and its groups'
   *   columns (LiveView.write).
   */
  snapshot(): Uint8Array {
    const steps = this.snapshotSteps()
    for (;;) {
      const step = steps.next()
      if (step.done === true) return step.value
    }
  }

  /**
   * `snapshot` in steps: it pauses after the header and after each view, so
   * that a worker can answer reads in between (they change no state). Nothing
   * may change the state until the last step has returned the bytes.
   */
  *snapshotSteps(): Generator<void, Uint8Array, void> {
    const w = new Writer(this.snapshotBytes * 1.25 + 4096).u8(SNAPSHOT_VERSION).string(this.topic).varint(this.partition)
    w.f64(this.nextOffset).f64(this.maxTime).f64(this.cutoff)
    for (const name of COUNTER_NAMES) w.varint(this.counters[name])
    w.varint(this.droppedByHour.size)
    for (const [hour, n] of this.droppedByHour) w.f64(hour).varint(n)
    this.recent.write(w)
    w.varint(this.pairings.length)
    for (const run of this.pairings) run.matcher.write(w)
    w.varint(this.views.length)
    for (const v of this.views) {
      yield
      w.string(v.name)
      v.write(w)
    }
    const bytes = w.finish()
    this.snapshotBytes = bytes.length
    return bytes
  }

  /** Replaces this actor's state with a snapshot's. */
  restore(bytes: Uint8Array): void {
    const r = new Reader(bytes)
    const version = r.u8()
    if (version < 1 || version > SNAPSHOT_VERSION) throw pulseError('PULSE_ERR_INVALID_STATE', `unknown snapshot version ${version}`)
    const topic = r.string()
    const partition = r.varint()
    if (topic !== this.topic || partition !== this.partition) {
      throw pulseError('PULSE_ERR_INVALID_STATE', `snapshot of ${topic}/${partition}, expected ${this.topic}/${this.partition}`)
    }
    this.nextOffset = r.f64()
    this.maxTime = r.f64()
    this.cutoff = r.f64()
    for (const name of COUNTER_NAMES) this.counters[name] = r.varint()
    this.droppedByHour.clear()
    if (version >= 2) for (let n = r.varint(); n > 0; n--) this.droppedByHour.set(r.f64(), r.varint())
    if (version >= 3) this.recent.read(r)
    else for (let n = r.varint(); n > 0; n--) this.recent.add(r.string())
    const pairings = r.varint()
    if (pairings !== this.pairings.length) throw pulseError('PULSE_ERR_INVALID_STATE', `snapshot has ${pairings} pairings, the catalog ${this.pairings.length}`)
    for (const run of this.pairings) run.matcher.read(r)
    for (let n = r.varint(); n > 0; n--) {
      const name = r.string()
      const view = this.view(name)
      if (view === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `snapshot has view ${name}, which the catalog no longer defines`)
      view.read(r, version)
    }
    if (!r.done) throw pulseError('PULSE_ERR_INVALID_STATE', 'trailing bytes after the last view')
  }
}
