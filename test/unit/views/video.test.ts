// video_topic views (batch 13–19, real-time 11–15 of spec/views.md) against rows
// worked out by hand from the spec. Positions and lengths are chosen so that
// position_pct is a round number (40 of 100 → 40).
import { again, ev, win, withId, runViewCases } from './events.js'
import type { ViewCase } from './events.js'

const V = 'video_topic'
/** A video event of `user` on `video` (of `course`, `len` seconds long) at position `pos`; `more` adds the type's fields. */
const vid = (type: string, at: string, user: string, course: string, video: string, pos: number, len: number, more: Record<string, unknown> = {}) =>
  ev(V, `VIDEO_${type}`, at, { user_id: user, course_id: course, video_id: video, position_seconds: pos, video_length_seconds: len, ...more })
const play = (at: string, user: string, course: string, video: string, pos: number, len: number) => vid('PLAY', at, user, course, video, pos, len)
const progress = (at: string, user: string, course: string, video: string, pos: number, len: number, watch: number) =>
  vid('PROGRESS', at, user, course, video, pos, len, { watch_seconds: watch })
const pause = (at: string, user: string, course: string, video: string, pos: number, len: number, watch: number) =>
  vid('PAUSE', at, user, course, video, pos, len, { watch_seconds: watch })
const complete = (at: string, user: string, course: string, video: string, pos: number, len: number, watch: number) =>
  vid('COMPLETE', at, user, course, video, pos, len, { watch_seconds: watch })
const seek = (at: string, user: string, course: string, video: string, from: number, to: number, len: number) =>
  vid('SEEK', at, user, course, video, to, len, { from_position_seconds: from })
const rate = (at: string, user: string, course: string, video: string, pos: number, len: number, playback: number) =>
  vid('RATE_CHANGE', at, user, course, video, pos, len, { playback_rate: playback })

const dupProgress = progress('10:00:30', 'u1', 'c1', 'v1', 30, 60, 30)
const dupPlay = play('10:00:00', 'u1', 'c1', 'v1', 0, 600)
const dupComplete = complete('10:01:30', 'u1', 'c1', 'v1', 100, 100, 60)
const dupWatch = progress('10:00:50', 'u2', 'c1', 'v1', 20, 600, 20)
const dupPlay3 = play('10:01:00', 'u3', 'c1', 'v1', 0, 600)
const dupBeat = progress('10:01:00', 'u1', 'c1', 'v1', 60, 600, 30)

const cases: ViewCase[] = [
  {
    view: 'video_total_watch_time',
    about: 'sum of watch_seconds, plays, completions per (user, video, course)',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 60),
      dupProgress, // 30
      again(dupProgress),
      pause('10:00:40', 'u1', 'c1', 'v1', 40, 60, 10), // 10
      rate('10:00:50', 'u1', 'c1', 'v1', 40, 60, 1.5), // no watch_seconds
      play('10:01:00', 'u1', 'c1', 'v1', 40, 60),
      complete('10:01:20', 'u1', 'c1', 'v1', 60, 60, 20), // 20
      play('10:05:00', 'u1', 'c1', 'v2', 0, 300),
      seek('10:06:00', 'u2', 'c1', 'v1', 0, 20, 60),
    ],
    rows: [
      { user_id: 'u1', video_id: 'v1', course_id: 'c1', watch_seconds: 60, plays: 2, completions: 1 },
      { user_id: 'u1', video_id: 'v2', course_id: 'c1', watch_seconds: 0, plays: 1, completions: 0 },
      { user_id: 'u2', video_id: 'v1', course_id: 'c1', watch_seconds: 0, plays: 0, completions: 0 },
    ],
  },
  {
    view: 'video_student_engagement',
    about: 'distinct videos started (PLAY) and completed (COMPLETE) per (user, course)',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 60),
      progress('10:00:30', 'u1', 'c1', 'v1', 30, 60, 30),
      complete('10:00:45', 'u1', 'c1', 'v1', 60, 60, 15),
      play('10:01:00', 'u1', 'c1', 'v2', 0, 60),
      play('10:02:00', 'u1', 'c1', 'v1', 0, 60), // v1 again: still 2 videos started
      complete('10:03:00', 'u1', 'c1', 'v1', 60, 60, 5), // v1 again: still 1 completed
      progress('10:03:00', 'u1', 'c2', 'v9', 5, 60, 5), // watched without a PLAY
      play('10:04:00', 'u2', 'c1', 'v1', 0, 60),
      seek('10:04:10', 'u2', 'c1', 'v1', 0, 30, 60),
    ],
    rows: [
      { user_id: 'u1', course_id: 'c1', watch_seconds: 50, videos_started: 2, videos_completed: 1 },
      { user_id: 'u1', course_id: 'c2', watch_seconds: 5, videos_started: 0, videos_completed: 0 },
      { user_id: 'u2', course_id: 'c1', watch_seconds: 0, videos_started: 1, videos_completed: 0 },
    ],
  },
  {
    view: 'video_popularity',
    about: 'completion_rate = distinct completers / distinct viewers (not completions / plays)',
    events: [
      dupPlay, // u1
      again(dupPlay),
      complete('10:10:00', 'u1', 'c1', 'v1', 600, 600, 10),
      play('10:00:00', 'u2', 'c1', 'v1', 0, 600),
      progress('10:00:30', 'u2', 'c1', 'v1', 30, 600, 30),
      play('10:20:00', 'u3', 'c1', 'v1', 0, 600),
      play('10:30:00', 'u1', 'c1', 'v1', 0, 600), // u1 plays again
      complete('10:40:00', 'u1', 'c1', 'v1', 600, 600, 5), // u1 completes again
      seek('10:50:00', 'u4', 'c1', 'v1', 0, 300, 600), // a viewer without a play
      complete('11:00:00', 'u1', 'c1', 'v2', 60, 60, 5),
    ],
    rows: [
      // plays u1, u2, u3, u1 = 4; viewers u1–u4 = 4; watch 10 + 30 + 5 = 45; completions 2 by 1 completer: 1 / 4
      { video_id: 'v1', course_id: 'c1', plays: 4, viewers: 4, watch_seconds: 45, completions: 2, completers: 1, completion_rate: 0.25 },
      { video_id: 'v2', course_id: 'c1', plays: 0, viewers: 1, watch_seconds: 5, completions: 1, completers: 1, completion_rate: 1 },
    ],
  },
  {
    view: 'video_daily_engagement',
    about: 'per day: plays, distinct viewers of any video event, watch time, completions',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:30', 'u1', 'c1', 'v1', 30, 600, 30),
      play('11:00:00', 'u2', 'c1', 'v1', 0, 600),
      complete('11:00:12', 'u2', 'c1', 'v1', 600, 600, 12.5),
      rate('12:00:00', 'u3', 'c2', 'v5', 10, 600, 2),
      pause('2026-11-03T09:00:00Z', 'u1', 'c1', 'v1', 40, 600, 7),
    ],
    rows: [
      { date: '2026-11-02', plays: 2, viewers: 3, watch_seconds: 42.5, completions: 1 },
      { date: '2026-11-03', plays: 0, viewers: 1, watch_seconds: 7, completions: 0 },
    ],
  },
  {
    view: 'video_course_metrics',
    about: 'avg_watch_seconds_per_viewer = watch_seconds / distinct viewers of the course',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:30', 'u1', 'c1', 'v1', 30, 600, 30),
      progress('10:01:00', 'u2', 'c1', 'v2', 20, 600, 20),
      complete('10:01:10', 'u2', 'c1', 'v2', 600, 600, 10),
      progress('10:02:00', 'u1', 'c1', 'v2', 20, 600, 20),
      seek('10:02:00', 'u1', 'c2', 'v5', 10, 20, 600),
    ],
    rows: [
      // c1: watch 30 + 20 + 10 + 20 = 80 over u1, u2: 40
      { course_id: 'c1', videos: 2, viewers: 2, watch_seconds: 80, completions: 1, avg_watch_seconds_per_viewer: 40 },
      { course_id: 'c2', videos: 1, viewers: 1, watch_seconds: 0, completions: 0, avg_watch_seconds_per_viewer: 0 },
    ],
  },
  {
    view: 'video_student_course_summary',
    about: 'last position: a tie on event time goes to the larger event_id, whatever the input order',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:30', 'u1', 'c1', 'v1', 30, 600, 30),
      seek('10:00:31', 'u1', 'c1', 'v1', 30, 200, 600),
      pause('10:00:41', 'u1', 'c1', 'v1', 210, 600, 10),
      // both at 10:01:00: the seek has the larger event_id, so its position (50) is the last
      withId(seek('10:01:00', 'u1', 'c1', 'v1', 210, 50, 600), 'v-tie-b'),
      withId(play('10:01:00', 'u1', 'c1', 'v1', 210, 600), 'v-tie-a'),
      complete('10:05:00', 'u1', 'c1', 'v2', 600, 600, 5),
      rate('10:02:00', 'u2', 'c1', 'v1', 100, 600, 2),
    ],
    rows: [
      { user_id: 'u1', course_id: 'c1', video_id: 'v1', watch_seconds: 40, plays: 2, pauses: 1, seeks: 2, completed: false, last_position_seconds: 50, max_position_seconds: 210 },
      { user_id: 'u1', course_id: 'c1', video_id: 'v2', watch_seconds: 5, plays: 0, pauses: 0, seeks: 0, completed: true, last_position_seconds: 600, max_position_seconds: 600 },
      { user_id: 'u2', course_id: 'c1', video_id: 'v1', watch_seconds: 0, plays: 0, pauses: 0, seeks: 0, completed: false, last_position_seconds: 100, max_position_seconds: 100 },
    ],
  },
  {
    view: 'video_drop_off_indicators',
    about: "avg over viewers of each viewer's max position_pct; drop_off_rate; low_engagement only above 0.5",
    events: [
      // v1 (100 s): u1 reaches 100 %, u2 20 % (then seeks back to 10), u3 30 %, u4 50 %
      play('10:00:00', 'u1', 'c1', 'v1', 0, 100),
      progress('10:00:40', 'u1', 'c1', 'v1', 40, 100, 40),
      dupComplete, // u1 at 100
      again(dupComplete),
      complete('10:20:00', 'u1', 'c1', 'v1', 100, 100, 5), // u1 completes again: still 1 completer
      play('10:00:00', 'u2', 'c1', 'v1', 0, 100),
      progress('10:00:20', 'u2', 'c1', 'v1', 20, 100, 20),
      seek('10:00:25', 'u2', 'c1', 'v1', 20, 10, 100),
      seek('10:00:00', 'u3', 'c1', 'v1', 0, 30, 100),
      play('10:00:00', 'u4', 'c1', 'v1', 0, 100),
      progress('10:00:50', 'u4', 'c1', 'v1', 50, 100, 50),
      // v2 (200 s): u1 100 %, u2 50 %
      complete('11:00:00', 'u1', 'c1', 'v2', 200, 200, 10),
      play('11:00:00', 'u2', 'c1', 'v2', 0, 200),
      progress('11:01:40', 'u2', 'c1', 'v2', 100, 200, 100),
    ],
    rows: [
      // v1: (100 + 20 + 30 + 50) / 4 = 50; drop 1 - 1/4 = 0.75 > 0.5
      { video_id: 'v1', viewers: 4, completers: 1, avg_max_position_pct: 50, drop_off_rate: 0.75, low_engagement: true },
      // v2: (100 + 50) / 2 = 75; drop 1 - 1/2 = 0.5, not above 0.5
      { video_id: 'v2', viewers: 2, completers: 1, avg_max_position_pct: 75, drop_off_rate: 0.5, low_engagement: false },
    ],
  },
  {
    view: 'video_realtime_viewers_1min',
    about: 'distinct viewers and watch time per minute and video',
    events: [
      play('10:00:05', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:35', 'u1', 'c1', 'v1', 30, 600, 30),
      dupWatch, // u2: 20
      again(dupWatch),
      play('10:00:10', 'u3', 'c1', 'v2', 0, 600),
      progress('10:01:00.000', 'u1', 'c1', 'v1', 60, 600, 30),
    ],
    rows: [
      { ...win('10:00', '10:01'), video_id: 'v1', viewers: 2, watch_seconds: 50 },
      { ...win('10:00', '10:01'), video_id: 'v2', viewers: 1, watch_seconds: 0 },
      { ...win('10:01', '10:02'), video_id: 'v1', viewers: 1, watch_seconds: 30 },
    ],
  },
  {
    view: 'video_realtime_watch_time_5min',
    about: 'watch time and events per 5 minutes and video; 10:04:59.999 vs 10:05:00',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:30', 'u1', 'c1', 'v1', 30, 600, 30),
      pause('10:04:59.999', 'u1', 'c1', 'v1', 35, 600, 5),
      progress('10:05:00', 'u2', 'c1', 'v1', 30, 600, 30),
      rate('10:02:00', 'u3', 'c1', 'v2', 0, 600, 0.25),
    ],
    rows: [
      { ...win('10:00', '10:05'), video_id: 'v1', watch_seconds: 35, events: 3 },
      { ...win('10:00', '10:05'), video_id: 'v2', watch_seconds: 0, events: 1 },
      { ...win('10:05', '10:10'), video_id: 'v1', watch_seconds: 30, events: 1 },
    ],
  },
  {
    view: 'video_realtime_engagement_rate',
    about: 'completions and pauses per play; null rates without plays; progress events make no row',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      play('10:01:00', 'u2', 'c1', 'v1', 0, 600),
      play('10:02:00', 'u3', 'c1', 'v1', 0, 600),
      play('10:03:00', 'u4', 'c1', 'v1', 0, 600),
      pause('10:02:30', 'u1', 'c1', 'v1', 150, 600, 150),
      complete('10:03:30', 'u2', 'c1', 'v1', 600, 600, 150),
      complete('10:04:00', 'u3', 'c1', 'v1', 600, 600, 120),
      progress('10:01:30', 'u2', 'c1', 'v1', 30, 600, 30), // not a type of the view
      pause('10:02:00', 'u5', 'c1', 'v2', 5, 600, 5),
      progress('10:01:00', 'u1', 'c1', 'v3', 30, 600, 30), // only a progress on v3: no row
    ],
    rows: [
      { ...win('10:00', '10:05'), video_id: 'v1', plays: 4, pauses: 1, completions: 2, completion_rate: 0.5, pause_rate: 0.25 },
      { ...win('10:00', '10:05'), video_id: 'v2', plays: 0, pauses: 1, completions: 0, completion_rate: null, pause_rate: null },
    ],
  },
  {
    view: 'video_realtime_popular_videos',
    about: 'sliding 5m/1m plays per video: a play at 10:00:00 is in the 5 windows 09:56 … 10:00',
    events: [
      play('10:00:00', 'u1', 'c1', 'v1', 0, 600),
      play('10:00:00', 'u2', 'c1', 'v2', 0, 600),
      dupPlay3, // u3 on v1 at 10:01
      again(dupPlay3),
      progress('10:01:30', 'u3', 'c1', 'v1', 30, 600, 30), // not a play
      pause('10:00:30', 'u4', 'c1', 'v3', 30, 600, 30), // not a play: no v3 row
    ],
    rows: [
      { ...win('09:56', '10:01'), video_id: 'v1', plays: 1 },
      { ...win('09:56', '10:01'), video_id: 'v2', plays: 1 },
      { ...win('09:57', '10:02'), video_id: 'v1', plays: 2 },
      { ...win('09:57', '10:02'), video_id: 'v2', plays: 1 },
      { ...win('09:58', '10:03'), video_id: 'v1', plays: 2 },
      { ...win('09:58', '10:03'), video_id: 'v2', plays: 1 },
      { ...win('09:59', '10:04'), video_id: 'v1', plays: 2 },
      { ...win('09:59', '10:04'), video_id: 'v2', plays: 1 },
      { ...win('10:00', '10:05'), video_id: 'v1', plays: 2 },
      { ...win('10:00', '10:05'), video_id: 'v2', plays: 1 },
      { ...win('10:01', '10:06'), video_id: 'v1', plays: 1 },
    ],
  },
  {
    view: 'video_realtime_concurrent_viewers',
    about: 'distinct users with any video event per minute and course',
    events: [
      play('10:00:01', 'u1', 'c1', 'v1', 0, 600),
      progress('10:00:20', 'u2', 'c1', 'v2', 20, 600, 20),
      progress('10:00:31', 'u1', 'c1', 'v1', 30, 600, 30), // u1 again
      play('10:00:40', 'u1', 'c2', 'v7', 0, 600),
      dupBeat, // u1 in c1 at 10:01:00
      again(dupBeat),
    ],
    rows: [
      { ...win('10:00', '10:01'), course_id: 'c1', viewers: 2 },
      { ...win('10:00', '10:01'), course_id: 'c2', viewers: 1 },
      { ...win('10:01', '10:02'), course_id: 'c1', viewers: 1 },
    ],
  },
]

runViewCases(V, cases)
