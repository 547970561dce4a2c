// Property: for every view, merging the partials of any split of the events
// gives the reference evaluator's rows over all of them. Counts, min/max,
// first/last and pairings must be equal; sums equal to 1e-9 (compensated
// float sums); distinct counts exact up to 128 values, within sketch error above.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import type { ViewDef } from '../../../views/dsl.js'
import { evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { sameRows } from '../../helpers/rows.js'
import { deserializePartial, finalize, GroupCollector, mergeInto, mergePartials, mergeSerialized, PartialReader, partialOf, serializeGroups, serializePartial } from '../../../views/state/partial.js'
import type { ViewPartial } from '../../../views/state/partial.js'
import { EventGenerator } from '../../../src/generator/generator.js'
import { EventValidator } from '../../../src/events/validate.js'
import { Rng } from '../../../src/generator/rng.js'
import { partitionFor } from '../../../src/kafka/partitioner.js'

function corpus(seed: number, count: number): TimedEvent[] {
  // A small population so keys repeat; late events arrive out of order.
  const gen = new EventGenerator({ seed, students: 300, teachers: 6, courses: 8, invalid: 0, duplicates: 0, late: 0.03 })
  const v = new EventValidator()
  const out: TimedEvent[] = []
  for (let i = 0; i < count; i++) {
    const r = gen.next()!
    if (v.check(r.topic, r.value)) out.push({ topic: r.topic, event: v.event as never, time: v.eventTime })
  }
  return out
}

function hasPairs(view: ViewDef): boolean {
  return Object.values(view.measures).some((m) => m.kind === 'pairs')
}

/** Merges partials in a random tree shape. */
function mergeRandomly(view: ViewDef, parts: ViewPartial[], rng: Rng): ViewPartial {
  const pool = parts.slice()
  while (pool.length > 1) {
    const a = pool.splice(rng.int(pool.length), 1)[0]!
    const b = pool.splice(rng.int(pool.length), 1)[0]!
    pool.push(rng.chance(0.5) ? mergePartials(view, a, b) : mergePartials(view, b, a))
  }
  return pool[0]!
}

for (const seed of [101, 202]) {
  const events = corpus(seed, 12_000)
  const rng = new Rng(seed)
  t.test(`seed ${seed}: ${events.length} events`, async (t) => {
    for (const view of CATALOG) {
      const want = evaluate(view, events)
      const all = partialOf(view, events)
      sameRows(t, view, finalize(view, all), want, `${view.name}: one partial`)

      // split like Kafka: by the user_id key, each part in arrival order
      const n = 2 + rng.int(4)
      const byKey: TimedEvent[][] = Array.from({ length: n }, () => [])
      for (const ev of events) byKey[partitionFor(String(ev.event.user_id), n)]!.push(ev)
      const keyParts = byKey.map((part) => partialOf(view, part))
      sameRows(t, view, finalize(view, mergeRandomly(view, keyParts, rng)), want, `${view.name}: ${n} key partitions merged`)

      // any split at all, for views without pairings (a pair needs both of its events)
      if (!hasPairs(view)) {
        const random: TimedEvent[][] = Array.from({ length: n }, () => [])
        for (const ev of events) random[rng.int(n)]!.push(ev)
        sameRows(t, view, finalize(view, mergeRandomly(view, random.map((p) => partialOf(view, p)), rng)), want, `${view.name}: random split merged`)
      }

      // serialization round trip, and merge with an empty partial is the identity
      const back = deserializePartial(view, serializePartial(view, all))
      t.same(serializePartial(view, back), serializePartial(view, all), `${view.name}: serialize round trip`)
      const empty = partialOf(view, [])
      t.same(serializePartial(view, mergePartials(view, all, empty)), serializePartial(view, all), `${view.name}: ⊕ empty`)

      // in place, on owned copies: the same bytes as mergePartials
      const [k0, ...rest] = keyParts.map((p) => deserializePartial(view, serializePartial(view, p)))
      const inPlace = rest.reduce((acc, p) => mergeInto(view, acc, p), k0!)
      t.same(serializePartial(view, inPlace), serializePartial(view, keyParts.reduce((acc, p) => mergePartials(view, acc, p), empty)), `${view.name}: mergeInto`)

      // read from bytes a few groups per step, merged as read: the same bytes again
      const stepped: ViewPartial = { view: view.name, groups: new Map() }
      for (const p of keyParts) {
        const reader = new PartialReader(view, serializePartial(view, p))
        let steps = 1
        while (!reader.mergeInto(stepped, 7)) steps++
        if (p.groups.size > 7) t.ok(steps > 1, `${view.name}: read in ${steps} steps`)
      }
      t.same(serializePartial(view, stepped), serializePartial(view, inPlace), `${view.name}: PartialReader steps`)
      // the same, yielding to the event loop between slices (0 ms: after every step)
      const sliced = await mergeSerialized(view, keyParts.map((p) => serializePartial(view, p)), 0)
      t.same(serializePartial(view, sliced), serializePartial(view, inPlace), `${view.name}: mergeSerialized`)

      // as a worker writes a query: groups by reference, those two parts hold
      // merged once (GroupCollector) or left as repeats for the reader to merge
      const before = keyParts.map((p) => serializePartial(view, p))
      const collect = new GroupCollector(view, true)
      for (const p of keyParts) for (const g of p.groups.values()) collect.add(g)
      t.equal(collect.groups.length, inPlace.groups.size, `${view.name}: each group collected once`)
      const found = [...inPlace.groups.values()].filter((g) => {
        const c = collect.find(g.window, g.key)
        return c !== undefined && Buffer.compare(serializeGroups(view, [c]), serializeGroups(view, [g])) === 0
      })
      t.equal(found.length, inPlace.groups.size, `${view.name}: every group found by window and key, merged`)
      t.same(serializePartial(view, deserializePartial(view, serializeGroups(view, collect.groups))), serializePartial(view, inPlace), `${view.name}: collected groups`)
      t.same(keyParts.map((p) => serializePartial(view, p)), before, `${view.name}: the collected groups are left unchanged`)
      const repeats = keyParts.flatMap((p) => [...p.groups.values()])
      t.same(serializePartial(view, await mergeSerialized(view, [serializeGroups(view, repeats)], 0)), serializePartial(view, inPlace), `${view.name}: repeated groups merge when read`)
    }
  })
}

t.test('merge is commutative and associative (rows), on three key partitions', async (t) => {
  const events = corpus(303, 6_000)
  for (const view of CATALOG) {
    const parts: TimedEvent[][] = [[], [], []]
    for (const ev of events) parts[partitionFor(String(ev.event.user_id), 3)]!.push(ev)
    const [a, b, c] = parts.map((p) => partialOf(view, p)) as [ViewPartial, ViewPartial, ViewPartial]
    const left = finalize(view, mergePartials(view, mergePartials(view, a, b), c))
    const right = finalize(view, mergePartials(view, a, mergePartials(view, c, b)))
    sameRows(t, view, left, right, `${view.name}: (a⊕b)⊕c = a⊕(c⊕b)`)
  }
})

t.test('GroupCollector tells groups apart by window and every key value, types included', async (t) => {
  const view = CATALOG.find((v) => v.name === 'video_realtime_popular_videos')!
  const collect = new GroupCollector(view, true)
  const g = (window: number | null, key: Array<string | number | null>, plays: number) => ({ window, key, states: [plays] })
  for (const x of [g(0, ['1'], 1), g(0, [1], 2), g(60_000, ['1'], 4), g(null, ['1'], 8), g(0, [null], 16), g(0, ['1'], 32)]) collect.add(x)
  t.equal(collect.groups.length, 5, "'1' and 1, windows 0, 60000 and none, and a null key are five groups")
  t.same(collect.find(0, ['1'])?.states, [33], 'the repeat merged into its group')
  t.same(collect.find(0, [1])?.states, [2])
  t.same(collect.find(null, ['1'])?.states, [8])
  t.same(collect.find(0, [null])?.states, [16])
  t.equal(collect.find(120_000, ['1']), undefined, 'an absent window')
  t.equal(collect.find(0, ['2']), undefined, 'an absent key')
})
