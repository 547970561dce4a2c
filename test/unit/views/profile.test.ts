// profile_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { at, ev } from '../../helpers/view-events.js'

const P = 'profile_topic'
const viewed = (when: string, user: string) => ev(P, 'PROFILE_VIEWED', when, { user_id: user })
const updated = (when: string, user: string, fields: string[]) => ev(P, 'PROFILE_UPDATED', when, { user_id: user, fields_changed: fields })
const avatar = (when: string, user: string, bytes: number) => ev(P, 'AVATAR_CHANGED', when, { user_id: user, image_size_bytes: bytes })
const password = (when: string, user: string) => ev(P, 'PASSWORD_CHANGED', when, { user_id: user })
const prefs = (when: string, user: string) => ev(P, 'PREFERENCES_UPDATED', when, { user_id: user, preference: 'theme=dark' })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('profile_update_frequency', async (t) => {
  t.same(rows('profile_update_frequency', [
    updated('09:00:00', 'u1', ['bio']), updated('10:00:00', 'u1', ['email']), avatar('11:00:00', 'u1', 100), password('12:00:00', 'u1'), prefs('13:00:00', 'u1'),
    viewed('14:00:00', 'u1'), prefs('08:00:00', 'u2'),
  ]), [
    { user_id: 'u1', profile_updates: 2, avatar_changes: 1, password_changes: 1, preference_updates: 1, last_update: '2026-11-02T13:00:00.000Z' },
    { user_id: 'u2', profile_updates: 0, avatar_changes: 0, password_changes: 0, preference_updates: 1, last_update: '2026-11-02T08:00:00.000Z' },
  ])
})

t.test('profile_field_changes: one row per changed field; a field listed twice in one update counts once', async (t) => {
  t.same(rows('profile_field_changes', [updated('09:00:00', 'u1', ['bio', 'email']), updated('09:10:00', 'u2', ['bio']), updated('09:20:00', 'u1', ['bio', 'bio'])]), [
    { field: 'bio', changes: 3, users: 2 },
    { field: 'email', changes: 1, users: 1 },
  ])
})

t.test('profile_avatar_changes', async (t) => {
  t.same(rows('profile_avatar_changes', [avatar('09:00:00', 'u1', 1000), avatar('10:00:00', 'u1', 3000), avatar('11:00:00', 'u2', 2000), avatar('2026-11-03T09:00:00Z', 'u3', 500)]), [
    { date: '2026-11-02', avatar_changes: 3, users: 2, avg_image_size_bytes: 2000 },
    { date: '2026-11-03', avatar_changes: 1, users: 1, avg_image_size_bytes: 500 },
  ])
})

t.test('profile_daily_activity', async (t) => {
  t.same(rows('profile_daily_activity', [viewed('09:00:00', 'u1'), viewed('09:01:00', 'u2'), updated('09:02:00', 'u1', ['phone']), avatar('09:03:00', 'u1', 10), password('09:04:00', 'u3'), prefs('09:05:00', 'u3')]), [
    { date: '2026-11-02', views: 2, updates: 1, avatar_changes: 1, password_changes: 1, preference_updates: 1, users: 3 },
  ])
})

t.test('profile_realtime_updates_1min', async (t) => {
  t.same(rows('profile_realtime_updates_1min', [
    updated('10:00:01', 'u1', ['bio']), avatar('10:00:02', 'u2', 10), password('10:00:03', 'u1'), prefs('10:00:04', 'u3'), viewed('10:00:05', 'u4'),
    updated('10:01:00', 'u1', ['language']),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), updates: 1, avatar_changes: 1, password_changes: 1, users: 3 },
    { window_start: at('10:01'), window_end: at('10:02'), updates: 1, avatar_changes: 0, password_changes: 0, users: 1 },
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
