// A worker's way from a batch's bytes to its actors, without JSON.parse for the
// common record. The native scanner (native/core/event_scan.h) lays out each
// record's contract fields as tags and numbers, strings interned to ids whose
// text reaches JavaScript once; here one reused object per topic (the cursor)
// takes a record's fields, and the actor validates and applies it like a parsed
// event. Every topic's cursor has the one shape of a class holding all contract
// fields, so the loads from it in views and in the actor's shared code stay
// monomorphic, where JSON.parse's objects come in as many shapes as the fields
// producers add. A record the scanner cannot read with certainty goes through
// the actor's JSON path as before, which also words why a record is invalid.
//
// Nothing may keep the cursor past the record: views keep values, never the event.
import { fieldsOf, TOPICS, typesOn } from '../src/events/contract.js'
import type { Topic } from '../src/events/contract.js'
import { pulseError } from '../src/errors.js'
import { createEventScanner } from '../src/native.js'
import type { NativeEventScanner } from '../src/native.js'
import type { EventRecord } from '../views/semantics.js'
import type { PartitionActor } from './partition-actor.js'
import { isTextBatch } from './record-batch.js'
import type { RecordBatch } from './record-batch.js'

/** Fields kept as spans of the record, not interned: unique per event. */
const SPAN_FIELDS = new Set(['event_id', 'timestamp'])

/** Interned strings held before the dictionary starts over (values already in the state are unaffected). */
export const DICT_LIMIT = 1 << 19

// the native tags (event_scan.h)
const ABSENT = 0
const NULL = 1
const FALSE = 2
const TRUE = 3
const NUMBER = 4
const INTERNED = 5
const SPAN = 6

/** The contract fields an event on `topic` may carry, envelope first: the cursor's fields. */
export function topicFields(topic: Topic): string[] {
  return fieldsOf(typesOn(topic))
}

interface Cursor extends Record<string, unknown> {
  /** where the timestamp's text is, read only when asked for (views use the parsed time) */
  $buf: Buffer
  $at: number
  $len: number
}

type Fill = (c: Cursor, tags: Uint8Array, nums: Float64Array, lens: Uint32Array, dict: string[], buf: Buffer, base: number) => void

const IDENT = /^[a-z_][a-z0-9_]*$/

/** The value of a field's tag and number as JSON.parse would have made it. */
function valueSource(f: number): string {
  const at = `base + ${f}`
  return `(t = tags[${at}]) === ${INTERNED} ? dict[nums[${at}]] : t === ${NUMBER} ? nums[${at}] : t === ${SPAN} ? buf.latin1Slice(nums[${at}], nums[${at}] + lens[${at}]) : t === ${ABSENT} ? undefined : t === ${NULL} ? null : t === ${TRUE}`
}

/**
 * The cursor class: every contract field of every topic, so that a worker's
 * cursors, whatever their topic, share one hidden class. Code shared by all
 * actors (validation, dedupe, pairings) then sees one shape of event where six
 * per-topic classes made its property loads polymorphic, and V8 kept
 * recompiling it as each new class arrived.
 */
function compileCursorClass(names: readonly string[]): new () => Cursor {
  const init = names.filter((n) => n !== 'timestamp').map((n) => `this.${n} = undefined`).join('; ')
  return new Function(`return class ScannedEvent {
    constructor() { ${init}; this.$buf = null; this.$at = 0; this.$len = 0 }
    get timestamp() { return this.$buf.latin1Slice(this.$at, this.$at + this.$len) }
  }`)() as new () => Cursor
}

/** The fill function of one topic, generated so each field is a named load and store. */
function compileFill(topic: Topic, names: readonly string[], Class: new () => Cursor): Fill {
  if (!names.includes('timestamp')) throw pulseError('PULSE_ERR_INTERNAL', `${topic} has no timestamp field`)
  const body = [
    'let t',
    ...names.map((n, f) => (n === 'timestamp' ? `c.$buf = buf; c.$at = nums[base + ${f}]; c.$len = lens[base + ${f}]` : `c.${n} = ${valueSource(f)}`)),
  ]
  // named, so that it shows in profiles
  const fill = new Function(`return function fill_${topic}(c, tags, nums, lens, dict, buf, base) {\n${body.join('\n')}\n}`)() as Fill
  warm(fill, new Class(), names.length)
  return fill
}

type Adopt = (c: Cursor, parsed: EventRecord) => EventRecord

/**
 * Copies a parsed, valid event's contract fields into a cursor, so that what
 * JSON.parse made (a profile update's list of fields, a faulty record's repair)
 * reaches the actor in the cursor's shape too. The timestamp of a valid event
 * is ISO-8601 text: ASCII, the same read back through latin1.
 */
function compileAdopt(topic: Topic, names: readonly string[]): Adopt {
  const body = names.map((n) => (n === 'timestamp' ? 'const ts = Buffer.from(p.timestamp, "latin1"); c.$buf = ts; c.$at = 0; c.$len = ts.length' : `c.${n} = p.${n}`))
  return new Function('Buffer', `return function adopt_${topic}(c, p) {\n${body.join('\n')}\nreturn c\n}`)(Buffer) as Adopt
}

/**
 * Runs `fill` once with every field at each tag. An optimised fill that meets
 * a tag it has not seen (a rare null, a faulty record's number) is thrown away
 * and compiled again, and the cursor's fields widen their representation one
 * value kind at a time, each change another round: seen as a fill compiled
 * eight or nine times in a worker's first seconds. After this, the type
 * feedback covers every branch and the fields hold any value from the start.
 */
function warm(fill: Fill, c: Cursor, fields: number): void {
  const tags = new Uint8Array(fields)
  const nums = new Float64Array(fields)
  const lens = new Uint32Array(fields)
  const buf = Buffer.alloc(1)
  // V8 records feedback only from a function's ninth call or so (its feedback
  // vector is allocated lazily): the first rounds pass unrecorded
  for (let round = 0; round < 4; round++) {
    for (const tag of [INTERNED, NUMBER, SPAN, ABSENT, NULL, FALSE, TRUE]) {
      tags.fill(tag)
      fill(c, tags, nums, lens, [''], buf, 0)
    }
  }
}

interface TopicScan {
  id: number
  fields: number
  cursor: Cursor
  fill: Fill
  /** adopt, bound to the cursor */
  adopt: (parsed: EventRecord) => EventRecord
}

/**
 * One per worker. `applyBatch` runs a batch's records [from, to) through an
 * actor; a batch is scanned once, on its first slice, so its records' layout
 * stays valid while its later slices are applied (a worker applies one batch
 * at a time).
 */
export class RecordScanner {
  private readonly native: NativeEventScanner
  private readonly topics = new Map<string, TopicScan>()
  private dict: string[] = ['']
  private tags = new Uint8Array(0)
  private nums = new Float64Array(0)
  private lens = new Uint32Array(0)
  private status = new Uint8Array(0)
  private times = new Float64Array(0)
  /** the batch last scanned, its bytes as a Buffer, and whether its values are text */
  private batch: RecordBatch | undefined
  private buf: Buffer = Buffer.alloc(0)
  private text: boolean | undefined

  constructor(private readonly dictLimit = DICT_LIMIT) {
    const fieldsByTopic = TOPICS.map(topicFields)
    const all = [...new Set(fieldsByTopic.flat())]
    // the contract's field names become source text: only plain identifiers may
    for (const n of all) if (!IDENT.test(n)) throw pulseError('PULSE_ERR_INTERNAL', `contract field ${JSON.stringify(n)} is not a plain identifier`)
    const Class = compileCursorClass(all)
    const specs = TOPICS.map((topic, id) => {
      const names = fieldsByTopic[id]!
      const cursor = new Class()
      const adopt = compileAdopt(topic, names)
      this.topics.set(topic, { id, fields: names.length, cursor, fill: compileFill(topic, names, Class), adopt: (p) => adopt(cursor, p) })
      return { names, span: names.map((n) => SPAN_FIELDS.has(n)), timestamp: names.indexOf('timestamp') }
    })
    this.native = createEventScanner(specs)
  }

  /** Applies records [from, to) of `b` to `actor` (which owns b's partition). */
  applyBatch(actor: PartitionActor, b: RecordBatch, from: number, to: number, now: number): void {
    const topic = this.topics.get(b.topic)
    if (topic === undefined) {
      // not a contract topic: every record is invalid, as the JSON path says
      this.fallback(actor, b, from, to, now)
      return
    }
    if (this.batch !== b) this.scan(b, topic)
    const { cursor, fill, fields } = topic
    const { tags, nums, lens, status, times, dict, buf } = this
    const offsets = b.offsets
    for (let i = from; i < to; i++) {
      if (status[i] === 0) {
        fill(cursor, tags, nums, lens, dict, buf, i * fields)
        actor.applyFields(cursor as EventRecord, times[i]!, offsets[i]!, now)
      } else this.fallback(actor, b, i, i + 1, now, topic.adopt)
    }
  }

  private scan(b: RecordBatch, topic: TopicScan): void {
    const n = b.ends.length
    if (this.dict.length > this.dictLimit) {
      this.native.reset()
      this.dict = ['']
    }
    if (this.status.length < n) {
      this.status = new Uint8Array(n)
      this.times = new Float64Array(n)
    }
    const cells = n * topic.fields
    if (this.tags.length < cells) {
      this.tags = new Uint8Array(cells)
      this.nums = new Float64Array(cells)
      this.lens = new Uint32Array(cells)
    }
    this.native.scan(topic.id, b.data, b.ends, 0, n, this.tags, this.nums, this.lens, this.status, this.times, this.dict)
    this.use(b)
  }

  /** Makes `b` the batch at hand: its bytes as a Buffer; whether it is text, not yet known. */
  private use(b: RecordBatch): void {
    this.batch = b
    this.buf = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)
    this.text = undefined
  }

  /** Records [from, to) through the actor's JSON path: as text when the whole batch is valid UTF-8, else as bytes. */
  private fallback(actor: PartitionActor, b: RecordBatch, from: number, to: number, now: number, adopt?: (parsed: EventRecord) => EventRecord): void {
    if (this.batch !== b) this.use(b)
    const text = (this.text ??= isTextBatch(b))
    const buf = this.buf
    for (let i = from; i < to; i++) {
      const start = i === 0 ? 0 : b.ends[i - 1]!
      const end = b.ends[i]!
      actor.apply(text ? buf.toString('utf8', start, end) : buf.subarray(start, end), b.offsets[i]!, now, adopt)
    }
  }
}
