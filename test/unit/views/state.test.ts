// The building blocks of partial state: the binary codec and the pair matcher.
import t from 'tap'
import { Reader, Writer } from '../../../views/state/codec.js'
import { PairMatcher } from '../../../views/state/pair-matcher.js'
import { SESSION, ASSIGNMENT_WORK } from '../../../views/catalog/pairings.js'

t.test('codec: varints, floats, strings, scalars round-trip; bytes by hand', async (t) => {
  t.same([...new Writer().varint(0).varint(127).varint(128).varint(300).finish()], [0, 127, 0x80, 1, 0xac, 2])
  const big = 2 ** 53 - 1
  const w = new Writer().varint(big).f64(-0.1).string('ünï €').scalar(null).scalar(true).scalar(false).scalar(42.5).scalar('x')
  const r = new Reader(w.finish())
  t.equal(r.varint(), big)
  t.equal(r.f64(), -0.1)
  t.equal(r.string(), 'ünï €')
  t.same([r.scalar(), r.scalar(), r.scalar(), r.scalar(), r.scalar()], [null, true, false, 42.5, 'x'])
  t.ok(r.done)
})

t.test('codec: strings of every kind round-trip (ASCII fast path, multi-byte, long, empty)', async (t) => {
  const texts = ['', 'a', '\u007f', '\u0080', 'c12-v345', 'x'.repeat(32), 'y'.repeat(33), 'z'.repeat(1000), 'ascii then é', 'é then ascii', '日本語', '😀 emoji', 'a\u0000b']
  const w = new Writer()
  for (const s of texts) w.string(s)
  const r = new Reader(w.finish())
  for (const s of texts) t.equal(r.string(), s, JSON.stringify(s).slice(0, 40))
  t.ok(r.done)
  // the length prefix is the UTF-8 byte length, whichever path wrote it
  t.same([...new Writer().string('é').finish()], [2, 0xc3, 0xa9])
  t.same([...new Writer().string('ab').finish()], [2, 0x61, 0x62])
  // invalid UTF-8 in a short string is still refused
  t.throws(() => new Reader(new Uint8Array([2, 0xc3, 0x28])).string(), TypeError)
})

t.test('codec: truncated or malformed input is a coded error', async (t) => {
  const bytes = new Writer().string('hello').finish()
  t.throws(() => new Reader(bytes.subarray(0, 3)).string(), { code: 'PULSE_ERR_INVALID_STATE' })
  t.throws(() => new Reader(new Uint8Array([9])).scalar(), { code: 'PULSE_ERR_INVALID_STATE' })
  t.throws(() => new Reader(new Uint8Array(9).fill(0x80)).varint(), { code: 'PULSE_ERR_INVALID_STATE' })
  t.throws(() => new Writer().varint(-1), RangeError)
})

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0)
let n = 0
const ev = (type: string, sec: number, fields: Record<string, unknown>) => ({ event: { event_id: `e${++n}`, event_type: type, ...fields }, time: T0 + sec * 1000 })

t.test('pair matcher: start then end; a second end is ignored', async (t) => {
  const m = new PairMatcher(SESSION)
  const a = ev('LOGIN', 0, { session_id: 's' })
  const b = ev('LOGOUT', 90, { session_id: 's' })
  const c = ev('SESSION_TIMEOUT', 200, { session_id: 's' })
  t.equal(m.offer(a.event, a.time), undefined)
  const pair = m.offer(b.event, b.time)
  t.same(pair && { seconds: pair.seconds, end: pair.end.event_id }, { seconds: 90, end: b.event.event_id })
  t.equal(m.offer(c.event, c.time), undefined)
})

t.test('pair matcher: an end that arrives before its start completes the pair when the start comes', async (t) => {
  const m = new PairMatcher(SESSION)
  const end = ev('LOGOUT', 60, { session_id: 'late' })
  const start = ev('LOGIN', 10, { session_id: 'late' })
  t.equal(m.offer(end.event, end.time), undefined)
  t.equal(m.offer(start.event, start.time)?.seconds, 50)
})

t.test('pair matcher: an end not later than the start does not pair; the first later one does', async (t) => {
  const m = new PairMatcher(SESSION)
  const start = ev('LOGIN', 30, { session_id: 'x' })
  const early = ev('LOGOUT', 30, { session_id: 'x' })
  const later = ev('LOGOUT', 45, { session_id: 'x' })
  m.offer(start.event, start.time)
  t.equal(m.offer(early.event, early.time), undefined)
  t.equal(m.offer(later.event, later.time)?.seconds, 15)
})

t.test('pair matcher: an entity past the horizon pairs alike whether or not its memory was freed', async (t) => {
  // the same events into two matchers; only one frees memory in between
  const kept = new PairMatcher(SESSION)
  const freed = new PairMatcher(SESSION)
  const horizon = 3600 // s
  const feed = (type: string, sec: number, id: string, watermarkSec: number) => {
    const e = ev(type, sec, { session_id: id })
    const before = T0 + (watermarkSec - horizon) * 1000
    return [kept.offer(e.event, e.time, before)?.seconds, freed.offer(e.event, e.time, before)?.seconds]
  }
  feed('LOGIN', 0, 'old', 0)
  feed('LOGIN', 0, 'closed', 0)
  t.same(feed('LOGOUT', 10, 'closed', 10), [10, 10])
  t.equal(freed.evictBefore(T0 + 5000 * 1000 - horizon * 1000), 2, 'both entities freed')
  // past the horizon: the open start is forgotten, and the closed entity may pair anew
  t.same(feed('LOGOUT', 5000, 'old', 5000), [undefined, undefined], 'a start past the horizon does not pair')
  t.same(feed('LOGIN', 5001, 'closed', 5001), [undefined, undefined])
  t.same(feed('LOGOUT', 5011, 'closed', 5011), [10, 10], 'a closed entity past the horizon starts afresh')
  // within the horizon nothing is forgotten
  feed('LOGIN', 6000, 'recent', 6000)
  t.same(feed('LOGOUT', 6000 + horizon - 1, 'recent', 6000 + horizon - 1), [horizon - 1, horizon - 1])
})

t.test('pair matcher: entities of several fields are kept apart', async (t) => {
  const m = new PairMatcher(ASSIGNMENT_WORK)
  m.offer(ev('ASSIGNMENT_VIEWED', 0, { user_id: 'u1', assignment_id: 'a1' }).event, T0)
  t.equal(m.offer(ev('ASSIGNMENT_SUBMITTED', 10, { user_id: 'u2', assignment_id: 'a1' }).event, T0 + 10_000), undefined)
  t.equal(m.offer(ev('ASSIGNMENT_SUBMITTED', 20, { user_id: 'u1', assignment_id: 'a1' }).event, T0 + 20_000)?.seconds, 20)
  t.equal(m.size, 2)
})
