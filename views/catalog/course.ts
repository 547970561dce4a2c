// course_topic views: batch 20–27, real-time 16–20 of spec/views.md.
import { count, defineView, distinct, expr, last, minutes, sliding, sum, avg, tumbling } from '../dsl.js'

const netEnrolments = expr(['enrollments', 'drops'], 'enrollments - drops', (m) => (m.enrollments as number) - (m.drops as number))

export const courseEnrollmentStats = defineView({
  name: 'course_enrollment_stats',
  kind: 'batch',
  description: 'Per course and day: enrolments, drops and their difference.',
  topic: 'course_topic',
  types: ['COURSE_ENROLLED', 'COURSE_DROPPED'],
  key: { course_id: 'course_id', date: 'date' },
  measures: { enrollments: count(['COURSE_ENROLLED']), drops: count(['COURSE_DROPPED']) },
  derived: { net_enrollments: netEnrolments },
})

export const courseMaterialAccess = defineView({
  name: 'course_material_access',
  kind: 'batch',
  description: 'Per user and course: material views, distinct materials viewed or downloaded, last access.',
  topic: 'course_topic',
  types: ['MATERIAL_VIEWED', 'MATERIAL_DOWNLOADED'],
  key: { user_id: 'user_id', course_id: 'course_id' },
  measures: {
    material_views: count(['MATERIAL_VIEWED']),
    materials: distinct('material_id'),
    last_access: last('time'),
  },
})

export const courseMaterialPopularity = defineView({
  name: 'course_material_popularity',
  kind: 'batch',
  description: 'Per material: views, distinct viewers, downloads.',
  topic: 'course_topic',
  types: ['MATERIAL_VIEWED', 'MATERIAL_DOWNLOADED'],
  key: { material_id: 'material_id', course_id: 'course_id', material_type: 'material_type' },
  measures: {
    views: count(['MATERIAL_VIEWED']),
    viewers: distinct('user_id', ['MATERIAL_VIEWED']),
    downloads: count(['MATERIAL_DOWNLOADED']),
  },
})

export const courseDownloadAnalytics = defineView({
  name: 'course_download_analytics',
  kind: 'batch',
  description: 'Per user: downloads, bytes downloaded, distinct materials downloaded.',
  topic: 'course_topic',
  types: ['MATERIAL_DOWNLOADED'],
  key: { user_id: 'user_id' },
  measures: { downloads: count(), total_bytes: sum('file_size_bytes'), materials: distinct('material_id') },
})

export const courseResourceDownloadStats = defineView({
  name: 'course_resource_download_stats',
  kind: 'batch',
  description: 'Per material: downloads, distinct downloaders, bytes downloaded in total and per download.',
  topic: 'course_topic',
  types: ['MATERIAL_DOWNLOADED'],
  key: { material_id: 'material_id', material_type: 'material_type' },
  measures: {
    downloads: count(),
    downloaders: distinct('user_id'),
    total_bytes: sum('file_size_bytes'),
    avg_bytes: avg('file_size_bytes'),
  },
})

export const courseActivitySummary = defineView({
  name: 'course_activity_summary',
  kind: 'batch',
  description: 'Per user and course: course views, material views, downloads, whether enrolled (the latest of enrol/drop is an enrolment), active days.',
  topic: 'course_topic',
  key: { user_id: 'user_id', course_id: 'course_id' },
  measures: {
    course_views: count(['COURSE_VIEWED']),
    material_views: count(['MATERIAL_VIEWED']),
    downloads: count(['MATERIAL_DOWNLOADED']),
    last_enrolment_change: last('event_type', ['COURSE_ENROLLED', 'COURSE_DROPPED']),
    active_days: distinct('date'),
  },
  derived: {
    enrolled: expr(['last_enrolment_change'], 'last_enrolment_change = COURSE_ENROLLED', (m) => m.last_enrolment_change === 'COURSE_ENROLLED'),
  },
})

export const courseDailyEngagement = defineView({
  name: 'course_daily_engagement',
  kind: 'batch',
  description: 'Per course and day: course events, distinct users, material views, downloads.',
  topic: 'course_topic',
  key: { course_id: 'course_id', date: 'date' },
  measures: {
    events: count(),
    users: distinct('user_id'),
    material_views: count(['MATERIAL_VIEWED']),
    downloads: count(['MATERIAL_DOWNLOADED']),
  },
})

export const courseOverallMetrics = defineView({
  name: 'course_overall_metrics',
  kind: 'batch',
  description: 'Per course: enrolments, drops and net, distinct active users, course views, material views, downloads.',
  topic: 'course_topic',
  key: { course_id: 'course_id' },
  measures: {
    enrollments: count(['COURSE_ENROLLED']),
    drops: count(['COURSE_DROPPED']),
    active_users: distinct('user_id'),
    course_views: count(['COURSE_VIEWED']),
    material_views: count(['MATERIAL_VIEWED']),
    downloads: count(['MATERIAL_DOWNLOADED']),
  },
  derived: { net_enrollments: netEnrolments },
})

export const courseRealtimeActiveCourses1min = defineView({
  name: 'course_realtime_active_courses_1min',
  kind: 'realtime',
  description: 'Per minute and course: course events and distinct users.',
  topic: 'course_topic',
  key: { course_id: 'course_id' },
  window: tumbling(minutes(1)),
  measures: { events: count(), users: distinct('user_id') },
})

export const courseRealtimeEnrollmentRate = defineView({
  name: 'course_realtime_enrollment_rate',
  kind: 'realtime',
  description: 'Per 5 minutes and course: enrolments and drops.',
  topic: 'course_topic',
  types: ['COURSE_ENROLLED', 'COURSE_DROPPED'],
  key: { course_id: 'course_id' },
  window: tumbling(minutes(5)),
  measures: { enrollments: count(['COURSE_ENROLLED']), drops: count(['COURSE_DROPPED']) },
})

export const courseRealtimeMaterialAccess5min = defineView({
  name: 'course_realtime_material_access_5min',
  kind: 'realtime',
  description: 'Per 5 minutes and material: views and distinct viewers.',
  topic: 'course_topic',
  types: ['MATERIAL_VIEWED'],
  key: { material_id: 'material_id' },
  window: tumbling(minutes(5)),
  measures: { views: count(), viewers: distinct('user_id') },
})

export const courseRealtimeDownloadActivity = defineView({
  name: 'course_realtime_download_activity',
  kind: 'realtime',
  description: 'Per minute and course: downloads and bytes downloaded.',
  topic: 'course_topic',
  types: ['MATERIAL_DOWNLOADED'],
  key: { course_id: 'course_id' },
  window: tumbling(minutes(1)),
  measures: { downloads: count(), bytes: sum('file_size_bytes') },
})

export const courseRealtimeEngagementMetrics = defineView({
  name: 'course_realtime_engagement_metrics',
  kind: 'realtime',
  description: 'Per 5-minute window (every minute) and course: course events and distinct users.',
  topic: 'course_topic',
  key: { course_id: 'course_id' },
  window: sliding(minutes(5), minutes(1)),
  measures: { events: count(), users: distinct('user_id') },
})

export const COURSE_VIEWS = [
  courseEnrollmentStats,
  courseMaterialAccess,
  courseMaterialPopularity,
  courseDownloadAnalytics,
  courseResourceDownloadStats,
  courseActivitySummary,
  courseDailyEngagement,
  courseOverallMetrics,
  courseRealtimeActiveCourses1min,
  courseRealtimeEnrollmentRate,
  courseRealtimeMaterialAccess5min,
  courseRealtimeDownloadActivity,
  courseRealtimeEngagementMetrics,
]
