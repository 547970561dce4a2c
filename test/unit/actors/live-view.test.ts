// A filtered query of a live view finds its groups through the view's key and
// window maps instead of scanning every group; for every view and many filters
// (key values that exist and that do not, time ranges) it must select exactly
// the groups the unfiltered partial holds that match the filter.
import t from 'tap'
import fc from 'fast-check'
import { CATALOG } from '../../../views/catalog/index.js'
import type { ViewDef } from '../../../views/dsl.js'
import type { Scalar } from '../../../views/semantics.js'
import { serializePartial } from '../../../views/state/partial.js'
import type { ViewPartial } from '../../../views/state/partial.js'
import { HOUR } from '../../../src/events/time.js'
import { PartitionActor, DEFAULT_ACTOR_OPTIONS } from '../../../actors/partition-actor.js'
import type { GroupFilter } from '../../../actors/live-view.js'
import { records } from '../../helpers/stream.js'

const actor = (topic: string) => new PartitionActor(topic, 0, { ...DEFAULT_ACTOR_OPTIONS, retentionMs: 12 * HOUR })
const actors = new Map<string, PartitionActor>()
let offset = 0
for (const r of records(11, 12_000)) {
  let a = actors.get(r.topic)
  if (a === undefined) actors.set(r.topic, (a = actor(r.topic)))
  a.apply(r.value, offset++, 0)
}

/** The groups of `all` the filter selects, by the definition (window overlaps [from, to); non-windowed: the events' hour). */
function expected(view: ViewDef, all: ViewPartial, f: GroupFilter, hours: (id: string) => number[]): ViewPartial {
  const names = Object.keys(view.key)
  const out: ViewPartial = { view: view.name, groups: new Map() }
  const from = f.from ?? -Infinity
  const to = f.to ?? Infinity
  for (const [id, g] of all.groups) {
    if (Object.entries(f.keys ?? {}).some(([k, v]) => g.key[names.indexOf(k)] !== v)) continue
    if (view.window !== undefined && (g.window! + view.window.size <= from || g.window! >= to)) continue
    if (view.window === undefined && !hours(id).some((h) => h + HOUR > from && h < to)) continue
    out.groups.set(id, g)
  }
  return out
}

t.test('every view: filtered query = the matching groups of the whole partial', async (t) => {
  for (const view of CATALOG) {
    const a = actors.get(view.topic)!
    const live = a.view(view.name)!
    const all = live.partial()
    const groups = [...all.groups.values()]
    if (groups.length === 0) continue
    // the hours whose buckets hold each group (non-windowed views select by them)
    const hoursOf = new Map<string, number[]>()
    for (const [hour] of live.buckets) {
      for (const id of live.partial({ from: hour, to: hour + HOUR }).groups.keys()) hoursOf.set(id, [...(hoursOf.get(id) ?? []), hour])
    }
    const times = [...live.buckets.keys()]
    const lo = Math.min(...times) - HOUR
    const hi = Math.max(...times) + 2 * HOUR
    const names = Object.keys(view.key)
    const filter = fc.record({
      group: fc.integer({ min: 0, max: groups.length - 1 }),
      columns: fc.subarray(names.map((_, i) => i)),
      missing: fc.boolean(),
      from: fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }),
      span: fc.option(fc.integer({ min: 1, max: 3 * HOUR }), { nil: undefined }),
    })
    fc.assert(
      fc.property(filter, (p) => {
        const g = groups[p.group]!
        const keys: Record<string, Scalar> = {}
        for (const i of p.columns) keys[names[i]!] = p.missing && i === p.columns[0] ? `no-such-${String(g.key[i])}` : g.key[i]!
        const f: GroupFilter = { keys }
        if (p.from !== undefined) f.from = p.from
        if (p.from !== undefined && p.span !== undefined) f.to = p.from + p.span
        const got = live.partial(f)
        const want = expected(view, all, f, (id) => hoursOf.get(id) ?? [])
        t.same([...got.groups.keys()].sort(), [...want.groups.keys()].sort(), `${view.name} ${JSON.stringify(f)}`)
        // a non-windowed group selected by hours holds those hours' events only (the API never asks so)
        if (view.window !== undefined || f.from === undefined) t.same(serializePartial(view, got), serializePartial(view, want))
      }),
      { numRuns: 12, seed: 3 },
    )
  }
})
