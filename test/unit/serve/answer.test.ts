// answer() ranks groups before finishing rows; its answers must equal the
// straightforward form (finish every merged row, sort, order, top-N, limit)
// for every view and many query shapes. Partials are built from a split of
// generated events, one part as the batch side and one as the speed side.
import t from 'tap'
import fc from 'fast-check'
import { CATALOG } from '../../../views/catalog/index.js'
import type { ViewDef } from '../../../views/dsl.js'
import type { Scalar } from '../../../views/semantics.js'
import { columnsOf } from '../../../views/semantics.js'
import { finalize, mergePartials, partialOf } from '../../../views/state/partial.js'
import type { ViewPartial } from '../../../views/state/partial.js'
import type { Row } from '../../../views/evaluate.js'
import { answer, selectGroups, filterOf } from '../../../src/serve/answer.js'
import { memoAnswer } from '../../../src/serve/answer-memo.js'
import type { ViewQuery } from '../../../src/serve/view-query.js'
import type { Hll } from '../../../views/state/hll.js'
import { records, validEvents } from '../../helpers/stream.js'

const events = validEvents(records(31, 6000))
const times = events.map((e) => e.time).sort((a, b) => a - b)
const mid = times[Math.floor(times.length / 2)]!

/** The answer as it was computed before ranking moved ahead of finishing rows. */
function reference(view: ViewDef, batch: ViewPartial | undefined, speed: ViewPartial, q: ViewQuery): { rows: Row[]; total: number; estimates: boolean } {
  const fromBatch = batch === undefined ? undefined : selectGroups(view, batch, filterOf(q))
  const merged = fromBatch === undefined ? speed : mergePartials(view, fromBatch, speed)
  const names = Object.keys(view.measures)
  const estimates = [...merged.groups.values()].some((g) => names.some((n, i) => view.measures[n]!.kind === 'distinct' && !(g.states[i] as Hll).isExact()))
  let out = finalize(view, merged)
  if (q.order !== undefined) {
    const { column, desc } = q.order
    const cmp = (a: Scalar, b: Scalar) => (a === b ? 0 : typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1)
    out = out.sort((x, y) => {
      const a = (x[column] ?? null) as Scalar
      const b = (y[column] ?? null) as Scalar
      if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
      return desc ? cmp(b, a) : cmp(a, b)
    })
  }
  if (q.top !== undefined) {
    const byWindow = new Map<string, Row[]>()
    for (const r of out) {
      const w = String(r.window_start)
      const list = byWindow.get(w)
      if (list === undefined) byWindow.set(w, [r])
      else if (list.length < q.top) list.push(r)
    }
    out = [...byWindow.keys()].sort().flatMap((w) => byWindow.get(w)!)
  }
  return { rows: out.slice(0, q.limit), total: out.length, estimates }
}

const strip = (rows: Row[]) => rows.map(({ source, exact, ...r }) => (void source, void exact, r))

t.test('every view: ranked answer = finish-everything answer', async (t) => {
  for (const view of CATALOG) {
    const mine = events.filter((e) => e.topic === view.topic)
    const batch = partialOf(view, mine.filter((e) => e.time < mid))
    const speed = partialOf(view, mine.filter((e) => e.time >= mid))
    const cols = columnsOf(view)
    const keyCols = Object.keys(view.key)
    const someRow = finalize(view, speed)[0] ?? finalize(view, batch)[0]
    const filterable = keyCols.filter((k) => someRow?.[k] !== undefined && someRow[k] !== null)
    const query = fc.record({
      order: fc.option(fc.record({ column: fc.constantFrom(...cols), desc: fc.boolean() }), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 60 }),
      top: view.window === undefined ? fc.constant(undefined) : fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      key: filterable.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...filterable), { nil: undefined }),
      withBatch: fc.boolean(),
    })
    fc.assert(
      fc.property(query, (p) => {
        const q: ViewQuery = { keys: {}, limit: p.limit }
        if (p.key !== undefined) q.keys[p.key] = someRow![p.key] as Scalar
        if (p.top !== undefined) {
          q.top = p.top
          q.order = p.order !== undefined && !p.order.column.startsWith('window_') ? p.order : { column: Object.keys(view.measures)[0]!, desc: true }
        } else if (p.order !== undefined) q.order = p.order
        const b = p.withBatch ? batch : undefined
        const s = p.key === undefined ? speed : selectGroups(view, speed, filterOf(q))
        const got = answer(view, b, s, q)
        const want = reference(view, b, s, q)
        t.same(strip(got.rows), want.rows, `${view.name} ${JSON.stringify(q)}`)
        t.equal(got.total, want.total)
        t.equal(got.estimates, want.estimates)
      }),
      { numRuns: 15, seed: 7 },
    )
  }
})

t.test('rows carry their sides and exactness', async (t) => {
  const view = CATALOG.find((v) => v.name === 'auth_daily_active_users')!
  const mine = events.filter((e) => e.topic === view.topic)
  const batch = partialOf(view, mine.filter((e) => e.time < mid))
  const speed = partialOf(view, mine.filter((e) => e.time >= mid))
  const a = answer(view, batch, speed, { keys: {}, limit: 1000 })
  for (const r of a.rows) {
    const id = JSON.stringify([null, [r.date]])
    const want = batch.groups.has(id) && speed.groups.has(id) ? 'both' : batch.groups.has(id) ? 'batch' : 'speed'
    t.equal(r.source, want, String(r.date))
    t.same(Object.keys(r.exact).sort(), ['active_users', 'sessions'])
  }
  t.ok(a.rows.some((r) => r.source === 'both'))
})

t.test('memoAnswer: one answer per (batch partial, speed partial, query)', async (t) => {
  const view = CATALOG.find((v) => v.name === 'video_realtime_popular_videos')!
  const mine = events.filter((e) => e.topic === view.topic)
  const batch = partialOf(view, mine.filter((e) => e.time < mid))
  const speed = partialOf(view, mine.filter((e) => e.time >= mid))
  const q: ViewQuery = { keys: {}, limit: 100, top: 3, order: { column: 'plays', desc: true } }
  const a = memoAnswer(view, batch, speed, q)
  t.same(a, answer(view, batch, speed, q))
  t.equal(memoAnswer(view, batch, speed, { ...q }), a, 'an equal query on the same partials: the same answer')
  t.not(memoAnswer(view, batch, speed, { ...q, top: 2 }), a, 'another query')
  t.not(memoAnswer(view, undefined, speed, q), a, 'another batch partial')
  const fresh = partialOf(view, mine.filter((e) => e.time >= mid))
  t.not(memoAnswer(view, batch, fresh, q), a, 'another speed read')
})
