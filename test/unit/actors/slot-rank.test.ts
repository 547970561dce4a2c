// A worker's threshold-read phases from its actors' columns (slot-rank.ts) list
// what the same phases over whole, merged groups list: for every view and
// measure a threshold read may rank by, over two actors of a topic that share
// groups (a video's plays arrive on both partitions), phase 1's top lists,
// phase 2's lists and phase 3's merged groups are the same.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { GroupCollector } from '../../../views/state/partial.js'
import { RankedGroups, rankMeasure } from '../../../views/state/rank.js'
import type { KeyTuple } from '../../../views/semantics.js'
import { SlotRanking } from '../../../actors/slot-rank.js'
import { records } from '../../helpers/stream.js'
import { applyOnOneThread } from '../../../bench/one-thread.js'

const input = records(515, 30_000, { late: 0 })
const actors = applyOnOneThread(input, 2)

t.test('phases 1 to 3 from the columns equal the phases over merged groups', async (t) => {
  let compared = 0
  let shared = 0
  for (const view of CATALOG) {
    const holders = [...actors.values()].filter((a) => a.topic === view.topic)
    for (const [m, column] of Object.keys(view.measures).entries()) {
      if (rankMeasure(view, column, true) !== m) continue
      const collected = new GroupCollector(view, true)
      const slots = new SlotRanking(view, m)
      let taken = 0
      for (const a of holders) {
        a.select(view.name, {}, collected.add)
        a.view(view.name)!.selectSlots({}, (table, slot) => (taken++, slots.add(table, slot)))
      }
      shared += taken - slots.size
      const before = RankedGroups.of(view, m, collected.groups)
      const after = slots.ranked()
      for (const k of [1, 3, 10]) {
        const top = before.top(k)
        t.same(after.top(k), top, `${view.name}.${column}: top ${k} per window`)
        // thresholds as a reader would send them: some groups listed, some not
        const thresholds = new Map<number | null, number>()
        top.windows.forEach((w, i) => thresholds.set(w, Math.min(thresholds.get(w) ?? Infinity, top.values[i]! / 2)))
        const listed = before.above(thresholds)
        t.same(after.above(thresholds), listed, `${view.name}.${column}: above thresholds (k ${k})`)
        const fetched = listed.ids.map((id) => JSON.parse(id) as [number | null, KeyTuple])
        t.same(
          fetched.map(([window, key]) => slots.group(window, key)),
          fetched.map(([window, key]) => collected.find(window, key)),
          `${view.name}.${column}: the ${fetched.length} groups listed, merged over the actors (k ${k})`,
        )
        compared++
      }
    }
  }
  t.ok(compared >= 60, `${compared} rankings compared`)
  t.ok(shared > 100, `${shared} groups held by both actors of their topic, merged`)
})
