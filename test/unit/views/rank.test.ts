// Threshold top-k (views/state/rank.ts): for groups split over several
// holders, the candidates always hold every group whose total reaches its
// window's k-th largest total; which measures a threshold read may rank by.
import t from 'tap'
import { RankedGroups, candidates, phaseTwo, rankMeasure } from '../../../views/state/rank.js'
import type { RankList } from '../../../views/state/rank.js'
import { groupId } from '../../../views/state/partial.js'
import type { Group } from '../../../views/state/partial.js'
import { viewNamed } from '../../../views/catalog/index.js'
import { Rng } from '../../../src/generator/rng.js'

const popular = viewNamed('video_realtime_popular_videos')!

/** Every group whose total is at least the k-th largest of its window (all of them when fewer than k). */
function mustKeep(totals: Map<string, { window: number; total: number }>, k: number): Set<string> {
  const byWindow = new Map<number, number[]>()
  for (const { window, total } of totals.values()) byWindow.set(window, [...(byWindow.get(window) ?? []), total])
  const kth = new Map([...byWindow].map(([w, xs]) => [w, xs.length < k ? -Infinity : xs.sort((a, b) => b - a)[k - 1]!]))
  return new Set([...totals].filter(([, g]) => g.total >= kth.get(g.window)!).map(([id]) => id))
}

t.test('counts: random splits over 1–4 holders, with many ties, keep every group that can be in a top k', async (t) => {
  const rng = new Rng(7)
  let trials = 0
  let candidatesSeen = 0
  let groupsSeen = 0
  for (let trial = 0; trial < 300; trial++) {
    const holders = 1 + rng.int(4)
    const k = 1 + rng.int(6)
    const windows = 1 + rng.int(3)
    const keys = 1 + rng.int(40)
    const spread = 1 + rng.int(8) // small values: ties everywhere
    const held: Group[][] = Array.from({ length: holders }, () => [])
    const totals = new Map<string, { window: number; total: number }>()
    for (let w = 0; w < windows; w++) {
      for (let key = 0; key < keys; key++) {
        const window = w * 60_000
        for (let h = 0; h < holders; h++) {
          if (rng.float() < 0.3) continue // this holder has no events of the group
          const count = rng.int(spread)
          held[h]!.push({ window, key: [`v${key}`], states: [count] })
          const id = groupId(window, [`v${key}`])
          const t0 = totals.get(id)
          totals.set(id, { window, total: (t0?.total ?? 0) + count })
        }
      }
    }
    const ranked = held.filter((g) => g.length > 0).map((g) => RankedGroups.of(popular, 0, g))
    if (ranked.length === 0) continue
    const two = phaseTwo(
      ranked.map((r) => r.top(k)),
      k,
    )
    const chosen = new Set(
      candidates(
        ranked.map((r) => r.above(two.thresholds)),
        two,
        k,
      ),
    )
    const keep = mustKeep(totals, k)
    const missing = [...keep].filter((id) => !chosen.has(id))
    if (missing.length > 0) t.fail(`trial ${trial}: ${holders} holders, k ${k}: missing ${missing.join(', ')}`)
    trials++
    candidatesSeen += chosen.size
    groupsSeen += totals.size
  }
  t.ok(trials > 250, `${trials} trials`)
  t.ok(candidatesSeen < groupsSeen, `fewer candidates (${candidatesSeen}) than groups (${groupsSeen})`)
})

t.test("with ties listed, a sole holder's phase 1 is exactly the groups that can be in a top k; with several, thresholds still keep them all", async (t) => {
  const rng = new Rng(11)
  let sole = 0
  let tied = 0
  for (let trial = 0; trial < 300; trial++) {
    const holders = 1 + rng.int(3)
    const k = 1 + rng.int(6)
    const held: Group[][] = Array.from({ length: holders }, () => [])
    const totals = new Map<string, { window: number; total: number }>()
    for (let w = 0; w < 1 + rng.int(3); w++) {
      for (let key = 0; key < 1 + rng.int(40); key++) {
        for (let h = 0; h < holders; h++) {
          if (holders > 1 && rng.float() < 0.3) continue
          const window = w * 60_000
          const count = rng.int(1 + rng.int(6)) // small values: ties everywhere
          held[h]!.push({ window, key: [`v${key}`], states: [count] })
          const id = groupId(window, [`v${key}`])
          totals.set(id, { window, total: (totals.get(id)?.total ?? 0) + count })
        }
      }
    }
    const ranked = held.filter((g) => g.length > 0).map((g) => RankedGroups.of(popular, 0, g))
    const keep = mustKeep(totals, k)
    const tops = ranked.map((r) => r.top(k, true))
    if (ranked.length === 1) {
      const listed = new Set(tops[0]!.ids)
      if (listed.size !== keep.size || [...keep].some((id) => !listed.has(id))) t.fail(`trial ${trial}: k ${k}: listed ${[...listed].join(' ')}, must keep ${[...keep].join(' ')}`)
      sole++
      if (listed.size > k * new Set([...totals.values()].map((g) => g.window)).size) tied++
      continue
    }
    const two = phaseTwo(tops, k)
    const chosen = new Set(candidates(ranked.map((r) => r.above(two.thresholds)), two, k))
    const missing = [...keep].filter((id) => !chosen.has(id))
    if (missing.length > 0) t.fail(`trial ${trial}: ${holders} holders, k ${k}: missing ${missing.join(', ')}`)
  }
  t.ok(sole > 50, `${sole} trials with a sole holder`)
  t.ok(tied > 0, `${tied} of them listed more than k per window (ties at the k-th)`)
})

t.test('a window of fewer than k groups lists them all; a large spread prunes to about k', async (t) => {
  const groups = (h: number): Group[] => [
    ...Array.from({ length: 1000 }, (_, i) => ({ window: 0, key: [`v${i}`], states: [i === 0 ? 5000 : (i * (h + 3)) % 97] })),
    { window: 60_000, key: ['alone'], states: [1] },
  ]
  const ranked = [RankedGroups.of(popular, 0, groups(0)), RankedGroups.of(popular, 0, groups(1))]
  const two = phaseTwo(
    ranked.map((r) => r.top(3)),
    3,
  )
  t.equal(two.thresholds.get(60_000), -Infinity, 'one group: everything is listed')
  const chosen = candidates(
    ranked.map((r) => r.above(two.thresholds)),
    two,
    3,
  )
  t.ok(chosen.includes(groupId(60_000, ['alone'])), 'the lone group is a candidate')
  t.ok(chosen.includes(groupId(0, ['v0'])), 'the clear leader is a candidate')
  const inWindow0 = chosen.filter((id) => id.startsWith('[0,')).length
  t.ok(inWindow0 >= 3 && inWindow0 < 100, `window 0: ${inWindow0} candidates of 1000 groups`)
})

t.test('floating sums: bounds widened, so a group at the threshold after rounding is kept', async (t) => {
  // 0.1 + 0.2 ≠ 0.3: listed values that round differently from the merged total
  const list = (values: Array<[string, number]>): RankList => ({ windows: values.map(() => 0), ids: values.map(([id]) => id), values: values.map(([, v]) => v) })
  const tops = [list([['a', 0.1 + 0.2]]), list([['b', 0.3]])]
  const two = phaseTwo(tops, 1)
  t.ok(two.thresholds.get(0)! < 0.15, 'τ₁/m widened down')
  const chosen = candidates([list([['a', 0.1 + 0.2], ['b', 0.15]]), list([['b', 0.3], ['a', 0.15 - 1e-17]])], two, 1)
  t.same(new Set(chosen), new Set(['a', 'b']), 'both candidates kept')
})

t.test('rankMeasure: counts and sums of non-negative fields, highest first, no distinct counts', async (t) => {
  t.equal(rankMeasure(popular, 'plays', true), 0, 'count')
  t.equal(rankMeasure(popular, 'plays', false), -1, 'ascending: a full read')
  t.equal(rankMeasure(popular, 'video_id', true), -1, 'a key column')
  const watch = viewNamed('video_realtime_watch_time_5min')!
  t.equal(rankMeasure(watch, 'watch_seconds', true), 0, 'sum of watch_seconds (≥ 0 by the contract)')
  t.equal(rankMeasure(watch, 'events', true), 1, 'count, second measure')
  const viewers = viewNamed('video_realtime_viewers_1min')!
  t.equal(rankMeasure(viewers, 'watch_seconds', true), -1, 'a view with a distinct count')
})
