// The column store (group-table.ts) against the measure states it stands for
// (views/state/measures.ts): for every measure kind, random values applied to
// a slot's columns give the state, byte for byte, that the ops give; states
// set from a snapshot read back as they were; columns keep their values when
// they grow; a table written by column (snapshots) reads back into the same
// groups.
import t from 'tap'
import { any, avg, count, distinct, first, last, max, min, pairs, perKey, sum } from '../../../views/dsl.js'
import type { Measure } from '../../../views/dsl.js'
import { SESSION } from '../../../views/catalog/pairings.js'
import type { EventRecord, Scalar } from '../../../views/semantics.js'
import { opsFor } from '../../../views/state/measures.js'
import { Reader, Writer } from '../../../views/state/codec.js'
import { writeGroup } from '../../../views/state/partial.js'
import { GroupTable, readWindows, TableLayout } from '../../../actors/group-table.js'
import { Rng } from '../../../src/generator/rng.js'

const MEASURES: Array<[string, Measure]> = [
  ['count', count()],
  ['any', any()],
  ['sum', sum('score')],
  ['avg', avg('score')],
  ['min', min('score')],
  ['max', max('score')],
  ['distinct', distinct('score')],
  ['first', first('score')],
  ['last', last('score')],
  ['pairs', pairs(SESSION, 'avg')],
  ['perKey', perKey('user_id', 'max', 'score', 'avg')],
]

/** The generator's seeded numbers in [0, 1): the test's draws repeat. */
function random(seed: number): () => number {
  const rng = new Rng(seed)
  return () => rng.float()
}

/** A table written by column, read back as LiveView reads a snapshot: groups allocated in the order written. */
function roundTrip(table: GroupTable): { copy: GroupTable; rest: boolean } {
  const w = new Writer()
  table.writeColumns(w)
  const r = new Reader(w.finish())
  const win = readWindows(r)
  const keys = Array.from({ length: table.layout.keyCount }, () => Array.from({ length: win.length }, () => r.scalar()))
  const copy = new GroupTable(table.layout)
  for (let i = 0; i < win.length; i++) {
    copy.alloc(Number.isNaN(win[i]!) ? null : win[i]!)
    keys.forEach((values, k) => copy.keys[k]!.push(values[i]!))
  }
  copy.readMeasures(r)
  return { copy, rest: !r.done }
}

const bytesOf = (m: Measure, s: unknown): Uint8Array => {
  const w = new Writer()
  opsFor(m).write(w, s)
  return w.finish()
}

for (const [name, m] of MEASURES) {
  t.test(`${name}: columns = ops`, async (t) => {
    const ops = opsFor(m)
    const rnd = random(name.length * 7919)
    const layout = new TableLayout([m], 0)
    for (const distinctValues of [1, 2, 3, 10, 300]) {
      const table = new GroupTable(layout)
      const groups = 40
      const states = Array.from({ length: groups }, () => ops.init())
      for (let g = 0; g < groups; g++) t.equal(table.alloc(null), g)
      for (let n = 0; n < 4000; n++) {
        const g = Math.floor(rnd() * groups)
        // a few nulls and strings: measures skip what they cannot take
        const draw = rnd()
        const v: Scalar = m.kind === 'pairs' ? Math.floor(rnd() * 600) : draw < 0.05 ? null : m.kind === 'distinct' ? `u${Math.floor(rnd() * distinctValues)}` : Math.round((rnd() - 0.3) * 1e4) / 100
        const time = 1_700_000_000_000 + Math.floor(rnd() * 1000)
        const e = { event_id: `e${n}`, user_id: `s${Math.floor(rnd() * 5)}` } as EventRecord
        table.add(0, g, v, e, time)
        states[g] = ops.add(states[g], v, e, time)
      }
      // a snapshot: the columns written whole and read back
      const { copy: read, rest } = roundTrip(table)
      t.equal(read.n, groups, `${distinctValues} values: every group read back`)
      t.notOk(rest, `${distinctValues} values: nothing left over`)
      for (let g = 0; g < groups; g++) {
        const got = table.group(g).states[0]
        t.same(bytesOf(m, got), bytesOf(m, states[g]), `${distinctValues} values, group ${g}`)
        t.same(bytesOf(m, read.group(g).states[0]), bytesOf(m, states[g]), `${distinctValues} values, group ${g} read back`)
        // set, then read back: the restore of a snapshot written group by group (versions 1-3)
        const copy = new GroupTable(layout)
        copy.set(copy.alloc(null), [states[g]])
        t.same(bytesOf(m, copy.group(0).states[0]), bytesOf(m, states[g]), `${distinctValues} values, group ${g} restored`)
      }
    }
  })
}

t.test('an empty group reads as every measure initial state', async (t) => {
  const measures = MEASURES.map(([, m]) => m)
  const table = new GroupTable(new TableLayout(measures, 0))
  const g = table.group(table.alloc(null))
  measures.forEach((m, i) => t.same(bytesOf(m, g.states[i]), bytesOf(m, opsFor(m).init()), MEASURES[i]![0]))
})

t.test('windows, keys and values survive the columns growing', async (t) => {
  const table = new GroupTable(new TableLayout([count(), sum('score'), distinct('score')], 2))
  const n = 5000
  for (let i = 0; i < n; i++) {
    const slot = table.alloc(i % 3 === 0 ? null : i * 60_000)
    table.keys[0]!.push(`k${i}`)
    table.keys[1]!.push(i)
    for (let j = 0; j <= i % 4; j++) {
      table.add(0, slot, null, {} as EventRecord, 0)
      table.add(1, slot, i / 10, {} as EventRecord, 0)
      table.add(2, slot, `u${j}`, {} as EventRecord, 0)
    }
  }
  t.equal(table.n, n)
  const ops = [count(), sum('score'), distinct('score')].map(opsFor)
  const { copy: read, rest } = roundTrip(table)
  t.notOk(rest, 'the columns read back to their end')
  const rows = (x: GroupTable, i: number) => {
    const w = new Writer()
    writeGroup(w, ops, x.group(i))
    return w.finish()
  }
  for (const i of [0, 1, 15, 16, 17, 1023, 1024, 4999]) {
    const g = table.group(i)
    t.same(rows(read, i), rows(table, i), `group ${i} read back from the columns`)
    t.equal(g.window, i % 3 === 0 ? null : i * 60_000, `window of ${i}`)
    t.same(g.key, [`k${i}`, i], `key of ${i}`)
    t.equal(opsFor(count()).result(g.states[0]), (i % 4) + 1, `count of ${i}`)
    t.equal(opsFor(sum('score')).result(g.states[1]), ((i % 4) + 1) * (i / 10), `sum of ${i}`)
    t.equal(opsFor(distinct('score')).result(g.states[2]), (i % 4) + 1, `distinct of ${i}`)
  }
})

t.test('merge shares nothing add changes: a first or last state written in place does not reach a merged copy', async (t) => {
  for (const m of [first('score'), last('score')]) {
    const ops = opsFor(m)
    const e = (id: string, score: number): EventRecord => ({ event_id: id, score })
    let live = ops.add(ops.init(), 1, e('a', 1), 1_000)
    const merged = ops.merge(ops.init(), live)
    const before = bytesOf(m, merged)
    // an event that wins (earlier for first, later for last) and one that ties on time with a larger id
    live = ops.add(live, 2, e('b', 2), m.kind === 'first' ? 500 : 2_000)
    live = ops.add(live, 3, e('c', 3), m.kind === 'first' ? 500 : 2_000)
    t.equal(ops.result(live), 3, `${m.kind}: the later winner, on the tie the larger id`)
    t.same(bytesOf(m, merged), before, `${m.kind}: the merged copy is as it was`)
    t.equal(ops.result(ops.merge(merged, live)), 3, `${m.kind}: and merges as the live state`)
  }
})
