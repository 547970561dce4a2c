// assessment_topic views: batch 6–12, real-time 6–10 of spec/views.md.
import { avg, byType, count, defineView, distinct, max, min, minutes, pairs, ratio, sliding, tumbling } from '../dsl.js'
import { ASSIGNMENT_WORK } from './pairings.js'

export const assessmentStudentSubmissions = defineView({
  name: 'assessment_student_submissions',
  kind: 'batch',
  description: 'Per student and course: assignment submissions (late ones too), distinct assignments submitted, quiz submissions.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_SUBMITTED', 'QUIZ_SUBMITTED'],
  key: { user_id: 'user_id', course_id: 'course_id' },
  measures: {
    assignment_submissions: count(['ASSIGNMENT_SUBMITTED']),
    late_submissions: count(['ASSIGNMENT_SUBMITTED'], { is_late: true }),
    assignments: distinct('assignment_id', ['ASSIGNMENT_SUBMITTED']),
    quiz_submissions: count(['QUIZ_SUBMITTED']),
  },
})

export const assessmentEngagementTimeline = defineView({
  name: 'assessment_engagement_timeline',
  kind: 'batch',
  description: "Per assignment: students who submitted after viewing it, and the seconds from their first view to their first later submission.",
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_VIEWED', 'ASSIGNMENT_SUBMITTED'],
  key: { course_id: 'course_id', assignment_id: 'assignment_id' },
  measures: {
    students: pairs(ASSIGNMENT_WORK, 'count'),
    avg_seconds_to_submit: pairs(ASSIGNMENT_WORK, 'avg'),
    min_seconds_to_submit: pairs(ASSIGNMENT_WORK, 'min'),
    max_seconds_to_submit: pairs(ASSIGNMENT_WORK, 'max'),
  },
})

export const assessmentQuizPerformance = defineView({
  name: 'assessment_quiz_performance',
  kind: 'batch',
  description: 'Per quiz: submitted attempts, students who took part, score percentages, mean duration, answers and the share answered correctly.',
  topic: 'assessment_topic',
  types: ['QUIZ_STARTED', 'QUIZ_ANSWERED', 'QUIZ_SUBMITTED'],
  key: { course_id: 'course_id', quiz_id: 'quiz_id' },
  measures: {
    attempts: count(['QUIZ_SUBMITTED']),
    students: distinct('user_id'),
    avg_score_pct: avg('score_pct', ['QUIZ_SUBMITTED']),
    min_score_pct: min('score_pct', ['QUIZ_SUBMITTED']),
    max_score_pct: max('score_pct', ['QUIZ_SUBMITTED']),
    avg_duration_seconds: avg('duration_seconds', ['QUIZ_SUBMITTED']),
    answers: count(['QUIZ_ANSWERED']),
    correct_answers: count(['QUIZ_ANSWERED'], { is_correct: true }),
  },
  derived: { correct_rate: ratio('correct_answers', 'answers') },
})

export const assessmentGradingStats = defineView({
  name: 'assessment_grading_stats',
  kind: 'batch',
  description: 'Per student and course: graded assignments and their score percentages.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_GRADED'],
  key: { student_id: 'student_id', course_id: 'course_id' },
  measures: {
    graded: count(),
    avg_score_pct: avg('score_pct'),
    min_score_pct: min('score_pct'),
    max_score_pct: max('score_pct'),
  },
})

export const assessmentTeacherWorkload = defineView({
  name: 'assessment_teacher_workload',
  kind: 'batch',
  description: 'Per grading teacher and day: grades given, distinct students and assignments graded.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_GRADED'],
  key: { user_id: 'user_id', date: 'date' },
  measures: { graded: count(), students: distinct('student_id'), assignments: distinct('assignment_id') },
})

export const assessmentSubmissionDistribution = defineView({
  name: 'assessment_submission_distribution',
  kind: 'batch',
  description: 'Per day: assignment and quiz submissions, late assignment submissions, distinct submitting students.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_SUBMITTED', 'QUIZ_SUBMITTED'],
  key: { date: 'date' },
  measures: {
    assignment_submissions: count(['ASSIGNMENT_SUBMITTED']),
    quiz_submissions: count(['QUIZ_SUBMITTED']),
    late_submissions: count(['ASSIGNMENT_SUBMITTED'], { is_late: true }),
    students: distinct('user_id'),
  },
})

export const assessmentStudentOverallPerformance = defineView({
  name: 'assessment_student_overall_performance',
  kind: 'batch',
  description: 'Per student (who submitted a quiz or was graded): quiz and assignment score percentages, and the mean over both.',
  topic: 'assessment_topic',
  types: ['QUIZ_SUBMITTED', 'ASSIGNMENT_GRADED'],
  key: { student_id: byType({ QUIZ_SUBMITTED: 'user_id', ASSIGNMENT_GRADED: 'student_id' }) },
  measures: {
    quizzes: count(['QUIZ_SUBMITTED']),
    avg_quiz_score_pct: avg('score_pct', ['QUIZ_SUBMITTED']),
    assignments_graded: count(['ASSIGNMENT_GRADED']),
    avg_assignment_score_pct: avg('score_pct', ['ASSIGNMENT_GRADED']),
    overall_score_pct: avg('score_pct'),
  },
})

export const assessmentRealtimeSubmissions1min = defineView({
  name: 'assessment_realtime_submissions_1min',
  kind: 'realtime',
  description: 'Per minute and course: assignment and quiz submissions, and quiz score percentages.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_SUBMITTED', 'QUIZ_SUBMITTED'],
  key: { course_id: 'course_id' },
  window: tumbling(minutes(1)),
  measures: {
    submissions: count(),
    avg_quiz_score_pct: avg('score_pct', ['QUIZ_SUBMITTED']),
    min_quiz_score_pct: min('score_pct', ['QUIZ_SUBMITTED']),
    max_quiz_score_pct: max('score_pct', ['QUIZ_SUBMITTED']),
  },
})

export const assessmentRealtimeActiveStudents = defineView({
  name: 'assessment_realtime_active_students',
  kind: 'realtime',
  description: 'Per 5 minutes and course: distinct students with assessment activity (grading teachers excluded).',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_VIEWED', 'ASSIGNMENT_SUBMITTED', 'QUIZ_STARTED', 'QUIZ_ANSWERED', 'QUIZ_SUBMITTED'],
  key: { course_id: 'course_id' },
  window: tumbling(minutes(5)),
  measures: { students: distinct('user_id') },
})

export const assessmentRealtimeQuizAttempts = defineView({
  name: 'assessment_realtime_quiz_attempts',
  kind: 'realtime',
  description: 'Per minute and quiz: attempts started and submitted.',
  topic: 'assessment_topic',
  types: ['QUIZ_STARTED', 'QUIZ_SUBMITTED'],
  key: { quiz_id: 'quiz_id' },
  window: tumbling(minutes(1)),
  measures: { started: count(['QUIZ_STARTED']), submitted: count(['QUIZ_SUBMITTED']) },
})

export const assessmentRealtimeGradingQueue = defineView({
  name: 'assessment_realtime_grading_queue',
  kind: 'realtime',
  description: 'Per 5 minutes and course: assignments submitted and graded.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_SUBMITTED', 'ASSIGNMENT_GRADED'],
  key: { course_id: 'course_id' },
  window: tumbling(minutes(5)),
  measures: { submitted: count(['ASSIGNMENT_SUBMITTED']), graded: count(['ASSIGNMENT_GRADED']) },
})

export const assessmentRealtimeSubmissionRate = defineView({
  name: 'assessment_realtime_submission_rate',
  kind: 'realtime',
  description: 'Per 5-minute window (every minute) and course: assignment and quiz submissions.',
  topic: 'assessment_topic',
  types: ['ASSIGNMENT_SUBMITTED', 'QUIZ_SUBMITTED'],
  key: { course_id: 'course_id' },
  window: sliding(minutes(5), minutes(1)),
  measures: { submissions: count() },
})

export const ASSESSMENT_VIEWS = [
  assessmentStudentSubmissions,
  assessmentEngagementTimeline,
  assessmentQuizPerformance,
  assessmentGradingStats,
  assessmentTeacherWorkload,
  assessmentSubmissionDistribution,
  assessmentStudentOverallPerformance,
  assessmentRealtimeSubmissions1min,
  assessmentRealtimeActiveStudents,
  assessmentRealtimeQuizAttempts,
  assessmentRealtimeGradingQueue,
  assessmentRealtimeSubmissionRate,
]
