// notification_topic views: batch 32–37, real-time 22–25 of spec/views.md.
import { count, defineView, distinct, last, minutes, pairs, ratio, sliding, tumbling } from '../dsl.js'
import { DELIVERY } from './pairings.js'

const SENT = 'NOTIFICATION_SENT'
const DELIVERED = 'NOTIFICATION_DELIVERED'
const OPENED = 'NOTIFICATION_OPENED'
const CLICKED = 'NOTIFICATION_CLICKED'
const DISMISSED = 'NOTIFICATION_DISMISSED'

const engagement = {
  delivered: count([DELIVERED]),
  opened: count([OPENED]),
  clicked: count([CLICKED]),
  dismissed: count([DISMISSED]),
}

export const notificationDeliveryStats = defineView({
  name: 'notification_delivery_stats',
  kind: 'batch',
  description: 'Per notification type and channel: sent, delivered, the delivered share, and the mean seconds from sending to delivery.',
  topic: 'notification_topic',
  types: [SENT, DELIVERED],
  key: { notification_type: 'notification_type', channel: 'channel' },
  measures: { sent: count([SENT]), delivered: count([DELIVERED]), avg_delivery_seconds: pairs(DELIVERY, 'avg') },
  derived: { delivery_rate: ratio('delivered', 'sent') },
})

export const notificationEngagement = defineView({
  name: 'notification_engagement',
  kind: 'batch',
  description: 'Per notification type and channel: delivered, opened, clicked, dismissed, and open and click rates per delivery.',
  topic: 'notification_topic',
  types: [DELIVERED, OPENED, CLICKED, DISMISSED],
  key: { notification_type: 'notification_type', channel: 'channel' },
  measures: engagement,
  derived: { open_rate: ratio('opened', 'delivered'), click_rate: ratio('clicked', 'delivered') },
})

export const notificationClickThroughRate = defineView({
  name: 'notification_click_through_rate',
  kind: 'batch',
  description: 'Per notification type: sent, clicked, clicks per notification sent.',
  topic: 'notification_topic',
  types: [SENT, CLICKED],
  key: { notification_type: 'notification_type' },
  measures: { sent: count([SENT]), clicked: count([CLICKED]) },
  derived: { ctr: ratio('clicked', 'sent') },
})

export const notificationUserPreferences = defineView({
  name: 'notification_user_preferences',
  kind: 'batch',
  description: 'Per recipient and channel: delivered, opened, clicked, dismissed, and (opened + clicked) per delivery.',
  topic: 'notification_topic',
  types: [DELIVERED, OPENED, CLICKED, DISMISSED],
  key: { user_id: 'user_id', channel: 'channel' },
  measures: engagement,
  derived: { engagement_rate: ratio(['opened', 'clicked'], 'delivered') },
})

export const notificationDailyActivity = defineView({
  name: 'notification_daily_activity',
  kind: 'batch',
  description: 'Per day: sent, delivered, opened, clicked, dismissed, distinct recipients.',
  topic: 'notification_topic',
  key: { date: 'date' },
  measures: { sent: count([SENT]), ...engagement, recipients: distinct('user_id') },
})

export const notificationUserSummary = defineView({
  name: 'notification_user_summary',
  kind: 'batch',
  description: 'Per recipient: delivered, clicked, clicks per delivery, time of the last click.',
  topic: 'notification_topic',
  types: [DELIVERED, CLICKED],
  key: { user_id: 'user_id' },
  measures: { delivered: count([DELIVERED]), clicked: count([CLICKED]), last_clicked_at: last('time', [CLICKED]) },
  derived: { ctr: ratio('clicked', 'delivered') },
})

export const notificationRealtimeSent1min = defineView({
  name: 'notification_realtime_sent_1min',
  kind: 'realtime',
  description: 'Per minute and notification type: notifications sent.',
  topic: 'notification_topic',
  types: [SENT],
  key: { notification_type: 'notification_type' },
  window: tumbling(minutes(1)),
  measures: { sent: count() },
})

export const notificationRealtimeClickRate5min = defineView({
  name: 'notification_realtime_click_rate_5min',
  kind: 'realtime',
  description: 'Per 5 minutes and notification type: delivered, clicked, clicks per delivery.',
  topic: 'notification_topic',
  types: [DELIVERED, CLICKED],
  key: { notification_type: 'notification_type' },
  window: tumbling(minutes(5)),
  measures: { delivered: count([DELIVERED]), clicked: count([CLICKED]) },
  derived: { ctr: ratio('clicked', 'delivered') },
})

export const notificationRealtimeDeliveryStatus = defineView({
  name: 'notification_realtime_delivery_status',
  kind: 'realtime',
  description: 'Per minute and channel: sent, delivered, and the mean delivery seconds of deliveries in the minute.',
  topic: 'notification_topic',
  types: [SENT, DELIVERED],
  key: { channel: 'channel' },
  window: tumbling(minutes(1)),
  measures: { sent: count([SENT]), delivered: count([DELIVERED]), avg_delivery_seconds: pairs(DELIVERY, 'avg') },
})

export const notificationRealtimeEngagementMetrics = defineView({
  name: 'notification_realtime_engagement_metrics',
  kind: 'realtime',
  description: 'Per 5-minute window (every minute) and channel: delivered, opened, clicked, dismissed, distinct recipients.',
  topic: 'notification_topic',
  types: [DELIVERED, OPENED, CLICKED, DISMISSED],
  key: { channel: 'channel' },
  window: sliding(minutes(5), minutes(1)),
  measures: { ...engagement, users: distinct('user_id') },
})

export const NOTIFICATION_VIEWS = [
  notificationDeliveryStats,
  notificationEngagement,
  notificationClickThroughRate,
  notificationUserPreferences,
  notificationDailyActivity,
  notificationUserSummary,
  notificationRealtimeSent1min,
  notificationRealtimeClickRate5min,
  notificationRealtimeDeliveryStatus,
  notificationRealtimeEngagementMetrics,
]
