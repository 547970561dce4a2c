// Batch ⊕ speed through the API: a run published before an hour cutoff, every
// event through the speed layer (which drops those before the cutoff), and for
// each of the 62 views the API's rows equal the reference evaluator's over all
// valid, deduplicated events.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { dedupe, evaluate } from '../../../views/evaluate.js'
import type { Row } from '../../../views/evaluate.js'
import { columnsOf } from '../../../views/semantics.js'
import { sameRows } from '../../helpers/rows.js'
import { servingFixture } from '../../helpers/serve.js'
import { rankMeasure } from '../../../views/state/rank.js'
import { partialOf } from '../../../views/state/partial.js'
import { answer } from '../../../src/serve/answer.js'
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

t.test('top-N by a count or sum: the threshold read answers as a full read does, for every view it can rank', async (t) => {
  const layer = f.layer
  const opened = { n: 0 }
  const rank = layer.rank.bind(layer)
  layer.rank = (...args) => {
    opened.n++
    return rank(...args)
  }
  t.teardown(() => void (layer.rank = rank))
  let ranked = 0
  for (const view of CATALOG) {
    if (view.window === undefined) continue
    for (const column of Object.keys(view.measures)) {
      if (rankMeasure(view, column, true) < 0) continue
      for (const top of [1, 3]) {
        const before = opened.n
        const res = await f.app.inject({ url: `/api/views/${view.name}?top=${top}&order=-${column}&limit=10000` })
        t.equal(res.statusCode, 200, `${view.name} top ${top} by ${column}`)
        t.equal(opened.n, before + 1, `${view.name}: answered by a threshold read`)
        const body = res.json() as { rows: Row[]; total: number }
        const q = parseViewQuery(view, { top: String(top), order: `-${column}`, limit: '10000' })
        const full = answer(view, undefined, partialOf(view, dedupe(f.events)), q)
        t.equal(body.total, full.total, `${view.name} top ${top} by ${column}: total`)
        t.same(
          body.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
          full.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
          `${view.name} top ${top} by ${column}: rows, in order`,
        )
        ranked++
      }
    }
  }
  t.ok(ranked >= 20, `${ranked} top-N queries compared`)
  t.equal(rankedFallbacks.count, 0, 'no hold expired')
})
