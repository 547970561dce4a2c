// The catalog against spec/views.md: 62 views, names, kinds, windows. And the
// definition language's typing: a typo in a field, type or measure name does
// not compile (each @ts-expect-error below fails the build if the line is accepted).
import t from 'tap'
import { CATALOG, viewNamed } from '../../../views/catalog/index.js'
import { count, defineView, distinct, ratio, sum, minutes, tumbling } from '../../../views/dsl.js'
import { windowsFor } from '../../../views/semantics.js'

t.test('62 views: 37 batch and 25 real-time, unique names', async (t) => {
  t.equal(CATALOG.length, 62)
  t.equal(CATALOG.filter((v) => v.kind === 'batch').length, 37)
  t.equal(CATALOG.filter((v) => v.kind === 'realtime').length, 25)
  t.equal(new Set(CATALOG.map((v) => v.name)).size, 62)
  t.ok(CATALOG.every((v) => (v.kind === 'realtime') === (v.window !== undefined)), 'exactly the real-time views are windowed')
  for (const v of CATALOG) t.ok(v.name.startsWith(v.topic.replace('_topic', '') + '_'), `${v.name} is named for its topic`)
})

t.test('windows of the real-time views, as the spec lists them', async (t) => {
  const w = (name: string) => {
    const x = viewNamed(name)!.window!
    return `${x.kind}(${x.size / 60000}m${x.kind === 'sliding' ? `, ${x.slide / 60000}m` : ''})`
  }
  t.equal(w('auth_realtime_active_users_1min'), 'tumbling(1m)')
  t.equal(w('auth_realtime_active_users_5min'), 'tumbling(5m)')
  t.equal(w('auth_realtime_session_activity'), 'sliding(5m, 1m)')
  t.equal(w('assessment_realtime_submission_rate'), 'sliding(5m, 1m)')
  t.equal(w('video_realtime_popular_videos'), 'sliding(5m, 1m)')
  t.equal(w('course_realtime_engagement_metrics'), 'sliding(5m, 1m)')
  t.equal(w('notification_realtime_engagement_metrics'), 'sliding(5m, 1m)')
  t.equal(w('notification_realtime_click_rate_5min'), 'tumbling(5m)')
})

t.test('windowsFor is a pure function of the time: bounds by hand', async (t) => {
  const at = Date.UTC(2026, 10, 2, 10, 3, 20)
  const m = (h: number, mm: number) => Date.UTC(2026, 10, 2, h, mm)
  t.same(windowsFor(at, tumbling(minutes(1))), [m(10, 3)])
  t.same(windowsFor(at, tumbling(minutes(5))), [m(10, 0)])
  t.same(windowsFor(at, { kind: 'sliding', size: minutes(5), slide: minutes(1) }), [m(9, 59), m(10, 0), m(10, 1), m(10, 2), m(10, 3)])
  // a window is [start, end): an event at 10:05:00.000 opens the next 5-minute window
  t.same(windowsFor(m(10, 5), tumbling(minutes(5))), [m(10, 5)])
  t.same(windowsFor(m(10, 5), { kind: 'sliding', size: minutes(5), slide: minutes(1) }), [m(10, 1), m(10, 2), m(10, 3), m(10, 4), m(10, 5)])
})

t.test('typos do not compile', async (t) => {
  const base = { name: 'x', kind: 'batch', description: '', topic: 'auth_topic' } as const
  // @ts-expect-error unknown field in a key
  defineView({ ...base, key: { u: 'user_idd' }, measures: { n: count() } })
  // @ts-expect-error unknown field in a measure
  defineView({ ...base, key: {}, measures: { n: distinct('sesion_id') } })
  // @ts-expect-error unknown event type
  defineView({ ...base, key: {}, measures: { n: count(['LOGINN']) } })
  // @ts-expect-error derived measure over a measure that does not exist
  defineView({ ...base, key: {}, measures: { n: count() }, derived: { r: ratio('n', 'm') } })
  // @ts-expect-error unknown field in a filter
  defineView({ ...base, key: {}, measures: { n: sum('watch_seconds', ['VIDEO_PAUSE'], { is_lat: true }) } })
  t.pass('checked by the compiler')
})

t.test('first and last: a tie on event time goes to the larger event_id, in the evaluator and in partial state', async (t) => {
  const { evaluate } = await import('../../../views/evaluate.js')
  const { finalize, partialOf } = await import('../../../views/state/partial.js')
  const { first, last } = await import('../../../views/dsl.js')
  const view = defineView({
    name: 'tie_check', kind: 'batch', description: '', topic: 'auth_topic', types: ['LOGIN'], key: {},
    measures: { first_session: first('session_id', ['LOGIN']), last_session: last('session_id', ['LOGIN']), earliest: first('session_id', ['LOGIN']) },
  })
  const at = (id: string, session: string, time: string) => ({
    topic: 'auth_topic', time: Date.parse(time),
    event: { event_id: id, event_type: 'LOGIN', timestamp: time, user_id: 'u1', session_id: session },
  })
  const events = [at('e1', 'sA', '2026-11-02T10:00:00Z'), at('e2', 'sB', '2026-11-02T10:00:00Z'), at('e0', 'sZ', '2026-11-02T11:00:00Z')]
  const want = [{ first_session: 'sB', last_session: 'sZ', earliest: 'sB' }]
  t.same(evaluate(view, events), want)
  t.same(finalize(view, partialOf(view, events)), want)
  t.same(evaluate(view, [events[0]!, events[1]!]), [{ first_session: 'sB', last_session: 'sB', earliest: 'sB' }])
})
