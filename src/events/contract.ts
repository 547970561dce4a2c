// The event contract of spec/events.md as data. The TypeScript types (types.ts),
// the compiled validator (validate.ts) and the generator all derive from this
// table, so a field added here is checked, typed and produced everywhere at once.

export const TOPICS = [
  'auth_topic',
  'assessment_topic',
  'video_topic',
  'course_topic',
  'profile_topic',
  'notification_topic',
] as const
export type Topic = (typeof TOPICS)[number]

export const ROLES = ['student', 'teacher', 'admin'] as const
export const DEVICE_TYPES = ['web', 'mobile', 'tablet'] as const
export const FAILURE_REASONS = ['wrong_password', 'unknown_user', 'locked', 'mfa_failed'] as const
export const MATERIAL_TYPES = ['pdf', 'slides', 'link', 'page'] as const
export const PROFILE_FIELDS = ['display_name', 'bio', 'phone', 'email', 'language', 'timezone'] as const
export const NOTIFICATION_TYPES = ['assignment_due', 'grade_posted', 'announcement', 'reminder', 'system'] as const
export const CHANNELS = ['email', 'push', 'in_app'] as const

/** Identifier strings (event_id, user_id, session_id, course_id, …): 1–64 characters. */
export const ID_MAX = 64
/** Free text (preference): 1–256 characters. */
export const TEXT_MAX = 256
/** Event time bounds, inclusive lower and exclusive upper (epoch ms). */
export const TIME_MIN = Date.UTC(2000, 0, 1)
export const TIME_MAX = Date.UTC(2100, 0, 1)

/** How one field is checked. A closed set, so the validator compiler knows every kind. */
export type Rule =
  | { readonly kind: 'id' }
  | { readonly kind: 'text' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: number }
  | { readonly kind: 'num'; readonly min: number; readonly exclusiveMin?: boolean; readonly max?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'enumList'; readonly values: readonly string[] }

const id = { kind: 'id' } as const
const text = { kind: 'text' } as const
const bool = { kind: 'bool' } as const
const count = { kind: 'int', min: 0 } as const
const attempt = { kind: 'int', min: 1 } as const
const seconds = { kind: 'num', min: 0 } as const
const positive = { kind: 'num', min: 0, exclusiveMin: true } as const
const oneOf = <const V extends readonly string[]>(values: V) => ({ kind: 'enum', values }) as const

export interface EventSpec {
  readonly topic: Topic
  readonly fields: Readonly<Record<string, Rule>>
  /** `score` must not exceed `max_score` (graded work and quizzes). */
  readonly scoreWithinMax?: true
}

const video = {
  course_id: id,
  video_id: id,
  position_seconds: seconds,
  video_length_seconds: positive,
} as const
const notification = {
  notification_id: id,
  notification_type: oneOf(NOTIFICATION_TYPES),
  channel: oneOf(CHANNELS),
} as const

export const EVENTS = {
  // auth_topic
  SIGNUP: { topic: 'auth_topic', fields: {} },
  LOGIN: { topic: 'auth_topic', fields: { session_id: id } },
  LOGIN_FAILED: { topic: 'auth_topic', fields: { failure_reason: oneOf(FAILURE_REASONS) } },
  LOGOUT: { topic: 'auth_topic', fields: { session_id: id } },
  SESSION_TIMEOUT: { topic: 'auth_topic', fields: { session_id: id } },

  // assessment_topic
  ASSIGNMENT_VIEWED: { topic: 'assessment_topic', fields: { course_id: id, assignment_id: id } },
  ASSIGNMENT_SUBMITTED: {
    topic: 'assessment_topic',
    fields: { course_id: id, assignment_id: id, attempt, is_late: bool },
  },
  ASSIGNMENT_GRADED: {
    topic: 'assessment_topic',
    fields: { course_id: id, assignment_id: id, student_id: id, score: seconds, max_score: positive },
    scoreWithinMax: true,
  },
  QUIZ_STARTED: { topic: 'assessment_topic', fields: { course_id: id, quiz_id: id, attempt } },
  QUIZ_ANSWERED: {
    topic: 'assessment_topic',
    fields: { course_id: id, quiz_id: id, question_id: id, is_correct: bool },
  },
  QUIZ_SUBMITTED: {
    topic: 'assessment_topic',
    fields: { course_id: id, quiz_id: id, attempt, score: seconds, max_score: positive, duration_seconds: seconds },
    scoreWithinMax: true,
  },

  // video_topic
  VIDEO_PLAY: { topic: 'video_topic', fields: { ...video } },
  VIDEO_PAUSE: { topic: 'video_topic', fields: { ...video, watch_seconds: seconds } },
  VIDEO_SEEK: { topic: 'video_topic', fields: { ...video, from_position_seconds: seconds } },
  VIDEO_PROGRESS: { topic: 'video_topic', fields: { ...video, watch_seconds: seconds } },
  VIDEO_COMPLETE: { topic: 'video_topic', fields: { ...video, watch_seconds: seconds } },
  VIDEO_RATE_CHANGE: {
    topic: 'video_topic',
    fields: { ...video, playback_rate: { kind: 'num', min: 0.25, max: 4 } },
  },

  // course_topic
  COURSE_ENROLLED: { topic: 'course_topic', fields: { course_id: id } },
  COURSE_DROPPED: { topic: 'course_topic', fields: { course_id: id } },
  COURSE_VIEWED: { topic: 'course_topic', fields: { course_id: id } },
  MATERIAL_VIEWED: {
    topic: 'course_topic',
    fields: { course_id: id, material_id: id, material_type: oneOf(MATERIAL_TYPES) },
  },
  MATERIAL_DOWNLOADED: {
    topic: 'course_topic',
    fields: { course_id: id, material_id: id, material_type: oneOf(MATERIAL_TYPES), file_size_bytes: count },
  },

  // profile_topic
  PROFILE_VIEWED: { topic: 'profile_topic', fields: {} },
  PROFILE_UPDATED: {
    topic: 'profile_topic',
    fields: { fields_changed: { kind: 'enumList', values: PROFILE_FIELDS } },
  },
  AVATAR_CHANGED: { topic: 'profile_topic', fields: { image_size_bytes: count } },
  PASSWORD_CHANGED: { topic: 'profile_topic', fields: {} },
  PREFERENCES_UPDATED: { topic: 'profile_topic', fields: { preference: text } },

  // notification_topic
  NOTIFICATION_SENT: { topic: 'notification_topic', fields: { ...notification } },
  NOTIFICATION_DELIVERED: { topic: 'notification_topic', fields: { ...notification } },
  NOTIFICATION_OPENED: { topic: 'notification_topic', fields: { ...notification } },
  NOTIFICATION_CLICKED: { topic: 'notification_topic', fields: { ...notification } },
  NOTIFICATION_DISMISSED: { topic: 'notification_topic', fields: { ...notification } },
} as const satisfies Record<string, EventSpec>

export type EventType = keyof typeof EVENTS
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[]

/** Envelope fields every event may carry; the `required` ones every event must carry. */
export const ENVELOPE = {
  event_id: { rule: id, required: true },
  event_type: { rule: oneOf(EVENT_TYPES), required: true },
  timestamp: { rule: text, required: true },
  user_id: { rule: id, required: true },
  role: { rule: oneOf(ROLES), required: false },
  session_id: { rule: id, required: false },
  device_type: { rule: oneOf(DEVICE_TYPES), required: false },
  schema_version: { rule: { kind: 'int', min: 1 }, required: false },
} as const

export function isTopic(name: string): name is Topic {
  return (TOPICS as readonly string[]).includes(name)
}

export function isEventType(name: string): name is EventType {
  return Object.prototype.hasOwnProperty.call(EVENTS, name)
}

export function topicOf(type: EventType): Topic {
  return EVENTS[type].topic
}

export function typesOn(topic: Topic): EventType[] {
  return EVENT_TYPES.filter((t) => EVENTS[t].topic === topic)
}

/** The contract fields events of these types may carry: the envelope's, then each type's, in contract order. */
export function fieldsOf(types: readonly EventType[]): string[] {
  const names = new Set<string>(Object.keys(ENVELOPE))
  for (const t of types) for (const f of Object.keys(EVENTS[t].fields)) names.add(f)
  return [...names]
}
