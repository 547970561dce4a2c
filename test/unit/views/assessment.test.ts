// assessment_topic views (batch 6–12, real-time 6–10 of spec/views.md) against
// rows worked out by hand from the spec. Scores are chosen so that score_pct is
// a round number (8 of 10 → 80).
import { again, ev, win, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const S = 'assessment_topic'
const viewed = (at: string, user: string, course: string, assignment: string) =>
  ev(S, 'ASSIGNMENT_VIEWED', at, { user_id: user, course_id: course, assignment_id: assignment })
const submitted = (at: string, user: string, course: string, assignment: string, late = false, attempt = 1) =>
  ev(S, 'ASSIGNMENT_SUBMITTED', at, { user_id: user, course_id: course, assignment_id: assignment, attempt, is_late: late })
const graded = (at: string, teacher: string, student: string, course: string, assignment: string, score: number, max: number) =>
  ev(S, 'ASSIGNMENT_GRADED', at, {
    user_id: teacher,
    role: 'teacher',
    student_id: student,
    course_id: course,
    assignment_id: assignment,
    score,
    max_score: max,
  })
const started = (at: string, user: string, course: string, quiz: string) =>
  ev(S, 'QUIZ_STARTED', at, { user_id: user, course_id: course, quiz_id: quiz, attempt: 1 })
const answered = (at: string, user: string, course: string, quiz: string, question: string, correct: boolean) =>
  ev(S, 'QUIZ_ANSWERED', at, { user_id: user, course_id: course, quiz_id: quiz, question_id: question, is_correct: correct })
const quiz = (at: string, user: string, course: string, q: string, score: number, max: number, duration = 60, attempt = 1) =>
  ev(S, 'QUIZ_SUBMITTED', at, { user_id: user, course_id: course, quiz_id: q, attempt, score, max_score: max, duration_seconds: duration })

const dupLate = submitted('10:20:00', 'u1', 'c1', 'a2', true)
const dupAnswer = answered('10:01:00', 'u2', 'c1', 'q1', 'q1-1', true)
const dupGrade = graded('10:01:00', 't1', 's1', 'c1', 'a2', 14, 20)
const dupQuiz = quiz('10:00:00', 'u1', 'c1', 'q1', 8, 10)
const dupStart = started('10:02:00', 'u1', 'c1', 'q1')
const dupSub = submitted('10:02:00', 'u1', 'c1', 'a1')

const cases: ViewCase[] = [
  {
    view: 'assessment_student_submissions',
    about: 'per (user, course): late ones, distinct assignments, quizzes; other types make no row',
    events: [
      submitted('10:00:00', 'u1', 'c1', 'a1', false, 1),
      submitted('10:10:00', 'u1', 'c1', 'a1', true, 2),
      dupLate,
      again(dupLate),
      quiz('10:30:00', 'u1', 'c1', 'q1', 5, 10),
      quiz('10:40:00', 'u1', 'c2', 'q2', 5, 10),
      viewed('10:50:00', 'u2', 'c1', 'a1'), // not a submission
      started('10:55:00', 'u2', 'c1', 'q1'), // not a submission
      graded('11:30:00', 't1', 'u1', 'c1', 'a1', 5, 10), // not a submission: no t1 row
      submitted('11:00:00', 'u2', 'c1', 'a1'),
    ],
    rows: [
      { user_id: 'u1', course_id: 'c1', assignment_submissions: 3, late_submissions: 2, assignments: 2, quiz_submissions: 1 },
      { user_id: 'u1', course_id: 'c2', assignment_submissions: 0, late_submissions: 0, assignments: 0, quiz_submissions: 1 },
      { user_id: 'u2', course_id: 'c1', assignment_submissions: 1, late_submissions: 0, assignments: 1, quiz_submissions: 0 },
    ],
  },
  {
    view: 'assessment_engagement_timeline',
    about: "a student's first VIEWED to their first later SUBMITTED of the assignment",
    events: [
      viewed('10:00:00', 'u1', 'c1', 'a1'), // u1: first view …
      viewed('10:05:00', 'u1', 'c1', 'a1'),
      submitted('10:30:00', 'u1', 'c1', 'a1'), // … to first submission: 1800 s
      submitted('11:00:00', 'u1', 'c1', 'a1'), // a later resubmission: ignored
      viewed('10:10:00', 'u2', 'c1', 'a1'),
      submitted('10:20:00', 'u2', 'c1', 'a1'), // u2: 600 s
      submitted('09:00:00', 'u3', 'c1', 'a1'), // u3: a submission before the first view is not the end …
      viewed('09:30:00', 'u3', 'c1', 'a1'),
      submitted('09:50:00', 'u3', 'c1', 'a1'), // … this one is: 1200 s
      submitted('09:00:00', 'u4', 'c1', 'a1'), // u4 never viewed: no pair
      viewed('12:00:00', 'u1', 'c1', 'a2'), // a2: viewed, never submitted
      quiz('12:30:00', 'u1', 'c1', 'q1', 5, 10), // not a type of the view: no (c1, null) row
    ],
    rows: [
      { course_id: 'c1', assignment_id: 'a1', students: 3, avg_seconds_to_submit: 1200, min_seconds_to_submit: 600, max_seconds_to_submit: 1800 },
      { course_id: 'c1', assignment_id: 'a2', students: 0, avg_seconds_to_submit: null, min_seconds_to_submit: null, max_seconds_to_submit: null },
    ],
  },
  {
    view: 'assessment_quiz_performance',
    about: 'attempts, students, score_pct, durations, correct_rate (null without answers)',
    events: [
      started('10:00:00', 'u1', 'c1', 'q1'),
      answered('10:01:00', 'u1', 'c1', 'q1', 'q1-1', true),
      answered('10:02:00', 'u1', 'c1', 'q1', 'q1-2', false),
      quiz('10:03:00', 'u1', 'c1', 'q1', 8, 10, 100), // 80 %
      started('10:00:00', 'u2', 'c1', 'q1'),
      dupAnswer,
      again(dupAnswer),
      answered('10:02:00', 'u2', 'c1', 'q1', 'q1-2', true),
      quiz('10:04:00', 'u2', 'c1', 'q1', 6, 10, 200), // 60 %
      started('10:05:00', 'u3', 'c1', 'q1'), // u3 took part, never submitted
      quiz('10:10:00', 'u1', 'c1', 'q1', 20, 20, 60, 2), // 100 %, second attempt
      quiz('11:00:00', 'u1', 'c1', 'q2', 5, 5, 50),
      viewed('11:10:00', 'u1', 'c1', 'a1'), // not a type of the view: no (c1, null) row
    ],
    rows: [
      // attempts 3 (80, 60, 100): avg 80, min 60, max 100; durations (100 + 200 + 60) / 3 = 120; answers 4, correct 3
      {
        course_id: 'c1',
        quiz_id: 'q1',
        attempts: 3,
        students: 3,
        avg_score_pct: 80,
        min_score_pct: 60,
        max_score_pct: 100,
        avg_duration_seconds: 120,
        answers: 4,
        correct_answers: 3,
        correct_rate: 0.75,
      },
      {
        course_id: 'c1',
        quiz_id: 'q2',
        attempts: 1,
        students: 1,
        avg_score_pct: 100,
        min_score_pct: 100,
        max_score_pct: 100,
        avg_duration_seconds: 50,
        answers: 0,
        correct_answers: 0,
        correct_rate: null,
      },
    ],
  },
  {
    view: 'assessment_grading_stats',
    about: 'keyed by student_id (not the grading teacher user_id) and course',
    events: [
      graded('10:00:00', 't1', 's1', 'c1', 'a1', 9, 10), // 90
      dupGrade, // 70
      again(dupGrade),
      graded('10:02:00', 't1', 's2', 'c1', 'a1', 50, 100), // 50
      graded('10:03:00', 't2', 's1', 'c2', 'a9', 1, 4), // 25
      submitted('09:00:00', 's1', 'c1', 'a1'), // not a grade
    ],
    rows: [
      { student_id: 's1', course_id: 'c1', graded: 2, avg_score_pct: 80, min_score_pct: 70, max_score_pct: 90 },
      { student_id: 's1', course_id: 'c2', graded: 1, avg_score_pct: 25, min_score_pct: 25, max_score_pct: 25 },
      { student_id: 's2', course_id: 'c1', graded: 1, avg_score_pct: 50, min_score_pct: 50, max_score_pct: 50 },
    ],
  },
  {
    view: 'assessment_teacher_workload',
    about: 'per grading teacher and day: grades, distinct students and assignments',
    events: [
      graded('10:00:00', 't1', 's1', 'c1', 'a1', 5, 10),
      graded('11:00:00', 't1', 's2', 'c1', 'a1', 5, 10),
      graded('12:00:00', 't1', 's1', 'c1', 'a2', 5, 10),
      graded('2026-11-03T08:00:00Z', 't1', 's3', 'c1', 'a3', 5, 10),
      graded('10:00:00', 't2', 's1', 'c2', 'a1', 5, 10),
      submitted('09:00:00', 'u9', 'c1', 'a1'), // not a grade: no u9 row
    ],
    rows: [
      { user_id: 't1', date: '2026-11-02', graded: 3, students: 2, assignments: 2 },
      { user_id: 't1', date: '2026-11-03', graded: 1, students: 1, assignments: 1 },
      { user_id: 't2', date: '2026-11-02', graded: 1, students: 1, assignments: 1 },
    ],
  },
  {
    view: 'assessment_submission_distribution',
    about: 'per day: both kinds of submission, late ones, distinct submitters',
    events: [
      submitted('10:00:00', 'u1', 'c1', 'a1', true),
      submitted('11:00:00', 'u1', 'c1', 'a2', false),
      quiz('12:00:00', 'u2', 'c1', 'q1', 1, 2),
      quiz('13:00:00', 'u1', 'c1', 'q1', 1, 2),
      submitted('2026-11-02T23:59:59.999Z', 'u3', 'c1', 'a1', true),
      graded('14:00:00', 't1', 'u1', 'c1', 'a1', 5, 10), // not a submission: t1 is not a student here
      viewed('14:30:00', 'u4', 'c1', 'a1'), // not a submission
      quiz('2026-11-03T12:00:00Z', 'u3', 'c1', 'q1', 1, 2),
    ],
    rows: [
      { date: '2026-11-02', assignment_submissions: 3, quiz_submissions: 2, late_submissions: 2, students: 3 },
      { date: '2026-11-03', assignment_submissions: 0, quiz_submissions: 1, late_submissions: 0, students: 1 },
    ],
  },
  {
    view: 'assessment_student_overall_performance',
    about: 'the student of QUIZ_SUBMITTED is user_id, of ASSIGNMENT_GRADED student_id; overall = mean of all score_pct values',
    events: [
      dupQuiz, // u1: 80
      again(dupQuiz),
      quiz('10:05:00', 'u1', 'c1', 'q2', 6, 10), // u1: 60
      graded('11:00:00', 't1', 'u1', 'c1', 'a1', 10, 10), // u1: 100 (t1 is the teacher, not a student)
      graded('11:05:00', 't1', 'u2', 'c1', 'a1', 5, 10), // u2: 50
      submitted('09:00:00', 'u3', 'c1', 'a1'), // not a type of the view: no u3 row
      started('09:30:00', 'u3', 'c1', 'q1'),
    ],
    rows: [
      // (80 + 60 + 100) / 3 = 80
      { student_id: 'u1', quizzes: 2, avg_quiz_score_pct: 70, assignments_graded: 1, avg_assignment_score_pct: 100, overall_score_pct: 80 },
      { student_id: 'u2', quizzes: 0, avg_quiz_score_pct: null, assignments_graded: 1, avg_assignment_score_pct: 50, overall_score_pct: 50 },
    ],
  },
  {
    view: 'assessment_realtime_submissions_1min',
    about: 'per minute and course; quiz score stats null in a minute without quizzes; 10:01:00.000 is in 10:01',
    events: [
      submitted('10:00:10', 'u1', 'c1', 'a1'),
      quiz('10:00:20', 'u1', 'c1', 'q1', 8, 10), // 80
      quiz('10:00:30', 'u2', 'c1', 'q1', 4, 10), // 40
      quiz('10:00:40', 'u3', 'c2', 'q7', 10, 10), // 100
      started('10:00:50', 'u4', 'c1', 'q1'), // not a submission
      submitted('10:01:00.000', 'u2', 'c1', 'a1'),
    ],
    rows: [
      { ...win('10:00', '10:01'), course_id: 'c1', submissions: 3, avg_quiz_score_pct: 60, min_quiz_score_pct: 40, max_quiz_score_pct: 80 },
      { ...win('10:00', '10:01'), course_id: 'c2', submissions: 1, avg_quiz_score_pct: 100, min_quiz_score_pct: 100, max_quiz_score_pct: 100 },
      { ...win('10:01', '10:02'), course_id: 'c1', submissions: 1, avg_quiz_score_pct: null, min_quiz_score_pct: null, max_quiz_score_pct: null },
    ],
  },
  {
    view: 'assessment_realtime_active_students',
    about: 'distinct students per 5 minutes and course; a grading teacher is not a student',
    events: [
      viewed('10:01:00', 'u1', 'c1', 'a1'),
      dupStart, // u1 again
      again(dupStart),
      answered('10:03:00', 'u2', 'c1', 'q1', 'q1-1', true),
      graded('10:04:00', 't1', 'u1', 'c1', 'a1', 1, 2), // the teacher t1: not counted
      graded('10:02:00', 't1', 'u5', 'c2', 'a7', 1, 2), // only a grade in c2 …
      submitted('10:04:59.999', 'u1', 'c2', 'a8'), // … and u1's submission: 1 student
      viewed('10:05:00', 'u3', 'c1', 'a1'),
    ],
    rows: [
      { ...win('10:00', '10:05'), course_id: 'c1', students: 2 },
      { ...win('10:00', '10:05'), course_id: 'c2', students: 1 },
      { ...win('10:05', '10:10'), course_id: 'c1', students: 1 },
    ],
  },
  {
    view: 'assessment_realtime_quiz_attempts',
    about: 'started and submitted per minute and quiz; answers are not attempts',
    events: [
      started('10:00:05', 'u1', 'c1', 'q1'),
      started('10:00:10', 'u2', 'c1', 'q1'),
      quiz('10:00:50', 'u1', 'c1', 'q1', 1, 2),
      quiz('10:01:10', 'u2', 'c1', 'q1', 1, 2),
      answered('10:00:30', 'u1', 'c1', 'q2', 'q2-1', true), // not a type of the view: no q2 row
      started('10:00:59.999', 'u3', 'c1', 'q3'),
    ],
    rows: [
      { ...win('10:00', '10:01'), quiz_id: 'q1', started: 2, submitted: 1 },
      { ...win('10:00', '10:01'), quiz_id: 'q3', started: 1, submitted: 0 },
      { ...win('10:01', '10:02'), quiz_id: 'q1', started: 0, submitted: 1 },
    ],
  },
  {
    view: 'assessment_realtime_grading_queue',
    about: 'assignment submissions and grades per 5 minutes and course',
    events: [
      submitted('10:00:00', 'u1', 'c1', 'a1'),
      dupSub, // u1 at 10:02
      again(dupSub),
      graded('10:03:00', 't1', 'u1', 'c1', 'a1', 1, 2),
      graded('10:06:00', 't1', 'u2', 'c1', 'a1', 1, 2),
      viewed('10:01:00', 'u3', 'c1', 'a1'), // not counted
      quiz('10:01:00', 'u1', 'c2', 'q1', 1, 2), // not a type of the view: no c2 row
    ],
    rows: [
      { ...win('10:00', '10:05'), course_id: 'c1', submitted: 2, graded: 1 },
      { ...win('10:05', '10:10'), course_id: 'c1', submitted: 0, graded: 1 },
    ],
  },
  {
    view: 'assessment_realtime_submission_rate',
    about: 'sliding 5m/1m: each submission is in 5 windows',
    events: [
      submitted('10:02:00', 'u1', 'c1', 'a1'), // c1: windows 09:58 … 10:02
      quiz('10:03:30', 'u2', 'c1', 'q1', 1, 2), // c1: windows 09:59 … 10:03
      started('10:02:30', 'u3', 'c1', 'q1'), // not a submission
      submitted('10:00:00', 'u3', 'c2', 'a5'), // c2: windows 09:56 … 10:00
    ],
    rows: [
      { ...win('09:56', '10:01'), course_id: 'c2', submissions: 1 },
      { ...win('09:57', '10:02'), course_id: 'c2', submissions: 1 },
      { ...win('09:58', '10:03'), course_id: 'c1', submissions: 1 },
      { ...win('09:58', '10:03'), course_id: 'c2', submissions: 1 },
      { ...win('09:59', '10:04'), course_id: 'c1', submissions: 2 },
      { ...win('09:59', '10:04'), course_id: 'c2', submissions: 1 },
      { ...win('10:00', '10:05'), course_id: 'c1', submissions: 2 },
      { ...win('10:00', '10:05'), course_id: 'c2', submissions: 1 },
      { ...win('10:01', '10:06'), course_id: 'c1', submissions: 2 },
      { ...win('10:02', '10:07'), course_id: 'c1', submissions: 2 },
      { ...win('10:03', '10:08'), course_id: 'c1', submissions: 1 },
    ],
  },
]

runViewCases(S, cases)
