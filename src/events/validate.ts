// The validator. Each event type's field checks are compiled once, at module load,
// from the contract table into one straight-line function (no per-field closures,
// no loops over rule objects on the hot path). A check returns null when the event
// is valid, or a reason naming the field and the rule it breaks.
import { ENVELOPE, EVENTS, ID_MAX, TEXT_MAX, TIME_MAX, TIME_MIN, isEventType, isTopic } from './contract.js'
import type { EventType, Rule, Topic } from './contract.js'
import type { PulseEvent } from './types.js'
import { parseInstant } from './time.js'

type FieldCheck = (e: Record<string, unknown>) => string | null

function listOf(values: readonly string[]): string {
  return values.join(', ')
}

/** JS source that sets `r` to a reason when field `f` (value in `v`) breaks `rule`. */
function ruleSource(f: string, rule: Rule, required: boolean): string {
  const name = JSON.stringify(f)
  const says = (msg: string) => JSON.stringify(`${f}: ${msg}`)
  const absent = `v === undefined || v === null`
  let bad: string
  let msg: string
  switch (rule.kind) {
    case 'id':
      bad = `typeof v !== 'string' || v.length === 0 || v.length > ${ID_MAX}`
      msg = says(`must be a string of 1-${ID_MAX} characters`)
      break
    case 'text':
      bad = `typeof v !== 'string' || v.length === 0 || v.length > ${TEXT_MAX}`
      msg = says(`must be a string of 1-${TEXT_MAX} characters`)
      break
    case 'bool':
      bad = `typeof v !== 'boolean'`
      msg = says('must be a boolean')
      break
    case 'int':
      bad = `typeof v !== 'number' || !Number.isInteger(v) || v < ${rule.min}`
      msg = says(`must be an integer >= ${rule.min}`)
      break
    case 'num': {
      const lower = rule.exclusiveMin ? `v <= ${rule.min}` : `v < ${rule.min}`
      const upper = rule.max === undefined ? 'false' : `v > ${rule.max}`
      bad = `typeof v !== 'number' || !Number.isFinite(v) || ${lower} || ${upper}`
      msg =
        rule.max !== undefined
          ? says(`must be a number between ${rule.min} and ${rule.max}`)
          : says(`must be a number ${rule.exclusiveMin ? '>' : '>='} ${rule.min}`)
      break
    }
    case 'enum':
      bad = rule.values.map((x) => `v !== ${JSON.stringify(x)}`).join(' && ')
      msg = says(`must be one of ${listOf(rule.values)}`)
      break
    case 'enumList': {
      const member = rule.values.map((x) => `x !== ${JSON.stringify(x)}`).join(' && ')
      // Arrays are checked element by element so the reason can name the index.
      return `v = e[${name}];
  if (${absent}) ${required ? `return ${says('required')}` : ''};
  else if (!Array.isArray(v) || v.length === 0) return ${says('must be a non-empty array')};
  else for (let i = 0; i < v.length; i++) { const x = v[i];
    if (${member}) return ${JSON.stringify(f)} + '[' + i + ']: must be one of ${listOf(rule.values)}'; }`
    }
  }
  const whenAbsent = required ? `return ${says('required')};` : ''
  return `v = e[${name}];
  if (${absent}) { ${whenAbsent} } else if (${bad}) return ${msg};`
}

function compile(type: EventType): FieldCheck {
  const spec = EVENTS[type]
  const lines = Object.entries(spec.fields).map(([f, rule]) => ruleSource(f, rule as Rule, true))
  if ('scoreWithinMax' in spec) lines.push(`if (e.score > e.max_score) return 'score: must be <= max_score';`)
  const body = `let v;\n  ${lines.join('\n  ')}\n  return null;`
  return new Function('e', body) as FieldCheck
}

/** Envelope checks other than event_id/event_type/timestamp, which the validator does by hand. */
const checkEnvelopeRest = new Function(
  'e',
  `let v;\n  ${(['user_id', 'role', 'session_id', 'device_type', 'schema_version'] as const)
    .map((f) => ruleSource(f, ENVELOPE[f].rule as Rule, ENVELOPE[f].required))
    .join('\n  ')}\n  if (v !== undefined && v !== null && v !== 1) return 'schema_version: must be 1';\n  return null;`,
) as FieldCheck

const CHECKS = new Map<string, FieldCheck>(Object.keys(EVENTS).map((t) => [t, compile(t as EventType)]))

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Validates raw records. Holds the outcome of the last `check` in its fields
 * instead of returning a fresh object, so the hot path allocates nothing but
 * what JSON.parse makes. One instance per consumer loop; not shared across awaits.
 */
export class EventValidator {
  /** The parsed event (valid after `check` returned true). */
  event: PulseEvent = undefined as unknown as PulseEvent
  /** Event time in epoch ms (valid after `check` returned true). */
  eventTime = 0
  /** Why the record is invalid (after `check` returned false). */
  reason = ''

  /** Validates one record's value as read from `topic`. */
  check(topic: string, value: string | Uint8Array): boolean {
    let text: string
    if (typeof value === 'string') text = value
    else {
      try {
        text = utf8.decode(value)
      } catch {
        return this.fail('value: not valid UTF-8')
      }
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return this.fail('value: not valid JSON')
    }
    return this.checkParsed(topic, parsed)
  }

  /** Validates an already-parsed value (for sources that hand over objects). */
  checkParsed(topic: string, parsed: unknown): boolean {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.fail('value: not a JSON object')
    }
    return this.checkEvent(topic, parsed as Record<string, unknown>, undefined)
  }

  /**
   * Validates an event whose fields were read from its record by the native
   * scanner (actors/record-scan.ts), its timestamp already parsed to `time`.
   */
  checkScanned(topic: string, e: Record<string, unknown>, time: number): boolean {
    return this.checkEvent(topic, e, time)
  }

  private checkEvent(topic: string, e: Record<string, unknown>, parsedTime: number | undefined): boolean {
    const id = e.event_id
    if (id === undefined || id === null) return this.fail('event_id: required')
    if (typeof id !== 'string' || id.length === 0 || id.length > ID_MAX) {
      return this.fail(`event_id: must be a string of 1-${ID_MAX} characters`)
    }
    const type = e.event_type
    if (type === undefined || type === null) return this.fail('event_type: required')
    if (typeof type !== 'string') return this.fail('event_type: must be a string')
    if (!isEventType(type)) return this.fail(`event_type: unknown type ${JSON.stringify(type.slice(0, 64))}`)
    if (EVENTS[type].topic !== topic) {
      return this.fail(
        isTopic(topic)
          ? `event_type ${type} does not belong on ${topic}`
          : `topic: unknown topic ${JSON.stringify(topic)}`,
      )
    }
    let time = parsedTime
    if (time === undefined) {
      const ts = e.timestamp
      if (ts === undefined || ts === null) return this.fail('timestamp: required')
      time = typeof ts === 'string' ? parseInstant(ts) : NaN
      if (time !== time) return this.fail('timestamp: not an ISO-8601 UTC instant')
    }
    if (time < TIME_MIN || time >= TIME_MAX) {
      return this.fail('timestamp: must be between 2000-01-01 and 2100-01-01')
    }
    const reason = checkEnvelopeRest(e) ?? CHECKS.get(type)!(e)
    if (reason !== null) return this.fail(reason)
    this.event = e as unknown as PulseEvent
    this.eventTime = time
    return true
  }

  private fail(reason: string): false {
    this.reason = reason
    return false
  }
}

export type Validation =
  | { ok: true; event: PulseEvent; eventTime: number }
  | { ok: false; reason: string }

const shared = new EventValidator()

/** Convenience form for cold paths and tests; hot loops keep their own EventValidator. */
export function validateRecord(topic: Topic | string, value: string | Uint8Array): Validation {
  return shared.check(topic, value)
    ? { ok: true, event: shared.event, eventTime: shared.eventTime }
    : { ok: false, reason: shared.reason }
}
