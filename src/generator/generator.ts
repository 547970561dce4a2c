// The event generator: a seeded simulation of a university whose output stream
// mixes in the faults of real producers (invalid records, duplicate deliveries,
// late arrivals) at configured fractions. `next()` returns records in the order
// a producer would send them; it never ends (the caller decides when to stop).
import { Rng } from './rng.js'
import { Scheduler } from './scheduler.js'
import { MinHeap } from './heap.js'
import { University } from './university.js'
import { corrupt } from './faults.js'
import { arrivals, bruteForce, dailyNotices, signup, studentSession, teacherSession } from './behaviour.js'
import type { Actor, SimContext } from './behaviour.js'
import { EVENTS } from '../events/contract.js'
import type { EventType, Topic } from '../events/contract.js'
import { formatInstant } from '../events/time.js'

export type RecordKind = 'valid' | 'late' | 'duplicate' | 'invalid'

export interface GeneratedRecord {
  topic: Topic
  /** Kafka record key: the event's user_id. */
  key: string
  /** The raw record text, exactly as produced. */
  value: string
  kind: RecordKind
  /** Event time in epoch ms (NaN for invalid records). */
  eventTime: number
  /** For invalid records: the field the validator must name. */
  field?: string
}

export interface GeneratorOptions {
  seed: number
  /** Event time of the simulation's start, epoch ms. */
  start: number
  students: number
  teachers: number
  courses: number
  /** Invalid records added per valid event (0–1). */
  invalid: number
  /** Probability that a record is delivered a second time (0–1). */
  duplicates: number
  /** Probability that a valid event is held back and sent late (0–1). */
  late: number
  /** Typical lateness bound (ms); a tenth of late events exceed an hour instead. */
  lateMaxMs: number
  /** Multiplies everyone's activity (1 = natural pace of the population). */
  intensity: number
  /**
   * Simulate this long before `start` without emitting, so the first events
   * come from a platform already in use (sessions open, videos playing).
   */
  warmupMs: number
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  seed: 1,
  start: Date.UTC(2026, 10, 2), // a Monday, 00:00 UTC: runs are reproducible by default
  students: 5000,
  teachers: 40,
  courses: 60,
  invalid: 0.01,
  duplicates: 0.01,
  late: 0.02,
  lateMaxMs: 30 * 60_000,
  intensity: 1,
  warmupMs: 0,
}

interface Pending {
  topic: Topic
  key: string
  event: Record<string, unknown>
  time: number
}

interface Held {
  record: GeneratedRecord
  /** Event time (late records) or emission count (duplicates) at which to release. */
  due: number
  seq: number
}

const heldOrder = (a: Held, b: Held) => a.due < b.due || (a.due === b.due && a.seq < b.seq)

const EXTRA_FIELDS = [{ app_version: '4.2.1' }, { client: { os: 'android', build: 512 } }, { ab_bucket: 'B' }]

export class EventGenerator {
  readonly options: GeneratorOptions
  readonly counts: Record<RecordKind, number> = { valid: 0, late: 0, duplicate: 0, invalid: 0 }
  private readonly rng: Rng
  private readonly faultRng: Rng
  private readonly sched: Scheduler
  private readonly uni: University
  private readonly out: Pending[] = []
  private outHead = 0
  private readonly lateQueue = new MinHeap<Held>(heldOrder)
  private readonly redeliveries = new MinHeap<Held>(heldOrder)
  private heldSeq = 0
  private emitted = 0
  private eventSeq = 0
  private sessionSeq = 0
  private notificationSeq = 0
  private readonly tag: string

  constructor(options: Partial<GeneratorOptions> = {}) {
    this.options = { ...DEFAULT_GENERATOR_OPTIONS, ...options }
    const o = this.options
    this.tag = o.seed.toString(36)
    const root = new Rng(o.seed)
    // Separate streams: changing fault fractions leaves the simulated behaviour unchanged.
    this.rng = root.fork()
    this.faultRng = root.fork()
    this.sched = new Scheduler(o.start - o.warmupMs)
    this.uni = new University({ students: o.students, teachers: o.teachers, courses: o.courses }, o.start, this.rng)
    const ctx: SimContext = {
      rng: this.rng,
      uni: this.uni,
      sched: this.sched,
      emit: (type, actor, fields) => this.emit(type, actor, fields),
      newSessionId: () => `${this.tag}-S${(++this.sessionSeq).toString(36)}`,
      newNotificationId: () => `${this.tag}-N${(++this.notificationSeq).toString(36)}`,
    }
    const k = o.intensity
    const { uni, rng } = this
    this.sched.spawn(arrivals(ctx, () => uni.totalActivity * k, (c) => c.sched.spawn(studentSession(c, uni.pickActiveStudent()))))
    this.sched.spawn(arrivals(ctx, () => uni.teachers.length * 2.5 * k, (c) => c.sched.spawn(teacherSession(c, rng.int(uni.teachers.length)))))
    this.sched.spawn(arrivals(ctx, () => uni.students.length * 0.005 * k, (c) => c.sched.spawn(signup(c))))
    this.sched.spawn(arrivals(ctx, () => 3 * k, (c) => c.sched.spawn(bruteForce(c))))
    this.sched.spawn(dailyNotices(ctx))
  }

  /** Current simulated event time (epoch ms). */
  get clock(): number {
    return this.sched.now
  }

  /** Distinct valid events the simulation has produced so far (sent, or held to be sent late). */
  get produced(): number {
    return this.counts.valid + this.counts.late + this.lateQueue.size
  }

  /**
   * The next record a producer sends, or undefined when that would need a new
   * simulated event beyond `limit` distinct valid events (use drain() then).
   */
  next(limit = Infinity): GeneratedRecord | undefined {
    for (;;) {
      const dup = this.redeliveries.peek()
      if (dup !== undefined && dup.due <= this.emitted) return this.send(this.redeliveries.pop()!.record)
      const late = this.lateQueue.peek()
      if (late !== undefined && late.due <= this.sched.now) return this.send(this.lateQueue.pop()!.record)

      if (this.produced >= limit) return undefined
      const p = this.nextSimulated()
      const record: GeneratedRecord = {
        topic: p.topic,
        key: p.key,
        value: JSON.stringify(p.event),
        kind: 'valid',
        eventTime: p.time,
      }
      const f = this.faultRng
      if (f.chance(this.options.late)) {
        record.kind = 'late'
        this.lateQueue.push({ record, due: p.time + this.lateness(), seq: this.heldSeq++ })
        continue
      }
      if (f.chance(this.options.invalid)) {
        // the bad record goes out first; the valid one stays next in line
        this.outHead--
        const c = corrupt(f, p.topic, p.event, this.newEventId())
        return this.send({ topic: c.topic, key: p.key, value: c.value, kind: 'invalid', eventTime: NaN, field: c.field })
      }
      return this.send(record)
    }
  }

  /** Releases everything held back (late and redelivered records), e.g. at the end of a run. */
  drain(): GeneratedRecord[] {
    const rest: GeneratedRecord[] = []
    for (let h = this.lateQueue.pop(); h !== undefined; h = this.lateQueue.pop()) rest.push(this.send(h.record))
    for (let h = this.redeliveries.pop(); h !== undefined; h = this.redeliveries.pop()) rest.push(this.countOnly(h.record))
    return rest
  }

  private send(record: GeneratedRecord): GeneratedRecord {
    this.countOnly(record)
    if (record.kind !== 'invalid' && record.kind !== 'duplicate' && this.faultRng.chance(this.options.duplicates)) {
      const copy: GeneratedRecord = { ...record, kind: 'duplicate' }
      this.redeliveries.push({ record: copy, due: this.emitted + this.faultRng.int(50), seq: this.heldSeq++ })
    }
    return record
  }

  private countOnly(record: GeneratedRecord): GeneratedRecord {
    this.counts[record.kind]++
    this.emitted++
    return record
  }

  private lateness(): number {
    const f = this.faultRng
    const min = 150_000 // beyond the 2-minute watermark delay
    if (f.chance(0.1)) return 65 * 60_000 + f.int(2 * 3_600_000) // older than the default retention
    return min + f.int(Math.max(1, this.options.lateMaxMs - min))
  }

  private nextSimulated(): Pending {
    while (this.outHead >= this.out.length) {
      if (this.outHead > 0) {
        this.out.length = 0
        this.outHead = 0
      }
      this.sched.step()
    }
    return this.out[this.outHead++]!
  }

  private newEventId(): string {
    return `${this.tag}-${(++this.eventSeq).toString(36)}`
  }

  private emit(type: EventType, actor: Actor, fields: Record<string, unknown>): void {
    const now = this.sched.now
    if (now < this.options.start) return // warm-up: the platform's past, not part of this run
    const e: Record<string, unknown> = {
      event_id: this.newEventId(),
      event_type: type,
      timestamp: formatInstant(now),
      user_id: actor.user,
    }
    if (actor.role !== undefined) e.role = actor.role
    if (actor.session !== undefined) e.session_id = actor.session
    if (actor.device !== undefined) e.device_type = actor.device
    Object.assign(e, fields)
    // Producers are not uniform: some stamp the schema version, some add fields of their own.
    const r = this.rng.float()
    if (r < 0.1) e.schema_version = 1
    else if (r < 0.12) Object.assign(e, this.rng.pick(EXTRA_FIELDS))
    this.out.push({ topic: EVENTS[type].topic, key: actor.user, event: e, time: now })
  }
}

/**
 * Mean valid events per second one student produces at intensity 1, measured
 * over 4 simulated days of 2,000 and 5,000 students (8.9e-4 both times; see
 * test/unit/generator.test.ts). Used to aim a live run at a requested rate; a
 * live run opens at roughly 60% of it while sessions fill up (about 30 minutes).
 */
export const EVENTS_PER_STUDENT_SECOND = 8.9e-4

/** The intensity at which `students` produce about `rate` events per second. */
export function intensityForRate(rate: number, students: number): number {
  return rate / (students * EVENTS_PER_STUDENT_SECOND)
}
