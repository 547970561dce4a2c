// auth_topic views (batch 1–5, real-time 1–5 of spec/views.md) against rows
// worked out by hand from the spec. Every expected row is a literal; the working
// is in the comments next to it.
import { again, ev, win, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const A = 'auth_topic'
const signup = (at: string, user: string, device?: string) =>
  ev(A, 'SIGNUP', at, device === undefined ? { user_id: user } : { user_id: user, device_type: device })
const login = (at: string, user: string, session: string) => ev(A, 'LOGIN', at, { user_id: user, session_id: session, device_type: 'web' })
const failed = (at: string, user: string) => ev(A, 'LOGIN_FAILED', at, { user_id: user, failure_reason: 'wrong_password' })
const logout = (at: string, user: string, session: string) => ev(A, 'LOGOUT', at, { user_id: user, session_id: session })
const timeout = (at: string, user: string, session: string) => ev(A, 'SESSION_TIMEOUT', at, { user_id: user, session_id: session })

const dupLogin = login('10:00:00', 'u2', 's3')
const dupLogin2 = login('10:15:30.250', 'u3', 's5')
const dupFail = failed('10:00:40', 'u2')
const dupLogout = logout('10:00:59.999', 'u1', 's1')

const cases: ViewCase[] = [
  {
    view: 'auth_daily_active_users',
    about: 'distinct users and sessions of LOGIN; a duplicate counts once; other types make no row; midnight starts a new date',
    events: [
      login('08:00:00', 'u1', 's1'),
      login('09:00:00', 'u1', 's2'),
      dupLogin,
      again(dupLogin),
      login('11:00:00', 'u2', 's3'), // same session again: a login, not a new session
      failed('12:00:00', 'u3'), // u3 only failed: not an active user
      failed('2026-11-02T23:59:59.999Z', 'u3'),
      logout('13:00:00', 'u1', 's1'), // not a type of the view
      signup('14:00:00', 'u4'),
      login('2026-11-03T00:00:00Z', 'u1', 's4'),
      signup('2026-11-04T10:00:00Z', 'u5'), // only an outside type on 11-04: no row
    ],
    rows: [
      // logins 08:00, 09:00, 10:00 (once), 11:00 = 4; users u1, u2; failed 12:00, 23:59:59.999; sessions s1, s2, s3
      { date: '2026-11-02', active_users: 2, logins: 4, failed_logins: 2, sessions: 3 },
      { date: '2026-11-03', active_users: 1, logins: 1, failed_logins: 0, sessions: 1 },
    ],
  },
  {
    view: 'auth_hourly_login_patterns',
    about: 'one row per (date, UTC hour); the same hour on another date is another row',
    events: [
      login('08:00:00', 'u1', 's1'),
      failed('08:30:00', 'u3'),
      login('08:45:00', 'u1', 's3'),
      login('08:59:59.999', 'u2', 's2'),
      login('09:00:00', 'u1', 's4'),
      failed('09:10:00', 'u1'),
      logout('09:20:00', 'u1', 's4'), // not counted
      signup('10:00:00', 'u9'), // not a type of the view: no hour-10 row
      login('2026-11-03T08:15:00Z', 'u2', 's5'),
    ],
    rows: [
      { date: '2026-11-02', hour: 8, logins: 3, failed_logins: 1, active_users: 2 }, // u1 twice, u2
      { date: '2026-11-02', hour: 9, logins: 1, failed_logins: 1, active_users: 1 },
      { date: '2026-11-03', hour: 8, logins: 1, failed_logins: 0, active_users: 1 },
    ],
  },
  {
    view: 'auth_user_session_metrics',
    about: 'LOGIN to the first later LOGOUT/SESSION_TIMEOUT; a second LOGOUT, an end before its start and open sessions do not pair; the pair goes to the end event',
    events: [
      login('10:00:00', 'u1', 's1'),
      logout('10:10:00', 'u1', 's1'), // 600 s
      logout('10:40:00', 'u1', 's1'), // a second LOGOUT of s1: ignored
      login('11:00:00', 'u1', 's2'),
      timeout('11:30:00', 'u1', 's2'), // 1800 s
      logout('09:00:00', 'u2', 's3'), // an end before its start …
      login('09:30:00', 'u2', 's3'), // … and no later end: no pair
      dupLogin2,
      again(dupLogin2), // u3: an open session
      login('13:00:00', 'u4', 's6'),
      logout('13:20:00', 'u5', 's6'), // 1200 s, attributed to the end event's user u5
      failed('12:00:00', 'u9'), // not a type of the view: no u9 row
    ],
    rows: [
      { user_id: 'u1', sessions: 2, total_session_seconds: 2400, avg_session_seconds: 1200, max_session_seconds: 1800 },
      { user_id: 'u2', sessions: 0, total_session_seconds: 0, avg_session_seconds: null, max_session_seconds: null },
      { user_id: 'u3', sessions: 0, total_session_seconds: 0, avg_session_seconds: null, max_session_seconds: null },
      { user_id: 'u4', sessions: 0, total_session_seconds: 0, avg_session_seconds: null, max_session_seconds: null },
      { user_id: 'u5', sessions: 1, total_session_seconds: 1200, avg_session_seconds: 1200, max_session_seconds: 1200 },
    ],
  },
  {
    view: 'auth_user_activity_summary',
    about: 'first/last LOGIN time regardless of input order, days with a login, failed-only users',
    events: [
      login('2026-11-03T09:30:00Z', 'u1', 's2'),
      login('2026-11-02T08:00:00Z', 'u1', 's1'),
      failed('2026-11-02T07:00:00Z', 'u1'), // before the first login, but not a login
      login('2026-11-03T20:00:00Z', 'u1', 's3'),
      login('2026-11-03T20:00:00Z', 'u1', 's4'), // same time as the previous: last_login is that time either way
      failed('10:00:00', 'u2'),
      dupLogin2,
      again(dupLogin2),
      logout('11:00:00', 'u4', 's9'), // not a type of the view: no u4 row
    ],
    rows: [
      { user_id: 'u1', total_logins: 4, failed_logins: 1, first_login: '2026-11-02T08:00:00.000Z', last_login: '2026-11-03T20:00:00.000Z', active_days: 2 },
      { user_id: 'u2', total_logins: 0, failed_logins: 1, first_login: null, last_login: null, active_days: 0 },
      { user_id: 'u3', total_logins: 1, failed_logins: 0, first_login: '2026-11-02T10:15:30.250Z', last_login: '2026-11-02T10:15:30.250Z', active_days: 1 },
    ],
  },
  {
    view: 'auth_registration_analytics',
    about: 'a SIGNUP without device_type is a device_type: null row (sorted first)',
    events: [
      signup('09:00:00', 'n1', 'web'),
      signup('09:10:00', 'n2', 'web'),
      signup('09:20:00', 'n3'),
      signup('09:30:00', 'n4', 'mobile'),
      login('09:50:00', 'n1', 's1'), // not a SIGNUP
      signup('2026-11-03T07:00:00Z', 'n6'),
    ],
    rows: [
      { date: '2026-11-02', device_type: null, signups: 1 },
      { date: '2026-11-02', device_type: 'mobile', signups: 1 },
      { date: '2026-11-02', device_type: 'web', signups: 2 },
      { date: '2026-11-03', device_type: null, signups: 1 },
    ],
  },
  {
    view: 'auth_realtime_active_users_1min',
    about: 'tumbling minutes of every auth type; 10:01:00.000 opens the 10:01 window; an empty minute has no row',
    events: [
      login('10:00:10', 'u1', 's1'),
      failed('10:00:20', 'u2'),
      dupLogout,
      again(dupLogout),
      signup('10:01:00.000', 'u3'),
      timeout('10:01:30', 'u1', 's2'),
      login('10:03:00', 'u2', 's3'),
    ],
    rows: [
      { ...win('10:00', '10:01'), active_users: 2, events: 3 },
      { ...win('10:01', '10:02'), active_users: 2, events: 2 },
      { ...win('10:03', '10:04'), active_users: 1, events: 1 },
    ],
  },
  {
    view: 'auth_realtime_active_users_5min',
    about: 'tumbling 5 minutes: 10:04:59.999 is in 10:00, 10:05:00.000 in 10:05',
    events: [
      failed('09:59:59', 'u4'),
      login('10:00:00', 'u1', 's1'),
      failed('10:02:30', 'u1'),
      signup('10:04:59.999', 'u2'),
      login('10:05:00', 'u3', 's2'),
      logout('10:09:00', 'u3', 's2'),
    ],
    rows: [
      { ...win('09:55', '10:00'), active_users: 1, events: 1 },
      { ...win('10:00', '10:05'), active_users: 2, events: 3 },
      { ...win('10:05', '10:10'), active_users: 1, events: 2 },
    ],
  },
  {
    view: 'auth_realtime_login_rate',
    about: 'success_rate = logins / (logins + failed_logins) per minute; a minute of other types only has no row',
    events: [
      login('10:00:01', 'u1', 's1'),
      login('10:00:02', 'u2', 's2'),
      login('10:00:03', 'u3', 's3'),
      failed('10:00:04', 'u4'),
      dupFail,
      again(dupFail),
      failed('10:01:30', 'u4'),
      logout('10:02:00', 'u1', 's1'),
      signup('10:02:10', 'u7'),
      login('10:03:00', 'u5', 's5'),
    ],
    rows: [
      { ...win('10:00', '10:01'), logins: 3, failed_logins: 2, success_rate: 0.6 }, // 3 / 5
      { ...win('10:01', '10:02'), logins: 0, failed_logins: 1, success_rate: 0 },
      { ...win('10:03', '10:04'), logins: 1, failed_logins: 0, success_rate: 1 },
    ],
  },
  {
    view: 'auth_realtime_session_activity',
    about: 'sliding 5m/1m: each event is in 5 windows; a session sits in the windows of its end; a second LOGOUT does not change the pair',
    events: [
      login('10:02:30', 'u1', 's1'), // windows 09:58 … 10:02
      login('10:03:10', 'u2', 's2'), // windows 09:59 … 10:03
      logout('10:04:30', 'u1', 's1'), // windows 10:00 … 10:04; pair s1 = 120 s
      logout('10:05:20', 'u1', 's1'), // windows 10:01 … 10:05; second LOGOUT of s1: no pair (still an end event)
      timeout('10:06:10', 'u2', 's2'), // windows 10:02 … 10:06; pair s2 = 180 s
      failed('10:03:00', 'u3'), // not a type of the view
    ],
    rows: [
      { ...win('09:58', '10:03'), sessions_started: 1, sessions_ended: 0, avg_session_seconds: null },
      { ...win('09:59', '10:04'), sessions_started: 2, sessions_ended: 0, avg_session_seconds: null },
      { ...win('10:00', '10:05'), sessions_started: 2, sessions_ended: 1, avg_session_seconds: 120 },
      { ...win('10:01', '10:06'), sessions_started: 2, sessions_ended: 2, avg_session_seconds: 120 },
      { ...win('10:02', '10:07'), sessions_started: 2, sessions_ended: 3, avg_session_seconds: 150 },
      { ...win('10:03', '10:08'), sessions_started: 1, sessions_ended: 3, avg_session_seconds: 150 },
      { ...win('10:04', '10:09'), sessions_started: 0, sessions_ended: 3, avg_session_seconds: 150 },
      { ...win('10:05', '10:10'), sessions_started: 0, sessions_ended: 2, avg_session_seconds: 180 },
      { ...win('10:06', '10:11'), sessions_started: 0, sessions_ended: 1, avg_session_seconds: 180 },
    ],
  },
  {
    view: 'auth_realtime_failed_logins',
    about: 'suspicious at 5 or more in a minute; a duplicate does not push 4 to 5',
    events: [
      failed('10:00:01', 'u1'),
      failed('10:00:02', 'u1'),
      failed('10:00:03', 'u1'),
      failed('10:00:04', 'u1'),
      failed('10:00:05', 'u1'),
      failed('10:00:10', 'u2'),
      failed('10:00:20', 'u2'),
      failed('10:00:30', 'u2'),
      dupFail, // u2 at 10:00:40
      again(dupFail),
      failed('10:01:00', 'u1'),
      login('10:00:30', 'u3', 's1'), // not a failed login: no u3 row
    ],
    rows: [
      { ...win('10:00', '10:01'), user_id: 'u1', failed_logins: 5, suspicious: true },
      { ...win('10:00', '10:01'), user_id: 'u2', failed_logins: 4, suspicious: false },
      { ...win('10:01', '10:02'), user_id: 'u1', failed_logins: 1, suspicious: false },
    ],
  },
]

runViewCases(A, cases)
