// What people at the university do, as scheduler processes. Each process emits
// events at the scheduler's current time and yields how long (ms) until its next
// step. Consistency rules the views depend on live here: a session starts with
// LOGIN and ends with LOGOUT or SESSION_TIMEOUT; a viewing's positions advance
// by watch_seconds × playback_rate; a notification is SENT before DELIVERED
// before OPENED/CLICKED; a grade follows a submission.
import type { Rng } from './rng.js'
import type { Process, Scheduler } from './scheduler.js'
import type { University } from './university.js'
import type { EventType } from '../events/contract.js'
import { CHANNELS, DEVICE_TYPES, FAILURE_REASONS, PROFILE_FIELDS } from '../events/contract.js'
import type { DeviceType, Role } from '../events/types.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Who is acting: shared envelope fields of the events one process emits. */
export interface Actor {
  user: string
  role?: Role
  session?: string
  device?: DeviceType
  /** The video player's speed: a setting that lasts the session. */
  playbackRate?: number
}

export interface SimContext {
  readonly rng: Rng
  readonly uni: University
  readonly sched: Scheduler
  emit(type: EventType, actor: Actor, fields: Record<string, unknown>): void
  newSessionId(): string
  newNotificationId(): string
}

/** Relative activity by UTC hour: quiet nights, a morning rise, an evening peak. */
const HOURLY = [
  0.3, 0.18, 0.1, 0.06, 0.05, 0.08, 0.2, 0.45, 0.8, 1.0, 1.1, 1.1, 0.95, 1.0, 1.1, 1.05, 0.95, 0.9, 1.0, 1.15, 1.3,
  1.2, 0.85, 0.5,
]
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / 24
const HOURLY_MAX = Math.max(...HOURLY)

function hourFactor(t: number): number {
  return HOURLY[Math.floor((t % DAY) / HOUR)]! / HOURLY_MEAN
}

/**
 * Arrivals of a non-homogeneous Poisson process with mean `perDay` per day,
 * shaped by the day/night rhythm (thinning: draw at the peak rate, keep a
 * candidate with probability rhythm/peak).
 */
export function* arrivals(ctx: SimContext, perDay: () => number, start: (ctx: SimContext) => void): Process {
  const { rng, sched } = ctx
  for (;;) {
    const peakRate = (perDay() * (HOURLY_MAX / HOURLY_MEAN)) / DAY // per ms
    yield rng.exp(1 / peakRate)
    if (rng.float() * (HOURLY_MAX / HOURLY_MEAN) < hourFactor(sched.now)) start(ctx)
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10

// ---------------------------------------------------------------- students

export function* studentSession(ctx: SimContext, s: number): Process {
  const { rng, uni } = ctx
  const st = uni.students[s]!
  const device = rng.chance(0.8) ? st.device : rng.pick(DEVICE_TYPES)
  const bare: Actor = { user: st.id, device }
  if (rng.chance(0.06)) {
    ctx.emit('LOGIN_FAILED', bare, { failure_reason: rng.chance(0.85) ? 'wrong_password' : 'mfa_failed' })
    yield rng.between(5, 40) * SECOND
  }
  const me: Actor = { user: st.id, device, session: ctx.newSessionId() }
  ctx.emit('LOGIN', me, {})
  if (st.courses.length === 0) yield* changeEnrolment(ctx, s, me, true)
  const activities = 1 + Math.floor(rng.exp(3))
  for (let i = 0; i < activities; i++) {
    yield rng.exp(40 * SECOND) + SECOND
    const c = st.courses.length > 0 ? rng.pick(st.courses) : -1
    if (c < 0) break
    const r = rng.float()
    if (r < 0.36) yield* watchVideo(ctx, s, c, me)
    else if (r < 0.56) yield* browseCourse(ctx, c, me)
    else if (r < 0.72) yield* workOnAssignment(ctx, s, c, me)
    else if (r < 0.86) yield* takeQuiz(ctx, s, c, me)
    else if (r < 0.96) yield* touchProfile(ctx, me)
    else yield* changeEnrolment(ctx, s, me, false)
  }
  if (rng.chance(0.78)) {
    yield rng.exp(20 * SECOND) + SECOND
    ctx.emit('LOGOUT', me, {})
  } else {
    yield 30 * MINUTE // idle until the platform expires the session
    ctx.emit('SESSION_TIMEOUT', me, {})
  }
}

function* watchVideo(ctx: SimContext, s: number, c: number, me: Actor): Generator<number, void, void> {
  const { rng, uni } = ctx
  const course = uni.courses[c]!
  const video = rng.pick(course.videos)
  const len = video.lengthSeconds
  const key = `${s}:${video.id}`
  let pos = uni.positions.get(key) ?? 0
  if (pos >= len - 5) pos = 0 // finished before: watch again from the start
  let rate = me.playbackRate ?? 1
  const base = { course_id: course.id, video_id: video.id, video_length_seconds: len }
  const at = (extra: Record<string, unknown>) => ({ ...base, position_seconds: round1(pos), ...extra })
  ctx.emit('VIDEO_PLAY', me, at({}))
  let since = 0 // seconds watched since the previous event of this viewing
  for (;;) {
    const step = Math.min(30, (len - pos) / rate)
    yield Math.max(1, Math.round(step * SECOND))
    since += step
    pos = Math.min(len, pos + step * rate)
    if (pos >= len) {
      ctx.emit('VIDEO_COMPLETE', me, at({ watch_seconds: round1(since) }))
      uni.positions.set(key, len)
      return
    }
    const r = rng.float()
    if (r < 0.006) {
      uni.positions.set(key, pos) // tab closed mid-video: no closing event, a realistic drop-off
      return
    }
    if (r < 0.045) {
      ctx.emit('VIDEO_PAUSE', me, at({ watch_seconds: round1(since) }))
      since = 0
      uni.positions.set(key, pos)
      if (rng.chance(0.45)) return
      yield rng.exp(60 * SECOND) + SECOND
      ctx.emit('VIDEO_PLAY', me, at({}))
      continue
    }
    ctx.emit('VIDEO_PROGRESS', me, at({ watch_seconds: round1(since) }))
    since = 0
    if (r < 0.065) {
      yield 1
      const from = pos
      pos = Math.max(0, Math.min(len - 1, pos + rng.between(-120, 240)))
      ctx.emit('VIDEO_SEEK', me, at({ from_position_seconds: round1(from) }))
    } else if (r < 0.075) {
      yield 1
      rate = rng.pick([0.75, 1, 1.25, 1.5, 1.75, 2].filter((x) => x !== rate))
      me.playbackRate = rate
      ctx.emit('VIDEO_RATE_CHANGE', me, at({ playback_rate: rate }))
    }
  }
}

function* browseCourse(ctx: SimContext, c: number, me: Actor): Generator<number, void, void> {
  const { rng, uni } = ctx
  const course = uni.courses[c]!
  ctx.emit('COURSE_VIEWED', me, { course_id: course.id })
  const n = rng.int(4)
  for (let i = 0; i < n; i++) {
    yield rng.between(10, 120) * SECOND
    const m = rng.pick(course.materials)
    const fields = { course_id: course.id, material_id: m.id, material_type: m.type }
    ctx.emit('MATERIAL_VIEWED', me, fields)
    if (rng.chance(0.3)) {
      yield rng.between(2, 10) * SECOND
      ctx.emit('MATERIAL_DOWNLOADED', me, { ...fields, file_size_bytes: m.sizeBytes })
    }
  }
}

function* workOnAssignment(ctx: SimContext, s: number, c: number, me: Actor): Generator<number, void, void> {
  const { rng, uni, sched } = ctx
  const course = uni.courses[c]!
  const pending = (uni.pendingWork.get(s) ?? []).filter(([pc]) => pc === c)
  let a: number
  if (pending.length > 0 && rng.chance(0.6)) {
    a = rng.pick(pending)[1]
  } else {
    a = rng.int(course.assignments.length)
    ctx.emit('ASSIGNMENT_VIEWED', me, { course_id: course.id, assignment_id: course.assignments[a]!.id })
    const list = uni.pendingWork.get(s) ?? []
    if (!list.some(([pc, pa]) => pc === c && pa === a)) list.push([c, a])
    uni.pendingWork.set(s, list)
    if (!rng.chance(0.25)) return // come back to it in a later session
    yield rng.exp(15 * MINUTE) + MINUTE
  }
  const assignment = course.assignments[a]!
  const key = `${s}:${assignment.id}`
  const attempt = (uni.submissions.get(key) ?? 0) + 1
  uni.submissions.set(key, attempt)
  ctx.emit('ASSIGNMENT_SUBMITTED', me, {
    course_id: course.id,
    assignment_id: assignment.id,
    attempt,
    is_late: sched.now > assignment.due,
  })
  course.toGrade.push([s, a])
  if (!rng.chance(0.05)) {
    uni.pendingWork.set(
      s,
      (uni.pendingWork.get(s) ?? []).filter(([pc, pa]) => !(pc === c && pa === a)),
    )
  }
}

function* takeQuiz(ctx: SimContext, s: number, c: number, me: Actor): Generator<number, void, void> {
  const { rng, uni, sched } = ctx
  const course = uni.courses[c]!
  const quiz = rng.pick(course.quizzes)
  const key = `${s}:${quiz.id}`
  const attempt = (uni.quizAttempts.get(key) ?? 0) + 1
  if (attempt > 3) return
  uni.quizAttempts.set(key, attempt)
  const base = { course_id: course.id, quiz_id: quiz.id }
  ctx.emit('QUIZ_STARTED', me, { ...base, attempt })
  const started = sched.now
  const ability = uni.students[s]!.ability
  let correct = 0
  for (let q = 1; q <= quiz.questions; q++) {
    yield rng.between(10, 90) * SECOND
    if (rng.chance(0.01)) return // abandoned: started, never submitted
    const isCorrect = rng.chance(ability)
    if (isCorrect) correct++
    ctx.emit('QUIZ_ANSWERED', me, { ...base, question_id: `${quiz.id}-${q}`, is_correct: isCorrect })
  }
  yield rng.between(5, 20) * SECOND
  ctx.emit('QUIZ_SUBMITTED', me, {
    ...base,
    attempt,
    score: correct * quiz.pointsPerQuestion,
    max_score: quiz.questions * quiz.pointsPerQuestion,
    duration_seconds: Math.round((sched.now - started) / SECOND),
  })
}

const PREFERENCES = [
  'theme=dark',
  'theme=light',
  'language=en',
  'language=fr',
  'language=de',
  'notifications.email=off',
  'notifications.push=on',
  'digest=weekly',
]

function* touchProfile(ctx: SimContext, me: Actor): Generator<number, void, void> {
  const { rng } = ctx
  ctx.emit('PROFILE_VIEWED', me, {})
  yield rng.between(5, 60) * SECOND
  const r = rng.float()
  if (r < 0.35) ctx.emit('PROFILE_UPDATED', me, { fields_changed: rng.sample(PROFILE_FIELDS, rng.between(1, 3)) })
  else if (r < 0.5) ctx.emit('AVATAR_CHANGED', me, { image_size_bytes: rng.between(20_000, 3_000_000) })
  else if (r < 0.58) ctx.emit('PASSWORD_CHANGED', me, {})
  else if (r < 0.72) ctx.emit('PREFERENCES_UPDATED', me, { preference: rng.pick(PREFERENCES) })
}

function* changeEnrolment(ctx: SimContext, s: number, me: Actor, mustEnrol: boolean): Generator<number, void, void> {
  const { rng, uni } = ctx
  const st = uni.students[s]!
  if (!mustEnrol && st.courses.length > 1 && rng.chance(0.4)) {
    const c = rng.pick(st.courses)
    uni.drop(s, c)
    ctx.emit('COURSE_DROPPED', me, { course_id: uni.courses[c]!.id })
    return
  }
  const choices = uni.courses.map((_, i) => i).filter((i) => !st.courses.includes(i))
  if (choices.length === 0) return
  const c = rng.pick(choices)
  ctx.emit('COURSE_VIEWED', me, { course_id: uni.courses[c]!.id })
  yield rng.between(20, 300) * SECOND
  uni.enrol(s, c)
  ctx.emit('COURSE_ENROLLED', me, { course_id: uni.courses[c]!.id })
}

/** A new student: signs up, enrols in a few courses, then looks around. */
export function* signup(ctx: SimContext): Process {
  const { rng, uni } = ctx
  const s = uni.addStudent(0)
  const st = uni.students[s]!
  ctx.emit('SIGNUP', { user: st.id, device: st.device }, {})
  yield rng.between(30, 600) * SECOND
  const me: Actor = { user: st.id, device: st.device, session: ctx.newSessionId() }
  ctx.emit('LOGIN', me, {})
  for (const c of rng.sample(
    uni.courses.map((_, i) => i),
    rng.between(2, 4),
  )) {
    yield rng.between(20, 180) * SECOND
    ctx.emit('COURSE_VIEWED', me, { course_id: uni.courses[c]!.id })
    yield rng.between(10, 120) * SECOND
    uni.enrol(s, c)
    ctx.emit('COURSE_ENROLLED', me, { course_id: uni.courses[c]!.id })
  }
  yield rng.between(10, 120) * SECOND
  ctx.emit('LOGOUT', me, {})
}

/** Someone hammering an account: a burst of failures, ending locked. */
export function* bruteForce(ctx: SimContext): Process {
  const { rng, uni } = ctx
  const known = rng.chance(0.7)
  const user = known ? rng.pick(uni.students).id : `u-unknown-${rng.uint32().toString(36)}`
  const tries = rng.between(5, 14)
  for (let i = 0; i < tries; i++) {
    const reason = !known ? 'unknown_user' : i >= tries - 2 ? 'locked' : rng.pick(FAILURE_REASONS.slice(0, 1))
    ctx.emit('LOGIN_FAILED', { user, device: 'web' }, { failure_reason: reason })
    yield rng.between(1, 8) * SECOND
  }
}

// ---------------------------------------------------------------- teachers

export function* teacherSession(ctx: SimContext, t: number): Process {
  const { rng, uni } = ctx
  const teacher = uni.teachers[t]!
  const me: Actor = { user: teacher.id, role: 'teacher', device: 'web', session: ctx.newSessionId() }
  ctx.emit('LOGIN', me, {})
  for (const c of teacher.courses) {
    const course = uni.courses[c]!
    const batch = course.toGrade.splice(0, rng.between(3, 25))
    for (const [s, a] of batch) {
      yield rng.between(30, 240) * SECOND
      const assignment = course.assignments[a]!
      const ability = uni.students[s]!.ability
      const pct = Math.min(1, Math.max(0, ability + (rng.float() - 0.5) * 0.4))
      ctx.emit('ASSIGNMENT_GRADED', me, {
        course_id: course.id,
        assignment_id: assignment.id,
        student_id: uni.students[s]!.id,
        score: Math.round(pct * assignment.maxScore),
        max_score: assignment.maxScore,
      })
      ctx.sched.spawn(notification(ctx, s, 'grade_posted'), rng.between(1, 10) * SECOND)
    }
    if (rng.chance(0.15)) {
      yield rng.between(60, 600) * SECOND
      ctx.emit('COURSE_VIEWED', me, { course_id: course.id })
      for (const s of course.students) {
        ctx.sched.spawn(notification(ctx, s, 'announcement'), rng.between(1, 30) * SECOND)
      }
    }
  }
  yield rng.between(30, 300) * SECOND
  ctx.emit('LOGOUT', me, {})
}

// ---------------------------------------------------------------- platform

/** One notification's life: sent, (mostly) delivered, then opened, clicked or dismissed. */
export function* notification(ctx: SimContext, s: number, type: string): Process {
  const { rng, uni } = ctx
  const channel = rng.pick(CHANNELS)
  const fields = { notification_id: ctx.newNotificationId(), notification_type: type, channel }
  const to: Actor = { user: uni.students[s]!.id }
  ctx.emit('NOTIFICATION_SENT', to, fields)
  if (rng.chance(0.03)) return // bounced: never delivered
  const median = channel === 'email' ? 8 : channel === 'push' ? 1.5 : 0.4
  yield Math.round(rng.lognormal(median, 0.8) * SECOND)
  ctx.emit('NOTIFICATION_DELIVERED', to, fields)
  const openP = channel === 'in_app' ? 0.6 : channel === 'push' ? 0.45 : 0.3
  if (rng.chance(openP)) {
    yield Math.min(rng.exp(2 * HOUR), 2 * DAY) + SECOND
    ctx.emit('NOTIFICATION_OPENED', to, fields)
    if (rng.chance(0.4)) {
      yield rng.between(3, 60) * SECOND
      ctx.emit('NOTIFICATION_CLICKED', to, fields)
    }
  } else if (rng.chance(0.35)) {
    yield Math.min(rng.exp(3 * HOUR), 2 * DAY) + SECOND
    ctx.emit('NOTIFICATION_DISMISSED', to, fields)
  }
}

/** Every morning at 08:00 UTC: due-date reminders, nudges, and the odd system notice. */
export function* dailyNotices(ctx: SimContext): Process {
  const { rng, uni, sched } = ctx
  yield DAY - ((sched.now - 8 * HOUR) % DAY + DAY) % DAY
  for (;;) {
    for (const course of uni.courses) {
      for (const a of course.assignments) {
        if (a.due <= sched.now || a.due > sched.now + 2 * DAY) continue
        for (const s of course.students) {
          if (!uni.submissions.has(`${s}:${a.id}`)) sched.spawn(notification(ctx, s, 'assignment_due'), rng.int(600) * SECOND)
        }
      }
    }
    for (let i = Math.ceil(uni.students.length * 0.02); i > 0; i--) {
      sched.spawn(notification(ctx, rng.int(uni.students.length), 'reminder'), rng.int(3600) * SECOND)
    }
    if (rng.chance(0.3)) {
      for (let i = Math.ceil(uni.students.length * 0.01); i > 0; i--) {
        sched.spawn(notification(ctx, rng.int(uni.students.length), 'system'), rng.int(1800) * SECOND)
      }
    }
    yield DAY
  }
}
