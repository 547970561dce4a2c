// auth_topic views: batch 1–5, real-time 1–5 of spec/views.md.
import { count, defineView, distinct, expr, first, last, minutes, pairs, ratio, sliding, tumbling } from '../dsl.js'
import { SESSION } from './pairings.js'

export const authDailyActiveUsers = defineView({
  name: 'auth_daily_active_users',
  kind: 'batch',
  description: 'Per day: users and sessions that logged in, logins and failed logins.',
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGIN_FAILED'],
  key: { date: 'date' },
  measures: {
    active_users: distinct('user_id', ['LOGIN']),
    logins: count(['LOGIN']),
    failed_logins: count(['LOGIN_FAILED']),
    sessions: distinct('session_id', ['LOGIN']),
  },
})

export const authHourlyLoginPatterns = defineView({
  name: 'auth_hourly_login_patterns',
  kind: 'batch',
  description: 'Per date and UTC hour: logins, failed logins and users who logged in.',
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGIN_FAILED'],
  key: { date: 'date', hour: 'hour' },
  measures: {
    logins: count(['LOGIN']),
    failed_logins: count(['LOGIN_FAILED']),
    active_users: distinct('user_id', ['LOGIN']),
  },
})

export const authUserSessionMetrics = defineView({
  name: 'auth_user_session_metrics',
  kind: 'batch',
  description: "Per user: completed sessions (LOGIN to LOGOUT or SESSION_TIMEOUT) and their lengths in seconds.",
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGOUT', 'SESSION_TIMEOUT'],
  key: { user_id: 'user_id' },
  measures: {
    sessions: pairs(SESSION, 'count'),
    total_session_seconds: pairs(SESSION, 'sum'),
    avg_session_seconds: pairs(SESSION, 'avg'),
    max_session_seconds: pairs(SESSION, 'max'),
  },
})

export const authUserActivitySummary = defineView({
  name: 'auth_user_activity_summary',
  kind: 'batch',
  description: 'Per user: logins, failed logins, first and last login, days with a login.',
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGIN_FAILED'],
  key: { user_id: 'user_id' },
  measures: {
    total_logins: count(['LOGIN']),
    failed_logins: count(['LOGIN_FAILED']),
    first_login: first('time', ['LOGIN']),
    last_login: last('time', ['LOGIN']),
    active_days: distinct('date', ['LOGIN']),
  },
})

export const authRegistrationAnalytics = defineView({
  name: 'auth_registration_analytics',
  kind: 'batch',
  description: 'Per day and device type (null when not given): signups.',
  topic: 'auth_topic',
  types: ['SIGNUP'],
  key: { date: 'date', device_type: 'device_type' },
  measures: { signups: count() },
})

export const authRealtimeActiveUsers1min = defineView({
  name: 'auth_realtime_active_users_1min',
  kind: 'realtime',
  description: 'Per minute: distinct users with any auth event, and auth events.',
  topic: 'auth_topic',
  key: {},
  window: tumbling(minutes(1)),
  measures: { active_users: distinct('user_id'), events: count() },
})

export const authRealtimeActiveUsers5min = defineView({
  name: 'auth_realtime_active_users_5min',
  kind: 'realtime',
  description: 'Per 5 minutes: distinct users with any auth event, and auth events.',
  topic: 'auth_topic',
  key: {},
  window: tumbling(minutes(5)),
  measures: { active_users: distinct('user_id'), events: count() },
})

export const authRealtimeLoginRate = defineView({
  name: 'auth_realtime_login_rate',
  kind: 'realtime',
  description: 'Per minute: logins, failed logins and the share of attempts that succeeded.',
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGIN_FAILED'],
  key: {},
  window: tumbling(minutes(1)),
  measures: { logins: count(['LOGIN']), failed_logins: count(['LOGIN_FAILED']) },
  derived: { success_rate: ratio('logins', ['logins', 'failed_logins']) },
})

export const authRealtimeSessionActivity = defineView({
  name: 'auth_realtime_session_activity',
  kind: 'realtime',
  description: 'Per 5-minute window (every minute): sessions started and ended, and the mean length of sessions ended in it.',
  topic: 'auth_topic',
  types: ['LOGIN', 'LOGOUT', 'SESSION_TIMEOUT'],
  key: {},
  window: sliding(minutes(5), minutes(1)),
  measures: {
    sessions_started: count(['LOGIN']),
    sessions_ended: count(['LOGOUT', 'SESSION_TIMEOUT']),
    avg_session_seconds: pairs(SESSION, 'avg'),
  },
})

export const authRealtimeFailedLogins = defineView({
  name: 'auth_realtime_failed_logins',
  kind: 'realtime',
  description: 'Per minute and user: failed logins; suspicious at 5 or more.',
  topic: 'auth_topic',
  types: ['LOGIN_FAILED'],
  key: { user_id: 'user_id' },
  window: tumbling(minutes(1)),
  measures: { failed_logins: count() },
  derived: { suspicious: expr(['failed_logins'], 'failed_logins >= 5', (m) => (m.failed_logins as number) >= 5) },
})

export const AUTH_VIEWS = [
  authDailyActiveUsers,
  authHourlyLoginPatterns,
  authUserSessionMetrics,
  authUserActivitySummary,
  authRegistrationAnalytics,
  authRealtimeActiveUsers1min,
  authRealtimeActiveUsers5min,
  authRealtimeLoginRate,
  authRealtimeSessionActivity,
  authRealtimeFailedLogins,
]
