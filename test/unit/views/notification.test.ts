// notification_topic views (batch 32–37, real-time 22–25 of spec/views.md) against
// rows worked out by hand from the spec.
import { again, ev, win, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const N = 'notification_topic'
/** A NOTIFICATION_<type> event of notification `id` to `user`. */
const n = (type: string, at: string, user: string, id: string, ntype = 'grade_posted', channel = 'email') =>
  ev(N, `NOTIFICATION_${type}`, at, { user_id: user, notification_id: id, notification_type: ntype, channel })

const dupSent = n('SENT', '10:00:00', 'u1', 'n1')
const dupDelivered = n('DELIVERED', '10:00:08', 'u1', 'n1')
const dupOpened = n('OPENED', '10:01:00', 'u1', 'n1', 'reminder', 'in_app')
const dupClick = n('CLICKED', '10:30:00', 'u1', 'n2')
const dupSent2 = n('SENT', '10:00:02', 'u2', 'n2')
const dupDeliveredPush = n('DELIVERED', '10:01:02', 'u2', 'n2', 'reminder', 'push')

const cases: ViewCase[] = [
  {
    view: 'notification_delivery_stats',
    about: 'delivery_rate and SENT→DELIVERED seconds; a DELIVERED before its SENT is not a pair; null at 0 sent',
    events: [
      n('SENT', '10:00:00', 'u1', 'n1'),
      dupDelivered, // n1: 8 s
      again(dupDelivered),
      n('SENT', '10:01:00', 'u2', 'n2'),
      n('DELIVERED', '10:01:02', 'u2', 'n2'), // n2: 2 s
      n('SENT', '10:02:00', 'u3', 'n3'), // never delivered
      n('DELIVERED', '10:03:00', 'u4', 'n4'), // delivered before it was sent: no pair
      n('SENT', '10:03:05', 'u4', 'n4'),
      n('OPENED', '10:04:00', 'u1', 'n1'), // not a type of the view
      n('DELIVERED', '10:04:00', 'u5', 'n5', 'announcement', 'push'), // its SENT is missing
    ],
    rows: [
      { notification_type: 'announcement', channel: 'push', sent: 0, delivered: 1, avg_delivery_seconds: null, delivery_rate: null },
      // sent n1–n4 = 4, delivered n1, n2, n4 = 3; pairs 8 and 2 s
      { notification_type: 'grade_posted', channel: 'email', sent: 4, delivered: 3, avg_delivery_seconds: 5, delivery_rate: 0.75 },
    ],
  },
  {
    view: 'notification_engagement',
    about: 'open and click rates per delivery; null without deliveries; SENT makes no row',
    events: [
      n('DELIVERED', '10:00:00', 'u1', 'n1', 'reminder', 'in_app'),
      n('DELIVERED', '10:00:00', 'u2', 'n2', 'reminder', 'in_app'),
      n('DELIVERED', '10:00:00', 'u3', 'n3', 'reminder', 'in_app'),
      n('DELIVERED', '10:00:00', 'u4', 'n4', 'reminder', 'in_app'),
      dupOpened, // n1
      again(dupOpened),
      n('OPENED', '10:01:30', 'u2', 'n2', 'reminder', 'in_app'),
      n('CLICKED', '10:02:00', 'u1', 'n1', 'reminder', 'in_app'),
      n('DISMISSED', '10:05:00', 'u3', 'n3', 'reminder', 'in_app'),
      n('OPENED', '10:00:00', 'u5', 'n5', 'reminder', 'email'), // opened, delivery not seen
      n('SENT', '09:59:00', 'u6', 'n6', 'reminder', 'push'), // not a type of the view: no push row
    ],
    rows: [
      { notification_type: 'reminder', channel: 'email', delivered: 0, opened: 1, clicked: 0, dismissed: 0, open_rate: null, click_rate: null },
      { notification_type: 'reminder', channel: 'in_app', delivered: 4, opened: 2, clicked: 1, dismissed: 1, open_rate: 0.5, click_rate: 0.25 },
    ],
  },
  {
    view: 'notification_click_through_rate',
    about: 'clicks per notification sent, per type; 0 clicks → 0, 0 sent → null',
    events: [
      dupSent,
      again(dupSent),
      n('SENT', '10:00:00', 'u2', 'n2'),
      n('SENT', '10:00:00', 'u3', 'n3'),
      n('SENT', '10:00:00', 'u4', 'n4'),
      n('DELIVERED', '10:00:05', 'u1', 'n1'), // not counted
      n('CLICKED', '11:00:00', 'u1', 'n1'),
      n('SENT', '10:00:00', 'u5', 'n5', 'system'),
      n('CLICKED', '11:00:00', 'u6', 'n6', 'announcement'),
    ],
    rows: [
      { notification_type: 'announcement', sent: 0, clicked: 1, ctr: null },
      { notification_type: 'grade_posted', sent: 4, clicked: 1, ctr: 0.25 },
      { notification_type: 'system', sent: 1, clicked: 0, ctr: 0 },
    ],
  },
  {
    view: 'notification_user_preferences',
    about: 'engagement_rate = (opened + clicked) / delivered per (recipient, channel)',
    events: [
      n('DELIVERED', '10:00:00', 'u1', 'n1'),
      n('OPENED', '10:01:00', 'u1', 'n1'),
      n('CLICKED', '10:02:00', 'u1', 'n1'),
      n('DELIVERED', '11:00:00', 'u1', 'n2'),
      n('DELIVERED', '12:00:00', 'u1', 'n3', 'reminder', 'push'),
      n('DISMISSED', '12:30:00', 'u1', 'n3', 'reminder', 'push'),
      n('DELIVERED', '10:00:00', 'u2', 'n4'),
      n('DELIVERED', '10:00:00', 'u2', 'n5'),
      n('DELIVERED', '10:00:00', 'u2', 'n6'),
      n('DELIVERED', '10:00:00', 'u2', 'n7'),
      n('OPENED', '10:10:00', 'u2', 'n4'),
      n('CLICKED', '10:20:00', 'u2', 'n8', 'system', 'in_app'),
      n('SENT', '09:00:00', 'u3', 'n9'), // not a type of the view: no u3 row
    ],
    rows: [
      { user_id: 'u1', channel: 'email', delivered: 2, opened: 1, clicked: 1, dismissed: 0, engagement_rate: 1 },
      { user_id: 'u1', channel: 'push', delivered: 1, opened: 0, clicked: 0, dismissed: 1, engagement_rate: 0 },
      { user_id: 'u2', channel: 'email', delivered: 4, opened: 1, clicked: 0, dismissed: 0, engagement_rate: 0.25 },
      { user_id: 'u2', channel: 'in_app', delivered: 0, opened: 0, clicked: 1, dismissed: 0, engagement_rate: null },
    ],
  },
  {
    view: 'notification_daily_activity',
    about: 'every kind of notification event and distinct recipients per day',
    events: [
      n('SENT', '09:00:00', 'u1', 'n1'),
      n('DELIVERED', '09:00:05', 'u1', 'n1'),
      n('OPENED', '09:10:00', 'u1', 'n1'),
      n('CLICKED', '09:11:00', 'u1', 'n1'),
      dupSent2, // u2
      again(dupSent2),
      n('DELIVERED', '10:00:03', 'u2', 'n2'),
      n('DISMISSED', '10:30:00', 'u2', 'n2'),
      n('SENT', '2026-11-03T08:00:00Z', 'u3', 'n3'),
    ],
    rows: [
      { date: '2026-11-02', sent: 2, delivered: 2, opened: 1, clicked: 1, dismissed: 1, recipients: 2 },
      { date: '2026-11-03', sent: 1, delivered: 0, opened: 0, clicked: 0, dismissed: 0, recipients: 1 },
    ],
  },
  {
    view: 'notification_user_summary',
    about: 'clicks per delivery and the time of the last click per recipient',
    events: [
      n('DELIVERED', '09:00:00', 'u1', 'n1'),
      n('CLICKED', '09:05:00', 'u1', 'n1'),
      n('DELIVERED', '10:00:00', 'u1', 'n2'),
      dupClick, // n2 at 10:30
      again(dupClick),
      n('OPENED', '11:00:00', 'u1', 'n2'), // not a click: the last click stays 10:30
      n('DELIVERED', '11:00:00', 'u2', 'n3'),
      n('CLICKED', '12:00:00', 'u3', 'n4'), // a click whose delivery was not seen
      n('SENT', '12:00:00', 'u4', 'n5'), // not a type of the view: no u4 row
    ],
    rows: [
      { user_id: 'u1', delivered: 2, clicked: 2, last_clicked_at: '2026-11-02T10:30:00.000Z', ctr: 1 },
      { user_id: 'u2', delivered: 1, clicked: 0, last_clicked_at: null, ctr: 0 },
      { user_id: 'u3', delivered: 0, clicked: 1, last_clicked_at: '2026-11-02T12:00:00.000Z', ctr: null },
    ],
  },
  {
    view: 'notification_realtime_sent_1min',
    about: 'sent per minute and notification type',
    events: [
      n('SENT', '10:00:01', 'u1', 'n1'),
      dupSent2, // grade_posted at 10:00:02
      again(dupSent2),
      n('SENT', '10:00:03', 'u3', 'n3', 'reminder'),
      n('DELIVERED', '10:00:04', 'u1', 'n1'), // not counted
      n('SENT', '10:01:00.000', 'u4', 'n4'),
      n('DELIVERED', '10:02:00', 'u3', 'n3', 'reminder'), // only a delivery at 10:02: no row
    ],
    rows: [
      { ...win('10:00', '10:01'), notification_type: 'grade_posted', sent: 2 },
      { ...win('10:00', '10:01'), notification_type: 'reminder', sent: 1 },
      { ...win('10:01', '10:02'), notification_type: 'grade_posted', sent: 1 },
    ],
  },
  {
    view: 'notification_realtime_click_rate_5min',
    about: 'clicks per delivery per 5 minutes and type; null in a window without deliveries',
    events: [
      n('DELIVERED', '10:00:00', 'u1', 'n1', 'announcement'),
      n('DELIVERED', '10:00:00', 'u2', 'n2', 'announcement'),
      n('DELIVERED', '10:00:00', 'u3', 'n3', 'announcement'),
      n('DELIVERED', '10:00:00', 'u4', 'n4', 'announcement'),
      n('CLICKED', '10:04:59.999', 'u1', 'n1', 'announcement'),
      n('CLICKED', '10:05:00', 'u2', 'n2', 'announcement'),
      n('SENT', '10:01:00', 'u5', 'n5', 'system'), // not a type of the view: no system row
    ],
    rows: [
      { ...win('10:00', '10:05'), notification_type: 'announcement', delivered: 4, clicked: 1, ctr: 0.25 },
      { ...win('10:05', '10:10'), notification_type: 'announcement', delivered: 0, clicked: 1, ctr: null },
    ],
  },
  {
    view: 'notification_realtime_delivery_status',
    about: 'a delivery pair counts in the minute (and channel) of its DELIVERED event',
    events: [
      n('SENT', '10:00:50', 'u1', 'n1'), // email, minute 10:00 …
      n('DELIVERED', '10:01:10', 'u1', 'n1'), // … delivered in minute 10:01: 20 s
      n('SENT', '10:01:00', 'u2', 'n2', 'reminder', 'push'),
      dupDeliveredPush, // push: 2 s
      again(dupDeliveredPush),
      n('SENT', '10:01:30', 'u3', 'n3'),
      n('DELIVERED', '10:01:40', 'u3', 'n3'), // email: 10 s
      n('OPENED', '10:01:50', 'u3', 'n3'), // not a type of the view
    ],
    rows: [
      { ...win('10:00', '10:01'), channel: 'email', sent: 1, delivered: 0, avg_delivery_seconds: null },
      { ...win('10:01', '10:02'), channel: 'email', sent: 1, delivered: 2, avg_delivery_seconds: 15 },
      { ...win('10:01', '10:02'), channel: 'push', sent: 1, delivered: 1, avg_delivery_seconds: 2 },
    ],
  },
  {
    view: 'notification_realtime_engagement_metrics',
    about: 'sliding 5m/1m per channel: each event is in 5 windows; SENT is not engagement',
    events: [
      n('DELIVERED', '10:00:00', 'u1', 'n1', 'reminder', 'push'), // windows 09:56 … 10:00
      n('OPENED', '10:02:00', 'u1', 'n1', 'reminder', 'push'), // windows 09:58 … 10:02
      n('CLICKED', '10:02:00', 'u3', 'n3', 'reminder', 'push'), // windows 09:58 … 10:02
      n('DISMISSED', '10:00:30', 'u2', 'n2', 'reminder', 'email'), // windows 09:56 … 10:00
      n('SENT', '10:01:00', 'u4', 'n4', 'reminder', 'push'), // not counted
    ],
    rows: [
      { ...win('09:56', '10:01'), channel: 'email', delivered: 0, opened: 0, clicked: 0, dismissed: 1, users: 1 },
      { ...win('09:56', '10:01'), channel: 'push', delivered: 1, opened: 0, clicked: 0, dismissed: 0, users: 1 },
      { ...win('09:57', '10:02'), channel: 'email', delivered: 0, opened: 0, clicked: 0, dismissed: 1, users: 1 },
      { ...win('09:57', '10:02'), channel: 'push', delivered: 1, opened: 0, clicked: 0, dismissed: 0, users: 1 },
      { ...win('09:58', '10:03'), channel: 'email', delivered: 0, opened: 0, clicked: 0, dismissed: 1, users: 1 },
      { ...win('09:58', '10:03'), channel: 'push', delivered: 1, opened: 1, clicked: 1, dismissed: 0, users: 2 },
      { ...win('09:59', '10:04'), channel: 'email', delivered: 0, opened: 0, clicked: 0, dismissed: 1, users: 1 },
      { ...win('09:59', '10:04'), channel: 'push', delivered: 1, opened: 1, clicked: 1, dismissed: 0, users: 2 },
      { ...win('10:00', '10:05'), channel: 'email', delivered: 0, opened: 0, clicked: 0, dismissed: 1, users: 1 },
      { ...win('10:00', '10:05'), channel: 'push', delivered: 1, opened: 1, clicked: 1, dismissed: 0, users: 2 },
      { ...win('10:01', '10:06'), channel: 'push', delivered: 0, opened: 1, clicked: 1, dismissed: 0, users: 2 },
      { ...win('10:02', '10:07'), channel: 'push', delivered: 0, opened: 1, clicked: 1, dismissed: 0, users: 2 },
    ],
  },
]

runViewCases(N, cases)
