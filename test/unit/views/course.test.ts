// course_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { again, at, ev } from '../../helpers/view-events.js'

const C = 'course_topic'
const enrol = (when: string, user: string, course: string) => ev(C, 'COURSE_ENROLLED', when, { user_id: user, course_id: course })
const drop = (when: string, user: string, course: string) => ev(C, 'COURSE_DROPPED', when, { user_id: user, course_id: course })
const cview = (when: string, user: string, course: string) => ev(C, 'COURSE_VIEWED', when, { user_id: user, course_id: course })
const mview = (when: string, user: string, course: string, m: string, type = 'pdf') =>
  ev(C, 'MATERIAL_VIEWED', when, { user_id: user, course_id: course, material_id: m, material_type: type })
const download = (when: string, user: string, course: string, m: string, bytes: number, type = 'pdf') =>
  ev(C, 'MATERIAL_DOWNLOADED', when, { user_id: user, course_id: course, material_id: m, material_type: type, file_size_bytes: bytes })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('course_enrollment_stats', async (t) => {
  t.same(rows('course_enrollment_stats', [
    enrol('09:00:00', 'u1', 'c1'), enrol('09:10:00', 'u2', 'c1'), drop('09:20:00', 'u1', 'c1'), cview('09:30:00', 'u3', 'c1'),
    drop('2026-11-03T09:00:00Z', 'u2', 'c1'), enrol('09:00:00', 'u1', 'c2'),
  ]), [
    { course_id: 'c1', date: '2026-11-02', enrollments: 2, drops: 1, net_enrollments: 1 },
    { course_id: 'c1', date: '2026-11-03', enrollments: 0, drops: 1, net_enrollments: -1 },
    { course_id: 'c2', date: '2026-11-02', enrollments: 1, drops: 0, net_enrollments: 1 },
  ])
})

t.test('course_material_access', async (t) => {
  t.same(rows('course_material_access', [
    mview('09:00:00', 'u1', 'c1', 'm1'), mview('09:05:00', 'u1', 'c1', 'm1'), download('09:06:00', 'u1', 'c1', 'm2', 1000),
    cview('10:00:00', 'u1', 'c1'), mview('08:00:00', 'u2', 'c1', 'm1'),
  ]), [
    { user_id: 'u1', course_id: 'c1', material_views: 2, materials: 2, last_access: '2026-11-02T09:06:00.000Z' },
    { user_id: 'u2', course_id: 'c1', material_views: 1, materials: 1, last_access: '2026-11-02T08:00:00.000Z' },
  ])
})

t.test('course_material_popularity', async (t) => {
  t.same(rows('course_material_popularity', [
    mview('09:00:00', 'u1', 'c1', 'm1'), mview('09:01:00', 'u1', 'c1', 'm1'), mview('09:02:00', 'u2', 'c1', 'm1'), download('09:03:00', 'u3', 'c1', 'm1', 500),
    download('09:04:00', 'u1', 'c1', 'm2', 10, 'link'),
  ]), [
    { material_id: 'm1', course_id: 'c1', material_type: 'pdf', views: 3, viewers: 2, downloads: 1 },
    { material_id: 'm2', course_id: 'c1', material_type: 'link', views: 0, viewers: 0, downloads: 1 },
  ])
})

t.test('course_download_analytics', async (t) => {
  const d = download('09:00:00', 'u1', 'c1', 'm1', 1000)
  t.same(rows('course_download_analytics', [d, again(d), download('09:10:00', 'u1', 'c2', 'm1', 1000), download('09:20:00', 'u1', 'c1', 'm2', 250), download('09:30:00', 'u2', 'c1', 'm1', 1000), mview('09:40:00', 'u3', 'c1', 'm1')]), [
    { user_id: 'u1', downloads: 3, total_bytes: 2250, materials: 2 },
    { user_id: 'u2', downloads: 1, total_bytes: 1000, materials: 1 },
  ])
})

t.test('course_resource_download_stats', async (t) => {
  t.same(rows('course_resource_download_stats', [
    download('09:00:00', 'u1', 'c1', 'm1', 1000), download('09:10:00', 'u1', 'c1', 'm1', 1000), download('09:20:00', 'u2', 'c1', 'm1', 4000), download('09:30:00', 'u1', 'c1', 'm2', 30, 'page'),
  ]), [
    { material_id: 'm1', material_type: 'pdf', downloads: 3, downloaders: 2, total_bytes: 6000, avg_bytes: 2000 },
    { material_id: 'm2', material_type: 'page', downloads: 1, downloaders: 1, total_bytes: 30, avg_bytes: 30 },
  ])
})

t.test('course_activity_summary: enrolled follows the latest enrol or drop', async (t) => {
  t.same(rows('course_activity_summary', [
    enrol('09:00:00', 'u1', 'c1'), cview('09:01:00', 'u1', 'c1'), mview('09:02:00', 'u1', 'c1', 'm1'), download('09:03:00', 'u1', 'c1', 'm1', 5),
    drop('2026-11-03T10:00:00Z', 'u1', 'c1'), enrol('2026-11-03T11:00:00Z', 'u1', 'c1'),
    enrol('09:00:00', 'u2', 'c1'), drop('09:30:00', 'u2', 'c1'),
    cview('12:00:00', 'u3', 'c1'),
  ]), [
    { user_id: 'u1', course_id: 'c1', course_views: 1, material_views: 1, downloads: 1, last_enrolment_change: 'COURSE_ENROLLED', active_days: 2, enrolled: true },
    { user_id: 'u2', course_id: 'c1', course_views: 0, material_views: 0, downloads: 0, last_enrolment_change: 'COURSE_DROPPED', active_days: 1, enrolled: false },
    { user_id: 'u3', course_id: 'c1', course_views: 1, material_views: 0, downloads: 0, last_enrolment_change: null, active_days: 1, enrolled: false },
  ])
})

t.test('course_daily_engagement', async (t) => {
  t.same(rows('course_daily_engagement', [
    cview('09:00:00', 'u1', 'c1'), mview('09:01:00', 'u1', 'c1', 'm1'), download('09:02:00', 'u2', 'c1', 'm1', 5), enrol('09:03:00', 'u3', 'c1'),
    cview('2026-11-03T09:00:00Z', 'u1', 'c1'),
  ]), [
    { course_id: 'c1', date: '2026-11-02', events: 4, users: 3, material_views: 1, downloads: 1 },
    { course_id: 'c1', date: '2026-11-03', events: 1, users: 1, material_views: 0, downloads: 0 },
  ])
})

t.test('course_overall_metrics', async (t) => {
  t.same(rows('course_overall_metrics', [
    enrol('09:00:00', 'u1', 'c1'), enrol('09:00:00', 'u2', 'c1'), drop('10:00:00', 'u2', 'c1'), cview('09:01:00', 'u1', 'c1'), cview('09:02:00', 'u3', 'c1'),
    mview('09:03:00', 'u1', 'c1', 'm1'), download('09:04:00', 'u1', 'c1', 'm1', 5),
  ]), [{ course_id: 'c1', enrollments: 2, drops: 1, active_users: 3, course_views: 2, material_views: 1, downloads: 1, net_enrollments: 1 }])
})

t.test('course_realtime_active_courses_1min', async (t) => {
  t.same(rows('course_realtime_active_courses_1min', [cview('10:00:01', 'u1', 'c1'), mview('10:00:02', 'u1', 'c1', 'm1'), cview('10:00:59', 'u2', 'c1'), cview('10:01:00', 'u1', 'c1'), cview('10:00:30', 'u1', 'c2')]), [
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c1', events: 3, users: 2 },
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c2', events: 1, users: 1 },
    { window_start: at('10:01'), window_end: at('10:02'), course_id: 'c1', events: 1, users: 1 },
  ])
})

t.test('course_realtime_enrollment_rate', async (t) => {
  t.same(rows('course_realtime_enrollment_rate', [enrol('10:00:00', 'u1', 'c1'), enrol('10:03:00', 'u2', 'c1'), drop('10:04:00', 'u1', 'c1'), drop('10:05:00', 'u2', 'c1'), cview('10:01:00', 'u3', 'c1')]), [
    { window_start: at('10:00'), window_end: at('10:05'), course_id: 'c1', enrollments: 2, drops: 1 },
    { window_start: at('10:05'), window_end: at('10:10'), course_id: 'c1', enrollments: 0, drops: 1 },
  ])
})

t.test('course_realtime_material_access_5min', async (t) => {
  t.same(rows('course_realtime_material_access_5min', [mview('10:00:00', 'u1', 'c1', 'm1'), mview('10:01:00', 'u1', 'c1', 'm1'), mview('10:02:00', 'u2', 'c1', 'm1'), download('10:03:00', 'u3', 'c1', 'm1', 9), mview('10:04:00', 'u2', 'c1', 'm2')]), [
    { window_start: at('10:00'), window_end: at('10:05'), material_id: 'm1', views: 3, viewers: 2 },
    { window_start: at('10:00'), window_end: at('10:05'), material_id: 'm2', views: 1, viewers: 1 },
  ])
})

t.test('course_realtime_download_activity', async (t) => {
  t.same(rows('course_realtime_download_activity', [download('10:00:10', 'u1', 'c1', 'm1', 100), download('10:00:20', 'u2', 'c1', 'm2', 50), download('10:01:10', 'u1', 'c1', 'm1', 100), mview('10:00:30', 'u1', 'c1', 'm1')]), [
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c1', downloads: 2, bytes: 150 },
    { window_start: at('10:01'), window_end: at('10:02'), course_id: 'c1', downloads: 1, bytes: 100 },
  ])
})

t.test('course_realtime_engagement_metrics', async (t) => {
  const w = (start: string, end: string, events: number, users: number) => ({ window_start: at(start), window_end: at(end), course_id: 'c1', events, users })
  t.same(rows('course_realtime_engagement_metrics', [cview('10:00:30', 'u1', 'c1'), mview('10:02:30', 'u2', 'c1', 'm1')]), [
    w('09:56', '10:01', 1, 1), w('09:57', '10:02', 1, 1), w('09:58', '10:03', 2, 2), w('09:59', '10:04', 2, 2), w('10:00', '10:05', 2, 2), w('10:01', '10:06', 1, 1), w('10:02', '10:07', 1, 1),
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
