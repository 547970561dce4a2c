// The pairings of the catalog, each defined once and shared by the views that use it.
import { pairing } from '../dsl.js'

const DAY = 24 * 60 * 60 * 1000

/** A session: LOGIN, then the first later LOGOUT or SESSION_TIMEOUT of the same session_id. */
export const SESSION = pairing({ entity: ['session_id'], start: ['LOGIN'], end: ['LOGOUT', 'SESSION_TIMEOUT'] })

/** A delivery: NOTIFICATION_SENT, then the first later NOTIFICATION_DELIVERED of the same notification. */
export const DELIVERY = pairing({ entity: ['notification_id'], start: ['NOTIFICATION_SENT'], end: ['NOTIFICATION_DELIVERED'] })

/**
 * A student's work on an assignment: their first ASSIGNMENT_VIEWED, then their
 * first later ASSIGNMENT_SUBMITTED. Assignments are open for weeks, so the
 * speed layer remembers an entity for 30 days rather than a session's day.
 */
export const ASSIGNMENT_WORK = pairing({
  entity: ['user_id', 'assignment_id'],
  start: ['ASSIGNMENT_VIEWED'],
  end: ['ASSIGNMENT_SUBMITTED'],
  horizonMs: 30 * DAY,
})
