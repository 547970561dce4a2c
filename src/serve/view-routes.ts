// GET /api/views and GET /api/views/:name.
import type { FastifyInstance } from 'fastify'
import { CATALOG, viewNamed } from '../../views/catalog/index.js'
import type { ViewDef } from '../../views/dsl.js'
import { columnsOf } from '../../views/semantics.js'
import { PulseError, pulseError } from '../errors.js'
import { filterOf, selectGroups } from './answer.js'
import { rankedRead, thresholdPlan } from './ranked-read.js'
import { memoAnswer, rowsJson } from './answer-memo.js'
import { FreshnessJson } from './freshness.js'
import type { StatsCache } from './freshness.js'
import { parseViewQuery } from './view-query.js'
import { listViewsSchema, viewQuerySchema } from './schemas.js'
import type { BatchSource, SpeedSource } from './sources.js'
import { QueryCoalescer } from './coalesce.js'

export function viewInfo(v: ViewDef) {
  return {
    name: v.name,
    kind: v.kind,
    topic: v.topic,
    description: v.description,
    keys: Object.keys(v.key),
    window: v.window === undefined ? null : { kind: v.window.kind, sizeMs: v.window.size, slideMs: v.window.slide },
    measures: Object.entries(v.measures).map(([name, m]) => ({ name, kind: m.kind, estimated: m.kind === 'distinct' })),
    derived: Object.entries(v.derived ?? {}).map(([name, d]) => ({ name, describe: d.describe })),
    columns: columnsOf(v),
  }
}

export function viewRoutes(app: FastifyInstance, o: { speed: SpeedSource; batch: BatchSource; stats: StatsCache; speedReuseMs?: number }): { speedReads: QueryCoalescer } {
  const list = { views: CATALOG.map(viewInfo) }
  const speedQueries = new QueryCoalescer(o.speed, { maxAgeMs: o.speedReuseMs })
  const freshnessJson = new FreshnessJson()
  app.get('/api/views', { schema: listViewsSchema }, async () => list)

  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/api/views/:name', { schema: viewQuerySchema }, async (req, reply) => {
    const view = viewNamed(req.params.name)
    if (view === undefined) throw pulseError('PULSE_ERR_UNKNOWN_VIEW', JSON.stringify(req.params.name))
    const q = parseViewQuery(view, req.query)
    for (let attempt = 1; ; attempt++) {
      // batch side read and speed tasks submitted in one tick: ordered against a cutoff move (batch-source.ts);
      // the freshness names this run, not whichever is served once the reads are back
      const batch = o.batch.partial(view.name)
      const run = o.batch.current()
      const runId = run?.runId
      const filter = filterOf(q)
      const plan = thresholdPlan(view, q, o.speed)
      const speedRead =
        plan === undefined
          ? speedQueries.query(view.name, filter, runId)
          : speedQueries.ranked(view.name, filter, runId, plan.measure, plan.k, () =>
              rankedRead(view, plan, filter, batch && selectGroups(view, batch, filter), () => o.batch.current()?.runId !== runId),
            )
      try {
        const [speed, s] = await Promise.all([speedRead, o.stats.get()])
        // a threshold read carries the batch side it ranked (its candidates)
        const a = memoAnswer(view, speed.batch ?? batch, speed.partial, q)
        const ageMs = Math.max(0, Math.round(performance.now() - speed.at))
        const fresh = freshnessJson.write(run, s.stats, s.lag, ageMs, speed.partial.coverage ?? null)
        // the rows' JSON is shared by the requests that share the answer; only the rest is written per request
        reply.type('application/json; charset=utf-8')
        return `{"view":${JSON.stringify(view.name)},"rows":${rowsJson(a)},"total":${a.total},"truncated":${a.total > a.rows.length},"estimates":${a.estimates},"freshness":${fresh}}`
      } catch (err) {
        // a cluster node was at another cutoff: the newer run is loaded by now, ask again with it
        if (!(err instanceof PulseError && err.code === 'PULSE_ERR_CUTOFF_MOVED') || attempt >= 4) throw err
      }
    }
  })
  return { speedReads: speedQueries }
}
