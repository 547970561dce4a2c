// notification_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { again, at, ev } from '../../helpers/view-events.js'

const N = 'notification_topic'
const n = (type: string, when: string, user: string, id: string, ntype = 'grade_posted', channel = 'email') =>
  ev(N, `NOTIFICATION_${type}`, when, { user_id: user, notification_id: id, notification_type: ntype, channel })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('notification_delivery_stats: delivery seconds from SENT to DELIVERED of the same notification', async (t) => {
  t.same(rows('notification_delivery_stats', [
    n('SENT', '10:00:00', 'u1', 'n1'), n('DELIVERED', '10:00:08', 'u1', 'n1'), n('SENT', '10:01:00', 'u2', 'n2'), n('DELIVERED', '10:01:02', 'u2', 'n2'),
    n('SENT', '10:02:00', 'u3', 'n3'), n('DELIVERED', '10:03:00', 'u4', 'n4', 'announcement', 'push'),
  ]), [
    { notification_type: 'announcement', channel: 'push', sent: 0, delivered: 1, avg_delivery_seconds: null, delivery_rate: null },
    { notification_type: 'grade_posted', channel: 'email', sent: 3, delivered: 2, avg_delivery_seconds: 5, delivery_rate: 2 / 3 },
  ])
})

t.test('notification_engagement', async (t) => {
  t.same(rows('notification_engagement', [
    n('DELIVERED', '10:00:00', 'u1', 'n1', 'reminder', 'in_app'), n('OPENED', '10:01:00', 'u1', 'n1', 'reminder', 'in_app'), n('CLICKED', '10:02:00', 'u1', 'n1', 'reminder', 'in_app'),
    n('DELIVERED', '10:00:00', 'u2', 'n2', 'reminder', 'in_app'), n('DISMISSED', '10:05:00', 'u2', 'n2', 'reminder', 'in_app'),
    n('DELIVERED', '10:00:00', 'u3', 'n3', 'reminder', 'in_app'), n('SENT', '09:59:00', 'u4', 'n4', 'reminder', 'in_app'),
    n('OPENED', '10:00:00', 'u5', 'n5', 'reminder', 'email'),
  ]), [
    { notification_type: 'reminder', channel: 'email', delivered: 0, opened: 1, clicked: 0, dismissed: 0, open_rate: null, click_rate: null },
    { notification_type: 'reminder', channel: 'in_app', delivered: 3, opened: 1, clicked: 1, dismissed: 1, open_rate: 1 / 3, click_rate: 1 / 3 },
  ])
})

t.test('notification_click_through_rate', async (t) => {
  const s = n('SENT', '10:00:00', 'u1', 'n1')
  t.same(rows('notification_click_through_rate', [
    s, again(s), n('SENT', '10:00:00', 'u2', 'n2'), n('SENT', '10:00:00', 'u3', 'n3'), n('SENT', '10:00:00', 'u4', 'n4'), n('CLICKED', '11:00:00', 'u1', 'n1'),
    n('SENT', '10:00:00', 'u5', 'n5', 'system'),
  ]), [
    { notification_type: 'grade_posted', sent: 4, clicked: 1, ctr: 0.25 },
    { notification_type: 'system', sent: 1, clicked: 0, ctr: 0 },
  ])
})

t.test('notification_user_preferences', async (t) => {
  t.same(rows('notification_user_preferences', [
    n('DELIVERED', '10:00:00', 'u1', 'n1'), n('OPENED', '10:01:00', 'u1', 'n1'), n('CLICKED', '10:02:00', 'u1', 'n1'), n('DELIVERED', '11:00:00', 'u1', 'n2'),
    n('DELIVERED', '12:00:00', 'u1', 'n3', 'reminder', 'push'), n('DISMISSED', '12:30:00', 'u1', 'n3', 'reminder', 'push'),
  ]), [
    { user_id: 'u1', channel: 'email', delivered: 2, opened: 1, clicked: 1, dismissed: 0, engagement_rate: 1 },
    { user_id: 'u1', channel: 'push', delivered: 1, opened: 0, clicked: 0, dismissed: 1, engagement_rate: 0 },
  ])
})

t.test('notification_daily_activity', async (t) => {
  t.same(rows('notification_daily_activity', [
    n('SENT', '09:00:00', 'u1', 'n1'), n('DELIVERED', '09:00:05', 'u1', 'n1'), n('OPENED', '09:10:00', 'u1', 'n1'), n('CLICKED', '09:11:00', 'u1', 'n1'),
    n('SENT', '10:00:00', 'u2', 'n2'), n('DELIVERED', '10:00:01', 'u2', 'n2'), n('DISMISSED', '10:30:00', 'u2', 'n2'),
  ]), [{ date: '2026-11-02', sent: 2, delivered: 2, opened: 1, clicked: 1, dismissed: 1, recipients: 2 }])
})

t.test('notification_user_summary', async (t) => {
  t.same(rows('notification_user_summary', [
    n('DELIVERED', '09:00:00', 'u1', 'n1'), n('CLICKED', '09:05:00', 'u1', 'n1'), n('DELIVERED', '10:00:00', 'u1', 'n2'), n('CLICKED', '10:30:00', 'u1', 'n2'),
    n('DELIVERED', '11:00:00', 'u2', 'n3'),
  ]), [
    { user_id: 'u1', delivered: 2, clicked: 2, last_clicked_at: '2026-11-02T10:30:00.000Z', ctr: 1 },
    { user_id: 'u2', delivered: 1, clicked: 0, last_clicked_at: null, ctr: 0 },
  ])
})

t.test('notification_realtime_sent_1min', async (t) => {
  t.same(rows('notification_realtime_sent_1min', [
    n('SENT', '10:00:01', 'u1', 'n1'), n('SENT', '10:00:02', 'u2', 'n2'), n('SENT', '10:00:03', 'u3', 'n3', 'reminder'), n('SENT', '10:01:00', 'u4', 'n4'), n('DELIVERED', '10:00:04', 'u1', 'n1'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), notification_type: 'grade_posted', sent: 2 },
    { window_start: at('10:00'), window_end: at('10:01'), notification_type: 'reminder', sent: 1 },
    { window_start: at('10:01'), window_end: at('10:02'), notification_type: 'grade_posted', sent: 1 },
  ])
})

t.test('notification_realtime_click_rate_5min', async (t) => {
  const a = 'announcement'
  t.same(rows('notification_realtime_click_rate_5min', [
    n('DELIVERED', '10:00:00', 'u1', 'n1', a), n('DELIVERED', '10:00:00', 'u2', 'n2', a), n('DELIVERED', '10:00:00', 'u3', 'n3', a), n('DELIVERED', '10:00:00', 'u4', 'n4', a),
    n('CLICKED', '10:04:00', 'u1', 'n1', a), n('CLICKED', '10:05:00', 'u2', 'n2', a),
  ]), [
    { window_start: at('10:00'), window_end: at('10:05'), notification_type: a, delivered: 4, clicked: 1, ctr: 0.25 },
    { window_start: at('10:05'), window_end: at('10:10'), notification_type: a, delivered: 0, clicked: 1, ctr: null },
  ])
})

t.test('notification_realtime_delivery_status: a delivery counts in the minute it is delivered', async (t) => {
  t.same(rows('notification_realtime_delivery_status', [
    n('SENT', '10:00:50', 'u1', 'n1'), n('DELIVERED', '10:01:10', 'u1', 'n1'), n('SENT', '10:01:00', 'u2', 'n2', 'reminder', 'push'), n('DELIVERED', '10:01:02', 'u2', 'n2', 'reminder', 'push'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), channel: 'email', sent: 1, delivered: 0, avg_delivery_seconds: null },
    { window_start: at('10:01'), window_end: at('10:02'), channel: 'email', sent: 0, delivered: 1, avg_delivery_seconds: 20 },
    { window_start: at('10:01'), window_end: at('10:02'), channel: 'push', sent: 1, delivered: 1, avg_delivery_seconds: 2 },
  ])
})

t.test('notification_realtime_engagement_metrics', async (t) => {
  const w = (start: string, end: string, delivered: number, opened: number) => ({ window_start: at(start), window_end: at(end), channel: 'push', delivered, opened, clicked: 0, dismissed: 0, users: 1 })
  t.same(rows('notification_realtime_engagement_metrics', [n('DELIVERED', '10:00:00', 'u1', 'n1', 'reminder', 'push'), n('OPENED', '10:02:00', 'u1', 'n1', 'reminder', 'push')]), [
    w('09:56', '10:01', 1, 0), w('09:57', '10:02', 1, 0), w('09:58', '10:03', 1, 1), w('09:59', '10:04', 1, 1), w('10:00', '10:05', 1, 1), w('10:01', '10:06', 0, 1), w('10:02', '10:07', 0, 1),
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
