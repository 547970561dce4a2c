// assessment_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { again, at, ev } from '../../helpers/view-events.js'

const S = 'assessment_topic'
const viewed = (when: string, user: string, course: string, a: string) => ev(S, 'ASSIGNMENT_VIEWED', when, { user_id: user, course_id: course, assignment_id: a })
const submitted = (when: string, user: string, course: string, a: string, late = false, attempt = 1) =>
  ev(S, 'ASSIGNMENT_SUBMITTED', when, { user_id: user, course_id: course, assignment_id: a, attempt, is_late: late })
const graded = (when: string, teacher: string, student: string, course: string, a: string, score: number, max: number) =>
  ev(S, 'ASSIGNMENT_GRADED', when, { user_id: teacher, role: 'teacher', student_id: student, course_id: course, assignment_id: a, score, max_score: max })
const started = (when: string, user: string, course: string, quiz: string) => ev(S, 'QUIZ_STARTED', when, { user_id: user, course_id: course, quiz_id: quiz, attempt: 1 })
const answered = (when: string, user: string, course: string, quiz: string, correct: boolean) =>
  ev(S, 'QUIZ_ANSWERED', when, { user_id: user, course_id: course, quiz_id: quiz, question_id: `${quiz}-1`, is_correct: correct })
const quiz = (when: string, user: string, course: string, q: string, score: number, max: number, duration = 60) =>
  ev(S, 'QUIZ_SUBMITTED', when, { user_id: user, course_id: course, quiz_id: q, attempt: 1, score, max_score: max, duration_seconds: duration })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('assessment_student_submissions', async (t) => {
  t.same(rows('assessment_student_submissions', [
    submitted('10:00:00', 'u1', 'c1', 'a1', false, 1), submitted('10:10:00', 'u1', 'c1', 'a1', true, 2), submitted('10:20:00', 'u1', 'c1', 'a2'),
    quiz('10:30:00', 'u1', 'c1', 'q1', 5, 10), quiz('10:40:00', 'u1', 'c2', 'q2', 5, 10), viewed('10:50:00', 'u2', 'c1', 'a1'),
  ]), [
    { user_id: 'u1', course_id: 'c1', assignment_submissions: 3, late_submissions: 1, assignments: 2, quiz_submissions: 1 },
    { user_id: 'u1', course_id: 'c2', assignment_submissions: 0, late_submissions: 0, assignments: 0, quiz_submissions: 1 },
  ])
})

t.test('assessment_engagement_timeline: first view to first later submission, per student', async (t) => {
  t.same(rows('assessment_engagement_timeline', [
    viewed('10:00:00', 'u1', 'c1', 'a1'), viewed('10:05:00', 'u1', 'c1', 'a1'), submitted('10:30:00', 'u1', 'c1', 'a1'), submitted('11:00:00', 'u1', 'c1', 'a1'),
    viewed('10:10:00', 'u2', 'c1', 'a1'), submitted('10:20:00', 'u2', 'c1', 'a1'),
    submitted('09:00:00', 'u3', 'c1', 'a1'), viewed('09:30:00', 'u3', 'c1', 'a1'),
    viewed('12:00:00', 'u1', 'c1', 'a2'),
  ]), [
    { course_id: 'c1', assignment_id: 'a1', students: 2, avg_seconds_to_submit: 1200, min_seconds_to_submit: 600, max_seconds_to_submit: 1800 },
    { course_id: 'c1', assignment_id: 'a2', students: 0, avg_seconds_to_submit: null, min_seconds_to_submit: null, max_seconds_to_submit: null },
  ])
})

t.test('assessment_quiz_performance', async (t) => {
  t.same(rows('assessment_quiz_performance', [
    started('10:00:00', 'u1', 'c1', 'q1'), answered('10:01:00', 'u1', 'c1', 'q1', true), answered('10:02:00', 'u1', 'c1', 'q1', false), quiz('10:03:00', 'u1', 'c1', 'q1', 8, 10, 100),
    started('10:00:00', 'u2', 'c1', 'q1'), answered('10:01:00', 'u2', 'c1', 'q1', true), quiz('10:04:00', 'u2', 'c1', 'q1', 6, 10, 200),
    started('10:05:00', 'u3', 'c1', 'q1'),
    quiz('11:00:00', 'u1', 'c1', 'q2', 5, 5, 50),
  ]), [
    { course_id: 'c1', quiz_id: 'q1', attempts: 2, students: 3, avg_score_pct: 70, min_score_pct: 60, max_score_pct: 80, avg_duration_seconds: 150, answers: 3, correct_answers: 2, correct_rate: 2 / 3 },
    { course_id: 'c1', quiz_id: 'q2', attempts: 1, students: 1, avg_score_pct: 100, min_score_pct: 100, max_score_pct: 100, avg_duration_seconds: 50, answers: 0, correct_answers: 0, correct_rate: null },
  ])
})

t.test('assessment_grading_stats', async (t) => {
  t.same(rows('assessment_grading_stats', [
    graded('10:00:00', 't1', 's1', 'c1', 'a1', 9, 10), graded('10:01:00', 't1', 's1', 'c1', 'a2', 14, 20),
    graded('10:02:00', 't1', 's2', 'c1', 'a1', 50, 100), graded('10:03:00', 't2', 's1', 'c2', 'a9', 1, 4),
  ]), [
    { student_id: 's1', course_id: 'c1', graded: 2, avg_score_pct: 80, min_score_pct: 70, max_score_pct: 90 },
    { student_id: 's1', course_id: 'c2', graded: 1, avg_score_pct: 25, min_score_pct: 25, max_score_pct: 25 },
    { student_id: 's2', course_id: 'c1', graded: 1, avg_score_pct: 50, min_score_pct: 50, max_score_pct: 50 },
  ])
})

t.test('assessment_teacher_workload', async (t) => {
  t.same(rows('assessment_teacher_workload', [
    graded('10:00:00', 't1', 's1', 'c1', 'a1', 5, 10), graded('11:00:00', 't1', 's2', 'c1', 'a1', 5, 10), graded('12:00:00', 't1', 's1', 'c1', 'a2', 5, 10),
    graded('2026-11-03T08:00:00Z', 't1', 's3', 'c1', 'a3', 5, 10), graded('10:00:00', 't2', 's1', 'c2', 'a1', 5, 10),
  ]), [
    { user_id: 't1', date: '2026-11-02', graded: 3, students: 2, assignments: 2 },
    { user_id: 't1', date: '2026-11-03', graded: 1, students: 1, assignments: 1 },
    { user_id: 't2', date: '2026-11-02', graded: 1, students: 1, assignments: 1 },
  ])
})

t.test('assessment_submission_distribution', async (t) => {
  t.same(rows('assessment_submission_distribution', [
    submitted('10:00:00', 'u1', 'c1', 'a1', true), submitted('11:00:00', 'u1', 'c1', 'a2', false), quiz('12:00:00', 'u2', 'c1', 'q1', 1, 2),
    quiz('2026-11-03T12:00:00Z', 'u3', 'c1', 'q1', 1, 2),
  ]), [
    { date: '2026-11-02', assignment_submissions: 2, quiz_submissions: 1, late_submissions: 1, students: 2 },
    { date: '2026-11-03', assignment_submissions: 0, quiz_submissions: 1, late_submissions: 0, students: 1 },
  ])
})

t.test('assessment_student_overall_performance: the student of a quiz is its user, of a grade its student_id', async (t) => {
  const q = quiz('10:00:00', 'u1', 'c1', 'q1', 8, 10)
  t.same(rows('assessment_student_overall_performance', [
    q, again(q), quiz('10:05:00', 'u1', 'c1', 'q2', 6, 10), graded('11:00:00', 't1', 'u1', 'c1', 'a1', 9, 10), graded('11:05:00', 't1', 'u2', 'c1', 'a1', 5, 10),
  ]), [
    { student_id: 'u1', quizzes: 2, avg_quiz_score_pct: 70, assignments_graded: 1, avg_assignment_score_pct: 90, overall_score_pct: 230 / 3 },
    { student_id: 'u2', quizzes: 0, avg_quiz_score_pct: null, assignments_graded: 1, avg_assignment_score_pct: 50, overall_score_pct: 50 },
  ])
})

t.test('assessment_realtime_submissions_1min', async (t) => {
  t.same(rows('assessment_realtime_submissions_1min', [
    submitted('10:00:10', 'u1', 'c1', 'a1'), quiz('10:00:20', 'u1', 'c1', 'q1', 8, 10), quiz('10:00:30', 'u2', 'c1', 'q1', 4, 10),
    quiz('10:00:40', 'u3', 'c2', 'q7', 10, 10), submitted('10:01:00', 'u2', 'c1', 'a1'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c1', submissions: 3, avg_quiz_score_pct: 60, min_quiz_score_pct: 40, max_quiz_score_pct: 80 },
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c2', submissions: 1, avg_quiz_score_pct: 100, min_quiz_score_pct: 100, max_quiz_score_pct: 100 },
    { window_start: at('10:01'), window_end: at('10:02'), course_id: 'c1', submissions: 1, avg_quiz_score_pct: null, min_quiz_score_pct: null, max_quiz_score_pct: null },
  ])
})

t.test('assessment_realtime_active_students: grading teachers are not students', async (t) => {
  t.same(rows('assessment_realtime_active_students', [
    viewed('10:01:00', 'u1', 'c1', 'a1'), started('10:02:00', 'u1', 'c1', 'q1'), answered('10:03:00', 'u2', 'c1', 'q1', true),
    graded('10:04:00', 't1', 'u1', 'c1', 'a1', 1, 2), viewed('10:05:00', 'u3', 'c1', 'a1'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:05'), course_id: 'c1', students: 2 },
    { window_start: at('10:05'), window_end: at('10:10'), course_id: 'c1', students: 1 },
  ])
})

t.test('assessment_realtime_quiz_attempts', async (t) => {
  t.same(rows('assessment_realtime_quiz_attempts', [
    started('10:00:05', 'u1', 'c1', 'q1'), started('10:00:10', 'u2', 'c1', 'q1'), quiz('10:00:50', 'u1', 'c1', 'q1', 1, 2),
    quiz('10:01:10', 'u2', 'c1', 'q1', 1, 2), answered('10:00:30', 'u1', 'c1', 'q2', true),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), quiz_id: 'q1', started: 2, submitted: 1 },
    { window_start: at('10:01'), window_end: at('10:02'), quiz_id: 'q1', started: 0, submitted: 1 },
  ])
})

t.test('assessment_realtime_grading_queue', async (t) => {
  t.same(rows('assessment_realtime_grading_queue', [
    submitted('10:00:00', 'u1', 'c1', 'a1'), submitted('10:02:00', 'u2', 'c1', 'a1'), graded('10:03:00', 't1', 'u1', 'c1', 'a1', 1, 2), graded('10:06:00', 't1', 'u2', 'c1', 'a1', 1, 2),
  ]), [
    { window_start: at('10:00'), window_end: at('10:05'), course_id: 'c1', submitted: 2, graded: 1 },
    { window_start: at('10:05'), window_end: at('10:10'), course_id: 'c1', submitted: 0, graded: 1 },
  ])
})

t.test('assessment_realtime_submission_rate: each submission is in five sliding windows', async (t) => {
  const w = (start: string, end: string, n: number) => ({ window_start: at(start), window_end: at(end), course_id: 'c1', submissions: n })
  t.same(rows('assessment_realtime_submission_rate', [submitted('10:02:00', 'u1', 'c1', 'a1'), quiz('10:03:30', 'u2', 'c1', 'q1', 1, 2)]), [
    w('09:58', '10:03', 1), w('09:59', '10:04', 2), w('10:00', '10:05', 2), w('10:01', '10:06', 2), w('10:02', '10:07', 2), w('10:03', '10:08', 1),
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
