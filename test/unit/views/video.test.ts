// video_topic views against rows worked out by hand.
import t from 'tap'
import { viewNamed } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { validateRecord } from '../../../src/events/validate.js'
import { at, ev } from '../../helpers/view-events.js'

const V = 'video_topic'
/** A video event: `extra` carries watch_seconds, from_position_seconds or playback_rate. */
const vid = (type: string, when: string, user: string, course: string, video: string, pos: number, len = 600, extra: Record<string, unknown> = {}) =>
  ev(V, `VIDEO_${type}`, when, { user_id: user, course_id: course, video_id: video, position_seconds: pos, video_length_seconds: len, ...extra })
const play = (when: string, user: string, course: string, video: string, pos = 0, len = 600) => vid('PLAY', when, user, course, video, pos, len)
const progress = (when: string, user: string, course: string, video: string, watch: number, pos = 30, len = 600) =>
  vid('PROGRESS', when, user, course, video, pos, len, { watch_seconds: watch })
const pause = (when: string, user: string, course: string, video: string, watch: number, pos = 30, len = 600) =>
  vid('PAUSE', when, user, course, video, pos, len, { watch_seconds: watch })
const complete = (when: string, user: string, course: string, video: string, watch: number, pos = 600, len = 600) =>
  vid('COMPLETE', when, user, course, video, pos, len, { watch_seconds: watch })
const seek = (when: string, user: string, course: string, video: string, from: number, to: number, len = 600) =>
  vid('SEEK', when, user, course, video, to, len, { from_position_seconds: from })

const built: TimedEvent[] = []
const rows = (name: string, events: TimedEvent[]) => {
  built.push(...events)
  return evaluate(viewNamed(name)!, events)
}

t.test('video_total_watch_time', async (t) => {
  t.same(rows('video_total_watch_time', [
    play('10:00:00', 'u1', 'c1', 'v1'), progress('10:00:30', 'u1', 'c1', 'v1', 30), pause('10:00:40', 'u1', 'c1', 'v1', 10, 40),
    play('10:01:00', 'u1', 'c1', 'v1', 40), complete('10:01:20', 'u1', 'c1', 'v1', 20, 60, 60), play('10:05:00', 'u1', 'c1', 'v2'),
    seek('10:06:00', 'u2', 'c1', 'v1', 0, 100),
  ]), [
    { user_id: 'u1', video_id: 'v1', course_id: 'c1', watch_seconds: 60, plays: 2, completions: 1 },
    { user_id: 'u1', video_id: 'v2', course_id: 'c1', watch_seconds: 0, plays: 1, completions: 0 },
    { user_id: 'u2', video_id: 'v1', course_id: 'c1', watch_seconds: 0, plays: 0, completions: 0 },
  ])
})

t.test('video_student_engagement', async (t) => {
  t.same(rows('video_student_engagement', [
    play('10:00:00', 'u1', 'c1', 'v1'), progress('10:00:30', 'u1', 'c1', 'v1', 30), complete('10:00:45', 'u1', 'c1', 'v1', 15),
    play('10:01:00', 'u1', 'c1', 'v2'), play('10:02:00', 'u1', 'c1', 'v1'), progress('10:03:00', 'u1', 'c2', 'v9', 5),
  ]), [
    { user_id: 'u1', course_id: 'c1', watch_seconds: 45, videos_started: 2, videos_completed: 1 },
    { user_id: 'u1', course_id: 'c2', watch_seconds: 5, videos_started: 0, videos_completed: 0 },
  ])
})

t.test('video_popularity', async (t) => {
  t.same(rows('video_popularity', [
    play('10:00:00', 'u1', 'c1', 'v1'), complete('10:10:00', 'u1', 'c1', 'v1', 10), play('10:00:00', 'u2', 'c1', 'v1'), progress('10:00:30', 'u2', 'c1', 'v1', 30),
    play('10:20:00', 'u3', 'c1', 'v1'), play('10:30:00', 'u1', 'c1', 'v1'), complete('11:00:00', 'u1', 'c1', 'v2', 5),
  ]), [
    { video_id: 'v1', course_id: 'c1', plays: 4, viewers: 3, watch_seconds: 40, completions: 1, completers: 1, completion_rate: 1 / 3 },
    { video_id: 'v2', course_id: 'c1', plays: 0, viewers: 1, watch_seconds: 5, completions: 1, completers: 1, completion_rate: 1 },
  ])
})

t.test('video_daily_engagement', async (t) => {
  t.same(rows('video_daily_engagement', [
    play('10:00:00', 'u1', 'c1', 'v1'), progress('10:00:30', 'u1', 'c1', 'v1', 30), play('11:00:00', 'u2', 'c1', 'v1'), complete('11:00:12', 'u2', 'c1', 'v1', 12.5),
    pause('2026-11-03T09:00:00Z', 'u1', 'c1', 'v1', 7),
  ]), [
    { date: '2026-11-02', plays: 2, viewers: 2, watch_seconds: 42.5, completions: 1 },
    { date: '2026-11-03', plays: 0, viewers: 1, watch_seconds: 7, completions: 0 },
  ])
})

t.test('video_course_metrics', async (t) => {
  t.same(rows('video_course_metrics', [
    play('10:00:00', 'u1', 'c1', 'v1'), progress('10:00:30', 'u1', 'c1', 'v1', 30), progress('10:01:00', 'u2', 'c1', 'v2', 20), complete('10:01:10', 'u2', 'c1', 'v2', 10),
    seek('10:02:00', 'u1', 'c2', 'v5', 10, 20),
  ]), [
    { course_id: 'c1', videos: 2, viewers: 2, watch_seconds: 60, completions: 1, avg_watch_seconds_per_viewer: 30 },
    { course_id: 'c2', videos: 1, viewers: 1, watch_seconds: 0, completions: 0, avg_watch_seconds_per_viewer: 0 },
  ])
})

t.test('video_student_course_summary: last position on a time tie goes to the larger event_id', async (t) => {
  t.same(rows('video_student_course_summary', [
    play('10:00:00', 'u1', 'c1', 'v1', 0), progress('10:00:30', 'u1', 'c1', 'v1', 30, 30), seek('10:00:31', 'u1', 'c1', 'v1', 30, 200),
    pause('10:00:41', 'u1', 'c1', 'v1', 10, 210), play('10:01:00', 'u1', 'c1', 'v1', 210), seek('10:01:00', 'u1', 'c1', 'v1', 210, 50),
    complete('10:05:00', 'u1', 'c1', 'v2', 5, 600),
  ]), [
    { user_id: 'u1', course_id: 'c1', video_id: 'v1', watch_seconds: 40, plays: 2, pauses: 1, seeks: 2, completed: false, last_position_seconds: 50, max_position_seconds: 210 },
    { user_id: 'u1', course_id: 'c1', video_id: 'v2', watch_seconds: 5, plays: 0, pauses: 0, seeks: 0, completed: true, last_position_seconds: 600, max_position_seconds: 600 },
  ])
})

t.test('video_drop_off_indicators: mean over viewers of each one\'s furthest position', async (t) => {
  t.same(rows('video_drop_off_indicators', [
    play('10:00:00', 'u1', 'c1', 'v1', 0, 100), progress('10:00:30', 'u1', 'c1', 'v1', 30, 40, 100), complete('10:01:30', 'u1', 'c1', 'v1', 60, 100, 100),
    play('10:00:00', 'u2', 'c1', 'v1', 0, 100), progress('10:00:20', 'u2', 'c1', 'v1', 20, 20, 100),
    seek('10:00:00', 'u3', 'c1', 'v1', 0, 30, 100),
    complete('11:00:00', 'u1', 'c1', 'v2', 10, 200, 200),
  ]), [
    { video_id: 'v1', viewers: 3, completers: 1, avg_max_position_pct: 50, drop_off_rate: 1 - 1 / 3, low_engagement: true },
    { video_id: 'v2', viewers: 1, completers: 1, avg_max_position_pct: 100, drop_off_rate: 0, low_engagement: false },
  ])
})

t.test('video_realtime_viewers_1min', async (t) => {
  t.same(rows('video_realtime_viewers_1min', [
    play('10:00:05', 'u1', 'c1', 'v1'), progress('10:00:35', 'u1', 'c1', 'v1', 30), progress('10:00:50', 'u2', 'c1', 'v1', 20),
    progress('10:01:05', 'u1', 'c1', 'v1', 30), play('10:00:10', 'u3', 'c1', 'v2'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), video_id: 'v1', viewers: 2, watch_seconds: 50 },
    { window_start: at('10:00'), window_end: at('10:01'), video_id: 'v2', viewers: 1, watch_seconds: 0 },
    { window_start: at('10:01'), window_end: at('10:02'), video_id: 'v1', viewers: 1, watch_seconds: 30 },
  ])
})

t.test('video_realtime_watch_time_5min', async (t) => {
  t.same(rows('video_realtime_watch_time_5min', [
    play('10:00:00', 'u1', 'c1', 'v1'), progress('10:00:30', 'u1', 'c1', 'v1', 30), pause('10:04:59', 'u1', 'c1', 'v1', 5), progress('10:05:00', 'u2', 'c1', 'v1', 30),
  ]), [
    { window_start: at('10:00'), window_end: at('10:05'), video_id: 'v1', watch_seconds: 35, events: 3 },
    { window_start: at('10:05'), window_end: at('10:10'), video_id: 'v1', watch_seconds: 30, events: 1 },
  ])
})

t.test('video_realtime_engagement_rate', async (t) => {
  t.same(rows('video_realtime_engagement_rate', [
    play('10:00:00', 'u1', 'c1', 'v1'), play('10:01:00', 'u2', 'c1', 'v1'), pause('10:02:00', 'u1', 'c1', 'v1', 60), complete('10:03:00', 'u2', 'c1', 'v1', 120),
    progress('10:01:30', 'u2', 'c1', 'v1', 30), pause('10:02:00', 'u3', 'c1', 'v2', 5),
  ]), [
    { window_start: at('10:00'), window_end: at('10:05'), video_id: 'v1', plays: 2, pauses: 1, completions: 1, completion_rate: 0.5, pause_rate: 0.5 },
    { window_start: at('10:00'), window_end: at('10:05'), video_id: 'v2', plays: 0, pauses: 1, completions: 0, completion_rate: null, pause_rate: null },
  ])
})

t.test('video_realtime_popular_videos', async (t) => {
  const w = (start: string, end: string, video: string, plays: number) => ({ window_start: at(start), window_end: at(end), video_id: video, plays })
  t.same(rows('video_realtime_popular_videos', [play('10:00:00', 'u1', 'c1', 'v1'), play('10:00:00', 'u2', 'c1', 'v2'), play('10:01:00', 'u3', 'c1', 'v1'), progress('10:01:30', 'u3', 'c1', 'v1', 30)]), [
    w('09:56', '10:01', 'v1', 1), w('09:56', '10:01', 'v2', 1),
    w('09:57', '10:02', 'v1', 2), w('09:57', '10:02', 'v2', 1),
    w('09:58', '10:03', 'v1', 2), w('09:58', '10:03', 'v2', 1),
    w('09:59', '10:04', 'v1', 2), w('09:59', '10:04', 'v2', 1),
    w('10:00', '10:05', 'v1', 2), w('10:00', '10:05', 'v2', 1),
    w('10:01', '10:06', 'v1', 1),
  ])
})

t.test('video_realtime_concurrent_viewers', async (t) => {
  t.same(rows('video_realtime_concurrent_viewers', [
    play('10:00:01', 'u1', 'c1', 'v1'), progress('10:00:20', 'u2', 'c1', 'v2', 20), progress('10:00:31', 'u1', 'c1', 'v1', 30), play('10:00:40', 'u1', 'c2', 'v7'),
  ]), [
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c1', viewers: 2 },
    { window_start: at('10:00'), window_end: at('10:01'), course_id: 'c2', viewers: 1 },
  ])
})

t.test('every hand-made event obeys the contract', async (t) => {
  for (const e of built) t.equal(validateRecord(e.topic, JSON.stringify(e.event)).ok, true, String(e.event.event_id))
})
