// profile_topic views (batch 28–31, real-time 21 of spec/views.md) against rows
// worked out by hand from the spec.
import { again, ev, win, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const P = 'profile_topic'
const viewed = (at: string, user: string) => ev(P, 'PROFILE_VIEWED', at, { user_id: user })
const updated = (at: string, user: string, fields: string[]) => ev(P, 'PROFILE_UPDATED', at, { user_id: user, fields_changed: fields })
const avatar = (at: string, user: string, bytes: number) => ev(P, 'AVATAR_CHANGED', at, { user_id: user, image_size_bytes: bytes })
const password = (at: string, user: string) => ev(P, 'PASSWORD_CHANGED', at, { user_id: user })
const prefs = (at: string, user: string) => ev(P, 'PREFERENCES_UPDATED', at, { user_id: user, preference: 'theme=dark' })

const dupAvatar = avatar('11:00:00', 'u1', 100)
const dupUpdate = updated('09:10:00', 'u2', ['bio'])
const dupPassword = password('10:00:03', 'u1')

const cases: ViewCase[] = [
  {
    view: 'profile_update_frequency',
    about: 'changes of each kind per user; last_update is the last change (a profile view is not one)',
    events: [
      updated('09:00:00', 'u1', ['bio']),
      updated('10:00:00', 'u1', ['email']),
      dupAvatar,
      again(dupAvatar),
      password('12:00:00', 'u1'),
      prefs('13:00:00', 'u1'),
      viewed('14:00:00', 'u1'), // not a change
      prefs('08:00:00', 'u2'),
      viewed('15:00:00', 'u3'), // only a view: no u3 row
    ],
    rows: [
      { user_id: 'u1', profile_updates: 2, avatar_changes: 1, password_changes: 1, preference_updates: 1, last_update: '2026-11-02T13:00:00.000Z' },
      { user_id: 'u2', profile_updates: 0, avatar_changes: 0, password_changes: 0, preference_updates: 1, last_update: '2026-11-02T08:00:00.000Z' },
    ],
  },
  {
    view: 'profile_field_changes',
    about: 'one row per element of fields_changed; two fields in one update give two rows; a field listed twice counts once',
    events: [
      updated('09:00:00', 'u1', ['bio', 'email']),
      dupUpdate, // u2: bio
      again(dupUpdate),
      updated('09:20:00', 'u1', ['bio', 'bio']),
      updated('09:30:00', 'u3', ['timezone', 'language', 'timezone']),
      avatar('09:40:00', 'u4', 100), // not an update
    ],
    rows: [
      { field: 'bio', changes: 3, users: 2 },
      { field: 'email', changes: 1, users: 1 },
      { field: 'language', changes: 1, users: 1 },
      { field: 'timezone', changes: 1, users: 1 },
    ],
  },
  {
    view: 'profile_avatar_changes',
    about: 'avatar changes, distinct users, mean image size per day',
    events: [
      avatar('09:00:00', 'u1', 1000),
      avatar('10:00:00', 'u1', 3000),
      avatar('11:00:00', 'u2', 2000),
      avatar('2026-11-03T09:00:00Z', 'u3', 500),
      password('12:00:00', 'u4'), // not an avatar change
      password('2026-11-04T12:00:00Z', 'u4'), // only a password change on 11-04: no row
    ],
    rows: [
      { date: '2026-11-02', avatar_changes: 3, users: 2, avg_image_size_bytes: 2000 },
      { date: '2026-11-03', avatar_changes: 1, users: 1, avg_image_size_bytes: 500 },
    ],
  },
  {
    view: 'profile_daily_activity',
    about: 'every kind of profile event and distinct users per day',
    events: [
      viewed('09:00:00', 'u1'),
      viewed('09:01:00', 'u2'),
      updated('09:02:00', 'u1', ['phone']),
      avatar('09:03:00', 'u1', 10),
      password('09:04:00', 'u3'),
      prefs('09:05:00', 'u3'),
      viewed('2026-11-03T00:00:00Z', 'u4'),
    ],
    rows: [
      { date: '2026-11-02', views: 2, updates: 1, avatar_changes: 1, password_changes: 1, preference_updates: 1, users: 3 },
      { date: '2026-11-03', views: 1, updates: 0, avatar_changes: 0, password_changes: 0, preference_updates: 0, users: 1 },
    ],
  },
  {
    view: 'profile_realtime_updates_1min',
    about: 'changes per minute and distinct users changing anything; a minute of views only has no row',
    events: [
      updated('10:00:01', 'u1', ['bio']),
      avatar('10:00:02', 'u2', 10),
      dupPassword, // u1 again
      again(dupPassword),
      prefs('10:00:04', 'u3'),
      viewed('10:00:05', 'u4'), // a view, not a change: u4 not counted
      updated('10:01:00.000', 'u1', ['language']),
      viewed('10:02:00', 'u5'),
    ],
    rows: [
      { ...win('10:00', '10:01'), updates: 1, avatar_changes: 1, password_changes: 1, users: 3 },
      { ...win('10:01', '10:02'), updates: 1, avatar_changes: 0, password_changes: 0, users: 1 },
    ],
  },
]

runViewCases(P, cases)
