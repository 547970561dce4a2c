// The generated per-view `add` (view-compiler.ts) against the interpreted path
// it replaces: for every view, the same events give byte-identical partials.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { serializePartial } from '../../../views/state/partial.js'
import { EventValidator } from '../../../src/events/validate.js'
import { LiveView } from '../../../actors/live-view.js'
import { addSource, generatedFunctions } from '../../../actors/view-compiler.js'
import type { EventRecord } from '../../../views/semantics.js'
import { records } from '../../helpers/stream.js'

const byTopic = new Map<string, Array<[EventRecord, number]>>()
const v = new EventValidator()
for (const r of records(23, 20_000)) {
  if (!v.check(r.topic, r.value)) continue
  let list = byTopic.get(r.topic)
  if (list === undefined) byTopic.set(r.topic, (list = []))
  list.push([v.event as unknown as EventRecord, v.eventTime])
}

t.test('every view: generated add = interpreted add, byte for byte', async (t) => {
  let generated = 0
  for (const def of CATALOG) {
    const events = byTopic.get(def.topic) ?? []
    const fast = new LiveView(def)
    const slow = new LiveView(def)
    for (const [e, time] of events) {
      fast.add(e, time)
      slow.addGeneric(e, time)
    }
    if (addSource(def) !== undefined) generated++
    t.ok(slow.groups > 0, `${def.name}: ${events.length} events made groups`)
    t.same(serializePartial(def, fast.partial()), serializePartial(def, slow.partial()), def.name)
  }
  // only `each` keys (profile_field_changes) take the interpreted path
  t.equal(generated, CATALOG.length - 1, 'views with generated code')
})

t.test('views of one definition share one generated function, each with its own groups', async (t) => {
  const def = CATALOG.find((d) => d.name === 'video_realtime_popular_videos')!
  const events = byTopic.get(def.topic)!
  const half = events.length >> 1
  new LiveView(def)
  const before = generatedFunctions()
  const views = Array.from({ length: 12 }, () => new LiveView(def))
  t.equal(generatedFunctions(), before, 'twelve more views of it generate nothing new')
  const [a, b] = views as [LiveView, LiveView]
  const refA = new LiveView(def)
  const refB = new LiveView(def)
  events.forEach(([e, time], i) => {
    if (i < half) {
      a.add(e, time)
      refA.addGeneric(e, time)
    } else {
      b.add(e, time)
      refB.addGeneric(e, time)
    }
  })
  t.same(serializePartial(def, a.partial()), serializePartial(def, refA.partial()), 'the first view holds the first half alone')
  t.same(serializePartial(def, b.partial()), serializePartial(def, refB.partial()), 'the second view holds the second half alone')
  t.equal(views[2]!.groups, 0, 'a view fed nothing has no groups')
})

t.test('generated code reads as the definition says', async (t) => {
  const def = CATALOG.find((d) => d.name === 'assessment_student_overall_performance')!
  const src = addSource(def)!
  t.match(src, /type === "QUIZ_SUBMITTED" \? \(e\.user_id === undefined \? null : e\.user_id\)/, 'a byType key picks its field by event type')
  t.match(src, /if \(k0 === undefined\) return/, 'an event type without a key field makes no row')
})
