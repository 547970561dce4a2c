// The catalog: all 62 views of spec/views.md, grouped by topic.
import type { ViewDef } from '../dsl.js'
import { AUTH_VIEWS } from './auth.js'
import { ASSESSMENT_VIEWS } from './assessment.js'
import { VIDEO_VIEWS } from './video.js'
import { COURSE_VIEWS } from './course.js'
import { PROFILE_VIEWS } from './profile.js'
import { NOTIFICATION_VIEWS } from './notification.js'

export const CATALOG: readonly ViewDef[] = [
  ...AUTH_VIEWS,
  ...ASSESSMENT_VIEWS,
  ...VIDEO_VIEWS,
  ...COURSE_VIEWS,
  ...PROFILE_VIEWS,
  ...NOTIFICATION_VIEWS,
] as readonly ViewDef[]

const BY_NAME = new Map(CATALOG.map((v) => [v.name, v]))

export function viewNamed(name: string): ViewDef | undefined {
  return BY_NAME.get(name)
}
