// video_topic views: batch 13–19, real-time 11–15 of spec/views.md.
import { any, count, defineView, distinct, expr, last, max, minutes, perKey, ratio, sliding, sum, tumbling } from '../dsl.js'

export const videoTotalWatchTime = defineView({
  name: 'video_total_watch_time',
  kind: 'batch',
  description: 'Per viewer and video: seconds watched, plays and completions.',
  topic: 'video_topic',
  key: { user_id: 'user_id', video_id: 'video_id', course_id: 'course_id' },
  measures: {
    watch_seconds: sum('watch_seconds'),
    plays: count(['VIDEO_PLAY']),
    completions: count(['VIDEO_COMPLETE']),
  },
})

export const videoStudentEngagement = defineView({
  name: 'video_student_engagement',
  kind: 'batch',
  description: 'Per viewer and course: seconds watched, distinct videos started and completed.',
  topic: 'video_topic',
  key: { user_id: 'user_id', course_id: 'course_id' },
  measures: {
    watch_seconds: sum('watch_seconds'),
    videos_started: distinct('video_id', ['VIDEO_PLAY']),
    videos_completed: distinct('video_id', ['VIDEO_COMPLETE']),
  },
})

export const videoPopularity = defineView({
  name: 'video_popularity',
  kind: 'batch',
  description: 'Per video: plays, distinct viewers, seconds watched, completions, and the share of viewers who completed it.',
  topic: 'video_topic',
  key: { video_id: 'video_id', course_id: 'course_id' },
  measures: {
    plays: count(['VIDEO_PLAY']),
    viewers: distinct('user_id'),
    watch_seconds: sum('watch_seconds'),
    completions: count(['VIDEO_COMPLETE']),
    completers: distinct('user_id', ['VIDEO_COMPLETE']),
  },
  derived: { completion_rate: ratio('completers', 'viewers') },
})

export const videoDailyEngagement = defineView({
  name: 'video_daily_engagement',
  kind: 'batch',
  description: 'Per day: plays, distinct viewers, seconds watched, completions.',
  topic: 'video_topic',
  key: { date: 'date' },
  measures: {
    plays: count(['VIDEO_PLAY']),
    viewers: distinct('user_id'),
    watch_seconds: sum('watch_seconds'),
    completions: count(['VIDEO_COMPLETE']),
  },
})

export const videoCourseMetrics = defineView({
  name: 'video_course_metrics',
  kind: 'batch',
  description: 'Per course: distinct videos watched, distinct viewers, seconds watched (also per viewer), completions.',
  topic: 'video_topic',
  key: { course_id: 'course_id' },
  measures: {
    videos: distinct('video_id'),
    viewers: distinct('user_id'),
    watch_seconds: sum('watch_seconds'),
    completions: count(['VIDEO_COMPLETE']),
  },
  derived: { avg_watch_seconds_per_viewer: ratio('watch_seconds', 'viewers') },
})

export const videoStudentCourseSummary = defineView({
  name: 'video_student_course_summary',
  kind: 'batch',
  description: 'Per viewer, course and video: seconds watched, plays, pauses, seeks, whether completed, last and furthest position.',
  topic: 'video_topic',
  key: { user_id: 'user_id', course_id: 'course_id', video_id: 'video_id' },
  measures: {
    watch_seconds: sum('watch_seconds'),
    plays: count(['VIDEO_PLAY']),
    pauses: count(['VIDEO_PAUSE']),
    seeks: count(['VIDEO_SEEK']),
    completed: any(['VIDEO_COMPLETE']),
    last_position_seconds: last('position_seconds'),
    max_position_seconds: max('position_seconds'),
  },
})

export const videoDropOffIndicators = defineView({
  name: 'video_drop_off_indicators',
  kind: 'batch',
  description: "Per video: viewers, completers, the share who did not complete, the mean over viewers of each one's furthest position (% of length), and a low-engagement flag.",
  topic: 'video_topic',
  key: { video_id: 'video_id' },
  measures: {
    viewers: distinct('user_id'),
    completers: distinct('user_id', ['VIDEO_COMPLETE']),
    avg_max_position_pct: perKey('user_id', 'max', 'position_pct', 'avg'),
  },
  derived: {
    drop_off_rate: expr(['completers', 'viewers'], '1 - ratio(completers, viewers)', (m) =>
      m.viewers === 0 ? null : 1 - (m.completers as number) / (m.viewers as number),
    ),
    low_engagement: expr(['completers', 'viewers'], 'drop_off_rate > 0.5', (m) =>
      m.viewers === 0 ? null : 1 - (m.completers as number) / (m.viewers as number) > 0.5,
    ),
  },
})

export const videoRealtimeViewers1min = defineView({
  name: 'video_realtime_viewers_1min',
  kind: 'realtime',
  description: 'Per minute and video: distinct viewers and seconds watched.',
  topic: 'video_topic',
  key: { video_id: 'video_id' },
  window: tumbling(minutes(1)),
  measures: { viewers: distinct('user_id'), watch_seconds: sum('watch_seconds') },
})

export const videoRealtimeWatchTime5min = defineView({
  name: 'video_realtime_watch_time_5min',
  kind: 'realtime',
  description: 'Per 5 minutes and video: seconds watched and video events.',
  topic: 'video_topic',
  key: { video_id: 'video_id' },
  window: tumbling(minutes(5)),
  measures: { watch_seconds: sum('watch_seconds'), events: count() },
})

export const videoRealtimeEngagementRate = defineView({
  name: 'video_realtime_engagement_rate',
  kind: 'realtime',
  description: 'Per 5 minutes and video: plays, pauses, completions, and completions and pauses per play.',
  topic: 'video_topic',
  types: ['VIDEO_PLAY', 'VIDEO_PAUSE', 'VIDEO_COMPLETE'],
  key: { video_id: 'video_id' },
  window: tumbling(minutes(5)),
  measures: { plays: count(['VIDEO_PLAY']), pauses: count(['VIDEO_PAUSE']), completions: count(['VIDEO_COMPLETE']) },
  derived: { completion_rate: ratio('completions', 'plays'), pause_rate: ratio('pauses', 'plays') },
})

export const videoRealtimePopularVideos = defineView({
  name: 'video_realtime_popular_videos',
  kind: 'realtime',
  description: 'Per 5-minute window (every minute) and video: plays (queried as top-N).',
  topic: 'video_topic',
  types: ['VIDEO_PLAY'],
  key: { video_id: 'video_id' },
  window: sliding(minutes(5), minutes(1)),
  measures: { plays: count() },
})

export const videoRealtimeConcurrentViewers = defineView({
  name: 'video_realtime_concurrent_viewers',
  kind: 'realtime',
  description: 'Per minute and course: distinct users with any video event.',
  topic: 'video_topic',
  key: { course_id: 'course_id' },
  window: tumbling(minutes(1)),
  measures: { viewers: distinct('user_id') },
})

export const VIDEO_VIEWS = [
  videoTotalWatchTime,
  videoStudentEngagement,
  videoPopularity,
  videoDailyEngagement,
  videoCourseMetrics,
  videoStudentCourseSummary,
  videoDropOffIndicators,
  videoRealtimeViewers1min,
  videoRealtimeWatchTime5min,
  videoRealtimeEngagementRate,
  videoRealtimePopularVideos,
  videoRealtimeConcurrentViewers,
]
