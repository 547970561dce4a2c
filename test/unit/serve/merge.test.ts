// Batch ⊕ speed through the API: a run published before an hour cutoff, every
// event through the speed layer (which drops those before the cutoff), and for
// each of the 62 views the API's rows equal the reference evaluator's over all
// valid, deduplicated events.
import t from 'tap'
import type { Test } from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { dedupe, evaluate } from '../../../views/evaluate.js'
import type { Row } from '../../../views/evaluate.js'
import { columnsOf } from '../../../views/semantics.js'
import { sameRows } from '../../helpers/rows.js'
import { servingFixture } from '../../helpers/serve.js'
import type { ServingFixture } from '../../helpers/serve.js'
import { rankMeasure } from '../../../views/state/rank.js'
import { partialOf } from '../../../views/state/partial.js'
import { answer, filterOf, selectGroups } from '../../../src/serve/answer.js'
import { parseViewQuery } from '../../../src/serve/view-query.js'
import { rankedFallbacks } from '../../../src/serve/ranked-read.js'

const f = await servingFixture({ seed: 21, count: 20_000 })
t.teardown(() => f.close())

t.test('every view: API rows = reference evaluator over all events', async (t) => {
  t.equal(f.batch.current()?.cutoff, f.cutoff, 'the published run is served')
  t.equal(f.layer.cutoff, f.cutoff, 'the speed layer moved to its cutoff')
  const sources = { batch: 0, speed: 0, both: 0 }
  for (const view of CATALOG) {
    t.notOk(columnsOf(view).some((c) => c === 'source' || c === 'exact'), `${view.name}: no column named like the row tags`)
    const res = await f.app.inject({ url: `/api/views/${view.name}?limit=10000` })
    t.equal(res.statusCode, 200, view.name)
    const body = res.json() as { rows: Array<Row & { source: keyof typeof sources; exact: Record<string, boolean> }>; total: number }
    t.ok(body.total <= 10_000, `${view.name}: ${body.total} rows fit one answer`)
    const rows = body.rows.map(({ source, exact, ...row }) => {
      sources[source]++
      void exact
      return row as Row
    })
    sameRows(t, view, rows, evaluate(view, f.events), view.name)
  }
  t.ok(sources.batch > 0 && sources.speed > 0 && sources.both > 0, `rows from each side and from both: ${JSON.stringify(sources)}`)
})

/** Every rankable view's top 1 and 3 by each rankable column, through the API and by answer() over all events. */
async function topNAsFullRead(t: Test, f: ServingFixture, from?: string): Promise<{ compared: number; phaseTwo: number }> {
  const layer = f.layer
  const opened = { n: 0, phaseTwo: 0 }
  const rank = layer.rank.bind(layer)
  layer.rank = async (...args) => {
    opened.n++
    const session = await rank(...args)
    return { ...session, above: (thresholds) => (opened.phaseTwo++, session.above(thresholds)) }
  }
  t.teardown(() => void (layer.rank = rank))
  let compared = 0
  for (const view of CATALOG) {
    if (view.window === undefined) continue
    for (const column of Object.keys(view.measures)) {
      if (rankMeasure(view, column, true) < 0) continue
      for (const top of [1, 3]) {
        const before = opened.n
        const params: Record<string, string> = { top: String(top), order: `-${column}`, limit: '10000', ...(from === undefined ? {} : { from }) }
        const res = await f.app.inject({ url: `/api/views/${view.name}?${new URLSearchParams(params).toString()}` })
        t.equal(res.statusCode, 200, `${view.name} top ${top} by ${column}`)
        t.equal(opened.n, before + 1, `${view.name}: answered by a threshold read`)
        const body = res.json() as { rows: Row[]; total: number }
        const q = parseViewQuery(view, params)
        const full = answer(view, undefined, selectGroups(view, partialOf(view, dedupe(f.events)), filterOf(q)), q)
        t.equal(body.total, full.total, `${view.name} top ${top} by ${column}: total`)
        t.same(
          body.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
          full.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
          `${view.name} top ${top} by ${column}: rows, in order`,
        )
        compared++
      }
    }
  }
  t.equal(rankedFallbacks.count, 0, 'no hold expired')
  return { compared, phaseTwo: opened.phaseTwo }
}

t.test('top-N by a count or sum: the threshold read answers as a full read does, for every view it can rank', async (t) => {
  const { compared, phaseTwo } = await topNAsFullRead(t, f)
  t.ok(compared >= 20, `${compared} top-N queries compared`)
  t.equal(phaseTwo, compared, 'two workers: every read took phase 2')
})

t.test('with one worker: the same answers, and after the cutoff, where the batch side holds nothing, phase 1 names the candidates', async (t) => {
  const one = await servingFixture({ seed: 21, count: 20_000, workers: 1 })
  t.teardown(() => one.close())
  const all = await topNAsFullRead(t, one)
  t.equal(all.phaseTwo, all.compared, "the batch side holds groups of the range: phase 2 ranks them with the worker's")
  // windows of at most 5 minutes: none that reaches past cutoff + 5 min holds events before the cutoff
  const after = await topNAsFullRead(t, one, new Date(one.cutoff + 5 * 60_000).toISOString())
  t.ok(after.compared >= 20, `${after.compared} top-N queries after the cutoff compared`)
  t.equal(after.phaseTwo, 0, 'the batch side holds nothing there: no phase 2')
})
