// auth_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { again, at, ev } from '../../helpers/view-events.js'

const A = 'auth_topic'
const login = (when: string, user: string, session: string) => ev(A, 'LOGIN', when, { user_id: user, session_id: session })
const logout = (when: string, user: string, session: string) => ev(A, 'LOGOUT', when, { user_id: user, session_id: session })
const timeout = (when: string, user: string, session: string) => ev(A, 'SESSION_TIMEOUT', when, { user_id: user, session_id: session })
const failed = (when: string, user: string) => ev(A, 'LOGIN_FAILED', when, { user_id: user, failure_reason: 'wrong_password' })
const signup = (when: string, user: string, device?: string) => ev(A, 'SIGNUP', when, device ? { user_id: user, device_type: device } : { user_id: user })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('auth_daily_active_users', async (t) => {
  const dup = login('10:00:00', 'u2', 's3')
  t.same(rows('auth_daily_active_users', [
    login('08:00:00', 'u1', 's1'), login('09:00:00', 'u1', 's2'), dup, again(dup),
    failed('10:05:00', 'u3'), logout('10:06:00', 'u1', 's1'),
    login('2026-11-03T01:00:00Z', 'u2', 's4'),
  ]), [
    { date: '2026-11-02', active_users: 2, logins: 3, failed_logins: 1, sessions: 3 },
    { date: '2026-11-03', active_users: 1, logins: 1, failed_logins: 0, sessions: 1 },
  ])
})

t.test('auth_hourly_login_patterns', async (t) => {
  t.same(rows('auth_hourly_login_patterns', [login('08:10:00', 'u1', 's1'), login('08:50:00', 'u2', 's2'), failed('08:59:59', 'u3'), login('09:00:00', 'u1', 's3')]), [
    { date: '2026-11-02', hour: 8, logins: 2, failed_logins: 1, active_users: 2 },
    { date: '2026-11-02', hour: 9, logins: 1, failed_logins: 0, active_users: 1 },
  ])
})

t.test('auth_user_session_metrics: first later end pairs; later ends, open sessions and orphan ends do not', async (t) => {
  t.same(rows('auth_user_session_metrics', [
    login('10:00:00', 'u1', 's1'), logout('10:10:00', 'u1', 's1'), timeout('10:40:00', 'u1', 's1'),
    login('11:00:00', 'u1', 's2'), timeout('11:30:00', 'u1', 's2'),
    login('12:00:00', 'u2', 's3'),
    logout('09:00:00', 'u3', 's9'),
  ]), [
    { user_id: 'u1', sessions: 2, total_session_seconds: 2400, avg_session_seconds: 1200, max_session_seconds: 1800 },
    { user_id: 'u2', sessions: 0, total_session_seconds: 0, avg_session_seconds: null, max_session_seconds: null },
    { user_id: 'u3', sessions: 0, total_session_seconds: 0, avg_session_seconds: null, max_session_seconds: null },
  ])
})

t.test('auth_user_activity_summary', async (t) => {
  t.same(rows('auth_user_activity_summary', [
    login('2026-11-03T09:30:00Z', 'u1', 's2'), login('2026-11-02T08:00:00Z', 'u1', 's1'),
    failed('2026-11-03T09:29:00Z', 'u1'), login('2026-11-03T20:00:00Z', 'u1', 's3'),
    failed('10:00:00', 'u2'),
  ]), [
    { user_id: 'u1', total_logins: 3, failed_logins: 1, first_login: '2026-11-02T08:00:00.000Z', last_login: '2026-11-03T20:00:00.000Z', active_days: 2 },
    { user_id: 'u2', total_logins: 0, failed_logins: 1, first_login: null, last_login: null, active_days: 0 },
  ])
})

t.test('auth_registration_analytics: a missing device_type is its own (null) row', async (t) => {
  t.same(rows('auth_registration_analytics', [
    signup('09:00:00', 'n1', 'web'), signup('09:10:00', 'n2', 'web'), signup('09:20:00', 'n3'),
    signup('2026-11-03T07:00:00Z', 'n4', 'mobile'), login('09:30:00', 'n1', 's1'),
  ]), [
    { date: '2026-11-02', device_type: null, signups: 1 },
    { date: '2026-11-02', device_type: 'web', signups: 2 },
    { date: '2026-11-03', device_type: 'mobile', signups: 1 },
  ])
})

t.test('auth_realtime_active_users_1min: an event at 10:01:00.000 opens the next window', async (t) => {
  t.same(rows('auth_realtime_active_users_1min', [login('10:00:10', 'u1', 's1'), failed('10:00:50', 'u2'), logout('10:00:59', 'u1', 's1'), login('10:01:00', 'u1', 's2')]), [
    { window_start: at('10:00'), window_end: at('10:01'), active_users: 2, events: 3 },
    { window_start: at('10:01'), window_end: at('10:02'), active_users: 1, events: 1 },
  ])
})

t.test('auth_realtime_active_users_5min', async (t) => {
  t.same(rows('auth_realtime_active_users_5min', [
    login('10:00:10', 'u1', 's1'), failed('10:00:50', 'u2'), logout('10:00:59', 'u1', 's1'), login('10:01:00', 'u1', 's2'), signup('10:04:59', 'u3'),
  ]), [{ window_start: at('10:00'), window_end: at('10:05'), active_users: 3, events: 5 }])
})

t.test('auth_realtime_login_rate', async (t) => {
  t.same(rows('auth_realtime_login_rate', [
    login('10:00:01', 'u1', 's1'), login('10:00:02', 'u2', 's2'), failed('10:00:03', 'u3'), failed('10:00:04', 'u3'),
    failed('10:01:30', 'u4'), logout('10:02:00', 'u1', 's1'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), logins: 2, failed_logins: 2, success_rate: 0.5 },
    { window_start: at('10:01'), window_end: at('10:02'), logins: 0, failed_logins: 1, success_rate: 0 },
  ])
})

t.test('auth_realtime_session_activity: sliding windows; the pair sits in the windows of its end', async (t) => {
  const w = (start: string, end: string, started: number, ended: number, avg: number | null) => ({
    window_start: at(start), window_end: at(end), sessions_started: started, sessions_ended: ended, avg_session_seconds: avg,
  })
  t.same(rows('auth_realtime_session_activity', [login('10:02:30', 'u1', 's1'), logout('10:04:30', 'u1', 's1')]), [
    w('09:58', '10:03', 1, 0, null),
    w('09:59', '10:04', 1, 0, null),
    w('10:00', '10:05', 1, 1, 120),
    w('10:01', '10:06', 1, 1, 120),
    w('10:02', '10:07', 1, 1, 120),
    w('10:03', '10:08', 0, 1, 120),
    w('10:04', '10:09', 0, 1, 120),
  ])
})

t.test('auth_realtime_failed_logins: suspicious at 5 in a minute', async (t) => {
  t.same(rows('auth_realtime_failed_logins', [
    failed('10:00:01', 'u1'), failed('10:00:02', 'u1'), failed('10:00:03', 'u1'), failed('10:00:04', 'u1'), failed('10:00:05', 'u1'),
    failed('10:00:30', 'u2'), failed('10:01:00', 'u1'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), user_id: 'u1', failed_logins: 5, suspicious: true },
    { window_start: at('10:00'), window_end: at('10:01'), user_id: 'u2', failed_logins: 1, suspicious: false },
    { window_start: at('10:01'), window_end: at('10:02'), user_id: 'u1', failed_logins: 1, suspicious: false },
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
