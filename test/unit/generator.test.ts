import t from 'tap'
import { EventGenerator, EVENTS_PER_STUDENT_SECOND } from '../../src/generator/generator.js'
import type { GeneratedRecord } from '../../src/generator/generator.js'
import { EventValidator } from '../../src/events/validate.js'
import { EVENT_TYPES } from '../../src/events/contract.js'
import { MemorySink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'

type Ev = Record<string, any>

function take(gen: EventGenerator, n: number): GeneratedRecord[] {
  const out: GeneratedRecord[] = []
  for (let i = 0; i < n; i++) out.push(gen.next()!)
  return out
}

// One shared corpus: ~2 simulated days of 2,000 students, default fault rates.
const gen = new EventGenerator({ seed: 42, students: 2000 })
const records = take(gen, 150_000).concat(gen.drain())
const validator = new EventValidator()
const valid: Array<{ r: GeneratedRecord; e: Ev }> = []
for (const r of records) if (r.kind !== 'invalid' && r.kind !== 'duplicate' && validator.check(r.topic, r.value)) valid.push({ r, e: validator.event as Ev })
const byTime = valid.slice().sort((a, b) => a.r.eventTime - b.r.eventTime)

t.test('same seed, same records; another seed, other records', async (t) => {
  const a = take(new EventGenerator({ seed: 9 }), 3000)
  const b = take(new EventGenerator({ seed: 9 }), 3000)
  const c = take(new EventGenerator({ seed: 10 }), 3000)
  t.same(a.map((r) => r.value), b.map((r) => r.value))
  t.not(a.map((r) => r.value).join('\n'), c.map((r) => r.value).join('\n'))
})

t.test('all 32 event types occur', async (t) => {
  const seen = new Set(valid.map((v) => v.e.event_type))
  t.same([...EVENT_TYPES].filter((x) => !seen.has(x)), [])
})

t.test('the validator accepts exactly the records not made invalid, and names the broken field', async (t) => {
  let wrong = 0
  let unnamed = 0
  for (const r of records) {
    const ok = validator.check(r.topic, r.value)
    if (ok !== (r.kind !== 'invalid')) wrong++
    if (!ok && !validator.reason.startsWith(r.field!)) unnamed++
  }
  t.equal(wrong, 0)
  t.equal(unnamed, 0)
})

t.test('fault fractions are near the configured ones', async (t) => {
  const c = gen.counts
  const distinct = c.valid + c.late
  t.ok(Math.abs(c.invalid / distinct - 0.01) < 0.002, `invalid ${c.invalid / distinct}`)
  t.ok(Math.abs(c.late / distinct - 0.02) < 0.003, `late ${c.late / distinct}`)
  t.ok(Math.abs(c.duplicate / records.length - 0.01) < 0.002, `duplicate ${c.duplicate / records.length}`)
})

t.test('event ids are unique except for duplicate deliveries, which repeat an earlier record byte for byte', async (t) => {
  const sent = new Set<string>()
  const ids = new Set<string>()
  let clash = 0
  let orphan = 0
  for (const r of records) {
    if (r.kind === 'duplicate') {
      if (!sent.has(r.value)) orphan++
      continue
    }
    sent.add(r.value)
    if (r.kind === 'invalid') continue
    const id = JSON.parse(r.value).event_id
    if (ids.has(id)) clash++
    ids.add(id)
  }
  t.equal(clash, 0)
  t.equal(orphan, 0)
})

t.test('late records arrive after newer events, beyond the 2-minute watermark delay', async (t) => {
  let maxSeen = -Infinity
  let late = 0
  let beyondWatermark = 0
  for (const r of records) {
    if (r.kind === 'late') {
      late++
      if (r.eventTime < maxSeen - 120_000) beyondWatermark++
    }
    if (r.kind !== 'invalid') maxSeen = Math.max(maxSeen, r.eventTime)
  }
  t.ok(late > 0)
  // the last few released by drain() may have nothing newer after them
  t.ok(beyondWatermark / late > 0.97, `${beyondWatermark}/${late}`)
})

t.test('--count is exact: distinct valid events = count', async (t) => {
  const sink = new MemorySink()
  const g = new EventGenerator({ seed: 3, late: 0.2 })
  await runGenerator(g, sink, { count: 12_345, quiet: true })
  t.equal(sink.records.filter((r) => r.kind === 'valid' || r.kind === 'late').length, 12_345)
})

t.test('sessions: an end follows its LOGIN, at most one end per session', async (t) => {
  const login = new Map<string, number>()
  const ended = new Set<string>()
  let orphanEnd = 0
  let doubleEnd = 0
  for (const { r, e } of byTime) {
    if (e.event_type === 'LOGIN') login.set(e.session_id, r.eventTime)
    if (e.event_type === 'LOGOUT' || e.event_type === 'SESSION_TIMEOUT') {
      const start = login.get(e.session_id)
      if (start === undefined || start >= r.eventTime) orphanEnd++
      if (ended.has(e.session_id)) doubleEnd++
      ended.add(e.session_id)
    }
  }
  // sessions open when the corpus starts would be orphans; the simulation starts empty
  t.equal(orphanEnd, 0)
  t.equal(doubleEnd, 0)
  t.ok(ended.size > 1000)
})

t.test('video positions advance by watch_seconds × playback rate', async (t) => {
  const last = new Map<string, Ev>()
  const rate = new Map<string, number>() // the player's speed lasts the session
  let checked = 0
  let bad = 0
  for (const { e } of byTime) {
    if (!e.event_type.startsWith('VIDEO_')) continue
    const k = `${e.session_id}:${e.video_id}`
    if (e.position_seconds < 0 || e.position_seconds > e.video_length_seconds) bad++
    if (e.event_type === 'VIDEO_RATE_CHANGE') rate.set(e.session_id, e.playback_rate)
    const prev = last.get(k)
    if (prev !== undefined && (e.event_type === 'VIDEO_PROGRESS' || e.event_type === 'VIDEO_PAUSE') && prev.event_type !== 'VIDEO_SEEK') {
      checked++
      const expected = prev.position_seconds + e.watch_seconds * (rate.get(e.session_id) ?? 1)
      if (Math.abs(e.position_seconds - expected) > 0.25) bad++
    }
    if (e.event_type === 'VIDEO_SEEK' && prev !== undefined && Math.abs(e.from_position_seconds - prev.position_seconds) > 0.1) bad++
    last.set(k, e)
  }
  t.ok(checked > 10_000)
  t.equal(bad, 0)
})

t.test('notifications: sent, then delivered, then opened, then clicked', async (t) => {
  const order = ['NOTIFICATION_SENT', 'NOTIFICATION_DELIVERED', 'NOTIFICATION_OPENED', 'NOTIFICATION_CLICKED']
  const stage = new Map<string, number>()
  let bad = 0
  let clicks = 0
  for (const { e } of byTime) {
    const i = order.indexOf(e.event_type)
    if (i < 0) continue
    const prev = stage.get(e.notification_id) ?? -1
    if (i !== prev + 1) bad++
    stage.set(e.notification_id, i)
    if (i === 3) clicks++
  }
  t.equal(bad, 0)
  t.ok(clicks > 0)
})

t.test('grades follow submissions; quiz scores fit their maximum', async (t) => {
  const submitted = new Set<string>()
  let orphanGrade = 0
  let graded = 0
  for (const { e } of byTime) {
    if (e.event_type === 'ASSIGNMENT_SUBMITTED') submitted.add(`${e.user_id}:${e.assignment_id}`)
    if (e.event_type === 'ASSIGNMENT_GRADED') {
      graded++
      if (!submitted.has(`${e.student_id}:${e.assignment_id}`)) orphanGrade++
      if (e.role !== 'teacher') orphanGrade++
    }
  }
  t.ok(graded > 0)
  t.equal(orphanGrade, 0)
})

t.test('day/night rhythm: the small hours are quieter than the evening', async (t) => {
  const perHour = new Array(24).fill(0)
  for (const { r } of valid) perHour[new Date(r.eventTime).getUTCHours()]++
  const night = perHour[2] + perHour[3] + perHour[4]
  const evening = perHour[19] + perHour[20] + perHour[21]
  t.ok(evening > 5 * night, `evening ${evening} vs night ${night}`)
})

t.test('the live-rate constant matches the simulation', async (t) => {
  const g = new EventGenerator({ seed: 5, students: 1000, invalid: 0, duplicates: 0, late: 0 })
  const days = 3
  while (g.clock < g.options.start + days * 86_400_000) g.next()
  const perStudentSecond = g.counts.valid / (days * 86_400) / 1000
  t.ok(Math.abs(perStudentSecond / EVENTS_PER_STUDENT_SECOND - 1) < 0.15, `${perStudentSecond}`)
})
