// course_topic views (batch 20–27, real-time 16–20 of spec/views.md) against rows
// worked out by hand from the spec.
import { again, ev, win, withId, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const C = 'course_topic'
const enrol = (at: string, user: string, course: string) => ev(C, 'COURSE_ENROLLED', at, { user_id: user, course_id: course })
const drop = (at: string, user: string, course: string) => ev(C, 'COURSE_DROPPED', at, { user_id: user, course_id: course })
const cview = (at: string, user: string, course: string) => ev(C, 'COURSE_VIEWED', at, { user_id: user, course_id: course })
const mview = (at: string, user: string, course: string, material: string, type = 'pdf') =>
  ev(C, 'MATERIAL_VIEWED', at, { user_id: user, course_id: course, material_id: material, material_type: type })
const download = (at: string, user: string, course: string, material: string, bytes: number, type = 'pdf') =>
  ev(C, 'MATERIAL_DOWNLOADED', at, { user_id: user, course_id: course, material_id: material, material_type: type, file_size_bytes: bytes })

const dupEnrol = enrol('09:00:00', 'u1', 'c2')
const dupView = mview('09:05:00', 'u1', 'c1', 'm1')
const dupDownload = download('09:00:00', 'u1', 'c1', 'm1', 1000)
const dupEvent = enrol('09:03:00', 'u3', 'c1')
const dupLate = download('10:01:10', 'u1', 'c1', 'm1', 100)

const cases: ViewCase[] = [
  {
    view: 'course_enrollment_stats',
    about: 'enrolments, drops and net per (course, date); net may be negative',
    events: [
      enrol('09:00:00', 'u1', 'c1'),
      enrol('09:10:00', 'u2', 'c1'),
      drop('09:20:00', 'u1', 'c1'),
      cview('09:30:00', 'u3', 'c1'), // not counted
      drop('2026-11-03T09:00:00Z', 'u2', 'c1'),
      dupEnrol,
      again(dupEnrol),
      cview('09:40:00', 'u3', 'c3'), // only a view of c3: no row
    ],
    rows: [
      { course_id: 'c1', date: '2026-11-02', enrollments: 2, drops: 1, net_enrollments: 1 },
      { course_id: 'c1', date: '2026-11-03', enrollments: 0, drops: 1, net_enrollments: -1 },
      { course_id: 'c2', date: '2026-11-02', enrollments: 1, drops: 0, net_enrollments: 1 },
    ],
  },
  {
    view: 'course_material_access',
    about: 'material views, distinct materials, last access per (user, course)',
    events: [
      mview('09:00:00', 'u1', 'c1', 'm1'),
      dupView, // m1 again at 09:05
      again(dupView),
      download('09:06:00', 'u1', 'c1', 'm2', 1000),
      cview('10:00:00', 'u1', 'c1'), // not a material event: not the last access
      mview('08:00:00', 'u2', 'c1', 'm1'),
      download('11:00:00', 'u1', 'c2', 'm3', 500),
      enrol('12:00:00', 'u3', 'c1'), // no material event: no u3 row
    ],
    rows: [
      { user_id: 'u1', course_id: 'c1', material_views: 2, materials: 2, last_access: '2026-11-02T09:06:00.000Z' },
      { user_id: 'u1', course_id: 'c2', material_views: 0, materials: 1, last_access: '2026-11-02T11:00:00.000Z' },
      { user_id: 'u2', course_id: 'c1', material_views: 1, materials: 1, last_access: '2026-11-02T08:00:00.000Z' },
    ],
  },
  {
    view: 'course_material_popularity',
    about: 'views, distinct viewers (of MATERIAL_VIEWED only), downloads per material',
    events: [
      mview('09:00:00', 'u1', 'c1', 'm1'),
      mview('09:01:00', 'u1', 'c1', 'm1'),
      mview('09:02:00', 'u2', 'c1', 'm1'),
      download('09:03:00', 'u3', 'c1', 'm1', 500), // u3 downloaded, never viewed: not a viewer
      download('09:04:00', 'u1', 'c1', 'm2', 10, 'link'),
      cview('09:05:00', 'u4', 'c1'), // not a material event: no (null …) row
    ],
    rows: [
      { material_id: 'm1', course_id: 'c1', material_type: 'pdf', views: 3, viewers: 2, downloads: 1 },
      { material_id: 'm2', course_id: 'c1', material_type: 'link', views: 0, viewers: 0, downloads: 1 },
    ],
  },
  {
    view: 'course_download_analytics',
    about: 'downloads, bytes and distinct materials per user; a duplicate counts once',
    events: [
      dupDownload,
      again(dupDownload),
      download('09:10:00', 'u1', 'c2', 'm1', 1000), // the same material id again
      download('09:20:00', 'u1', 'c1', 'm2', 250),
      download('09:30:00', 'u2', 'c1', 'm1', 1000),
      mview('09:40:00', 'u3', 'c1', 'm1'), // not a download: no u3 row
    ],
    rows: [
      { user_id: 'u1', downloads: 3, total_bytes: 2250, materials: 2 },
      { user_id: 'u2', downloads: 1, total_bytes: 1000, materials: 1 },
    ],
  },
  {
    view: 'course_resource_download_stats',
    about: 'downloads, distinct downloaders, total and mean bytes per (material, type)',
    events: [
      download('09:00:00', 'u1', 'c1', 'm1', 1000),
      download('09:10:00', 'u1', 'c1', 'm1', 1000),
      download('09:20:00', 'u2', 'c1', 'm1', 4000),
      download('09:30:00', 'u1', 'c1', 'm2', 30, 'page'),
      mview('09:40:00', 'u1', 'c1', 'm3', 'slides'), // viewed only: no m3 row
    ],
    rows: [
      { material_id: 'm1', material_type: 'pdf', downloads: 3, downloaders: 2, total_bytes: 6000, avg_bytes: 2000 },
      { material_id: 'm2', material_type: 'page', downloads: 1, downloaders: 1, total_bytes: 30, avg_bytes: 30 },
    ],
  },
  {
    view: 'course_activity_summary',
    about: 'enrolled from the latest ENROLLED/DROPPED (a time tie goes to the larger event_id); active days',
    events: [
      enrol('09:00:00', 'u1', 'c1'),
      cview('09:01:00', 'u1', 'c1'),
      mview('09:02:00', 'u1', 'c1', 'm1'),
      download('09:03:00', 'u1', 'c1', 'm1', 5),
      drop('2026-11-03T10:00:00Z', 'u1', 'c1'),
      enrol('2026-11-03T11:00:00Z', 'u1', 'c1'), // u1: dropped, then enrolled again
      enrol('09:00:00', 'u2', 'c1'),
      drop('09:30:00', 'u2', 'c1'), // u2: enrolled, then dropped
      cview('12:00:00', 'u3', 'c1'), // u3: never enrolled
      // u4: an enrolment and a drop at the same time; the enrolment has the larger event_id
      withId(enrol('13:00:00', 'u4', 'c1'), 'c-tie-b'),
      withId(drop('13:00:00', 'u4', 'c1'), 'c-tie-a'),
    ],
    rows: [
      { user_id: 'u1', course_id: 'c1', course_views: 1, material_views: 1, downloads: 1, last_enrolment_change: 'COURSE_ENROLLED', active_days: 2, enrolled: true },
      { user_id: 'u2', course_id: 'c1', course_views: 0, material_views: 0, downloads: 0, last_enrolment_change: 'COURSE_DROPPED', active_days: 1, enrolled: false },
      { user_id: 'u3', course_id: 'c1', course_views: 1, material_views: 0, downloads: 0, last_enrolment_change: null, active_days: 1, enrolled: false },
      { user_id: 'u4', course_id: 'c1', course_views: 0, material_views: 0, downloads: 0, last_enrolment_change: 'COURSE_ENROLLED', active_days: 1, enrolled: true },
    ],
  },
  {
    view: 'course_daily_engagement',
    about: 'all course events, distinct users, material views, downloads per (course, date)',
    events: [
      cview('09:00:00', 'u1', 'c1'),
      mview('09:01:00', 'u1', 'c1', 'm1'),
      download('09:02:00', 'u2', 'c1', 'm1', 5),
      dupEvent, // u3 enrols
      again(dupEvent),
      cview('2026-11-03T09:00:00Z', 'u1', 'c1'),
      drop('10:00:00', 'u2', 'c2'),
    ],
    rows: [
      { course_id: 'c1', date: '2026-11-02', events: 4, users: 3, material_views: 1, downloads: 1 },
      { course_id: 'c1', date: '2026-11-03', events: 1, users: 1, material_views: 0, downloads: 0 },
      { course_id: 'c2', date: '2026-11-02', events: 1, users: 1, material_views: 0, downloads: 0 },
    ],
  },
  {
    view: 'course_overall_metrics',
    about: 'net enrolments, distinct active users, views and downloads per course',
    events: [
      enrol('09:00:00', 'u1', 'c1'),
      enrol('09:00:00', 'u2', 'c1'),
      drop('10:00:00', 'u2', 'c1'),
      cview('09:01:00', 'u1', 'c1'),
      cview('09:02:00', 'u3', 'c1'),
      mview('09:03:00', 'u1', 'c1', 'm1'),
      download('09:04:00', 'u1', 'c1', 'm1', 5),
      drop('11:00:00', 'u4', 'c2'),
    ],
    rows: [
      { course_id: 'c1', enrollments: 2, drops: 1, active_users: 3, course_views: 2, material_views: 1, downloads: 1, net_enrollments: 1 },
      { course_id: 'c2', enrollments: 0, drops: 1, active_users: 1, course_views: 0, material_views: 0, downloads: 0, net_enrollments: -1 },
    ],
  },
  {
    view: 'course_realtime_active_courses_1min',
    about: 'events and distinct users per minute and course; 10:00:59.999 vs 10:01:00.000',
    events: [
      cview('10:00:01', 'u1', 'c1'),
      mview('10:00:02', 'u1', 'c1', 'm1'),
      cview('10:00:59.999', 'u2', 'c1'),
      enrol('10:00:30', 'u1', 'c2'),
      cview('10:01:00.000', 'u1', 'c1'),
    ],
    rows: [
      { ...win('10:00', '10:01'), course_id: 'c1', events: 3, users: 2 },
      { ...win('10:00', '10:01'), course_id: 'c2', events: 1, users: 1 },
      { ...win('10:01', '10:02'), course_id: 'c1', events: 1, users: 1 },
    ],
  },
  {
    view: 'course_realtime_enrollment_rate',
    about: 'enrolments and drops per 5 minutes and course',
    events: [
      enrol('10:00:00', 'u1', 'c1'),
      enrol('10:03:00', 'u2', 'c1'),
      drop('10:04:00', 'u1', 'c1'),
      drop('10:05:00', 'u2', 'c1'),
      cview('10:01:00', 'u3', 'c1'), // not counted
      cview('10:02:00', 'u3', 'c2'), // only a view of c2: no row
    ],
    rows: [
      { ...win('10:00', '10:05'), course_id: 'c1', enrollments: 2, drops: 1 },
      { ...win('10:05', '10:10'), course_id: 'c1', enrollments: 0, drops: 1 },
    ],
  },
  {
    view: 'course_realtime_material_access_5min',
    about: 'views and distinct viewers per 5 minutes and material; downloads are not views',
    events: [
      mview('10:00:00', 'u1', 'c1', 'm1'),
      mview('10:01:00', 'u1', 'c1', 'm1'),
      mview('10:02:00', 'u2', 'c1', 'm1'),
      download('10:03:00', 'u3', 'c1', 'm1', 9), // not a view
      mview('10:04:00', 'u2', 'c1', 'm2'),
      mview('10:07:00', 'u3', 'c1', 'm1'),
      download('10:08:00', 'u3', 'c1', 'm3', 9), // only a download of m3: no row
    ],
    rows: [
      { ...win('10:00', '10:05'), material_id: 'm1', views: 3, viewers: 2 },
      { ...win('10:00', '10:05'), material_id: 'm2', views: 1, viewers: 1 },
      { ...win('10:05', '10:10'), material_id: 'm1', views: 1, viewers: 1 },
    ],
  },
  {
    view: 'course_realtime_download_activity',
    about: 'downloads and bytes per minute and course',
    events: [
      download('10:00:10', 'u1', 'c1', 'm1', 100),
      download('10:00:20', 'u2', 'c1', 'm2', 50),
      dupLate,
      again(dupLate),
      mview('10:00:30', 'u1', 'c1', 'm1'), // not a download
      mview('10:00:40', 'u1', 'c2', 'm5'), // only a view in c2: no row
    ],
    rows: [
      { ...win('10:00', '10:01'), course_id: 'c1', downloads: 2, bytes: 150 },
      { ...win('10:01', '10:02'), course_id: 'c1', downloads: 1, bytes: 100 },
    ],
  },
  {
    view: 'course_realtime_engagement_metrics',
    about: 'sliding 5m/1m: each event is in 5 windows',
    events: [
      cview('10:00:30', 'u1', 'c1'), // windows 09:56 … 10:00
      mview('10:02:30', 'u2', 'c1', 'm1'), // windows 09:58 … 10:02
      enrol('10:02:45', 'u1', 'c1'), // windows 09:58 … 10:02
    ],
    rows: [
      { ...win('09:56', '10:01'), course_id: 'c1', events: 1, users: 1 },
      { ...win('09:57', '10:02'), course_id: 'c1', events: 1, users: 1 },
      { ...win('09:58', '10:03'), course_id: 'c1', events: 3, users: 2 },
      { ...win('09:59', '10:04'), course_id: 'c1', events: 3, users: 2 },
      { ...win('10:00', '10:05'), course_id: 'c1', events: 3, users: 2 },
      { ...win('10:01', '10:06'), course_id: 'c1', events: 2, users: 2 },
      { ...win('10:02', '10:07'), course_id: 'c1', events: 2, users: 2 },
    ],
  },
]

runViewCases(C, cases)
