// profile_topic views: batch 28–31, real-time 21 of spec/views.md.
import { avg, count, defineView, distinct, each, last, minutes, tumbling } from '../dsl.js'

export const profileUpdateFrequency = defineView({
  name: 'profile_update_frequency',
  kind: 'batch',
  description: 'Per user: profile updates, avatar changes, password changes, preference updates, and the last of any of them.',
  topic: 'profile_topic',
  types: ['PROFILE_UPDATED', 'AVATAR_CHANGED', 'PASSWORD_CHANGED', 'PREFERENCES_UPDATED'],
  key: { user_id: 'user_id' },
  measures: {
    profile_updates: count(['PROFILE_UPDATED']),
    avatar_changes: count(['AVATAR_CHANGED']),
    password_changes: count(['PASSWORD_CHANGED']),
    preference_updates: count(['PREFERENCES_UPDATED']),
    last_update: last('time'),
  },
})

export const profileFieldChanges = defineView({
  name: 'profile_field_changes',
  kind: 'batch',
  description: 'Per profile field: updates that changed it (a field listed twice in one update counts once) and distinct users.',
  topic: 'profile_topic',
  types: ['PROFILE_UPDATED'],
  key: { field: each('fields_changed') },
  measures: { changes: count(), users: distinct('user_id') },
})

export const profileAvatarChanges = defineView({
  name: 'profile_avatar_changes',
  kind: 'batch',
  description: 'Per day: avatar changes, distinct users, mean image size.',
  topic: 'profile_topic',
  types: ['AVATAR_CHANGED'],
  key: { date: 'date' },
  measures: { avatar_changes: count(), users: distinct('user_id'), avg_image_size_bytes: avg('image_size_bytes') },
})

export const profileDailyActivity = defineView({
  name: 'profile_daily_activity',
  kind: 'batch',
  description: 'Per day: profile views, updates, avatar, password and preference changes, distinct users.',
  topic: 'profile_topic',
  key: { date: 'date' },
  measures: {
    views: count(['PROFILE_VIEWED']),
    updates: count(['PROFILE_UPDATED']),
    avatar_changes: count(['AVATAR_CHANGED']),
    password_changes: count(['PASSWORD_CHANGED']),
    preference_updates: count(['PREFERENCES_UPDATED']),
    users: distinct('user_id'),
  },
})

export const profileRealtimeUpdates1min = defineView({
  name: 'profile_realtime_updates_1min',
  kind: 'realtime',
  description: 'Per minute: profile updates, avatar and password changes, and distinct users changing anything.',
  topic: 'profile_topic',
  types: ['PROFILE_UPDATED', 'AVATAR_CHANGED', 'PASSWORD_CHANGED', 'PREFERENCES_UPDATED'],
  key: {},
  window: tumbling(minutes(1)),
  measures: {
    updates: count(['PROFILE_UPDATED']),
    avatar_changes: count(['AVATAR_CHANGED']),
    password_changes: count(['PASSWORD_CHANGED']),
    users: distinct('user_id'),
  },
})

export const PROFILE_VIEWS = [profileUpdateFrequency, profileFieldChanges, profileAvatarChanges, profileDailyActivity, profileRealtimeUpdates1min]
