// Batch ⊕ speed through the API: a run published before an hour cutoff, every
// event through the speed layer (which drops those before the cutoff), and for
// each of the 62 views the API's rows equal the reference evaluator's over all
// valid, deduplicated events.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import type { Row } from '../../../views/evaluate.js'
import { columnsOf } from '../../../views/semantics.js'
import { sameRows } from '../../helpers/rows.js'
import { servingFixture } from '../../helpers/serve.js'

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
