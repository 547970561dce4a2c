// The serving node's HTTP application: the query API, its OpenAPI contract,
// operations endpoints, admin routes and the dashboard. Built from interfaces
// (batch source, speed source, store), so tests inject and a cluster node can
// substitute remote sources.
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { ObjectStore } from '../store/object-store.js'
import { PulseError } from '../errors.js'
import { rankedFallbacks } from './ranked-read.js'
import { SHARED_SCHEMAS, healthSchema, metricsSchema, readySchema } from './schemas.js'
import { StatsCache } from './freshness.js'
import { ServeMetrics } from './metrics.js'
import { viewRoutes } from './view-routes.js'
import { adminRoutes } from './admin.js'
import { dashboardRoutes } from './dashboard.js'
import { clusterRoutes } from './cluster-routes.js'
import type { Peer } from '../cluster/peer.js'
import type { BatchSource, SpeedSource } from './sources.js'
import type { RunManifest } from '../batch/runs.js'

export interface AppOptions {
  speed: SpeedSource
  batch: BatchSource
  /** Checked by /ready; absent: nothing to check. */
  store?: ObjectStore
  adminToken?: string
  triggerBatch?: () => Promise<unknown>
  /** The last batch run this node made, published or not (its reconciliation drift is a metric). */
  lastRun?: () => RunManifest | undefined
  /** This node's share of cluster queries (GET /cluster/partials/:name); absent on a single node. */
  peer?: Peer
  /** How long identical view queries reuse a speed read (ms; default 250, 0: only queries in flight share one). */
  speedReuseMs?: number
  /** fastify's logger (off by default: tests and benchmarks) */
  logger?: boolean
}

export interface PulseApp {
  app: FastifyInstance
  metrics: ServeMetrics
}

export async function buildApp(o: AppOptions): Promise<PulseApp> {
  const app = Fastify({ logger: o.logger ?? false, ajv: { customOptions: { coerceTypes: 'array', allErrors: false } } })
  const stats = new StatsCache(o.speed)
  const metrics = new ServeMetrics(stats, o.batch, o.speed, o.lastRun)
  for (const s of SHARED_SCHEMAS) app.addSchema(s)

  await app.register(swagger, {
    openapi: {
      info: { title: 'Pulse', version: '1', description: 'Views of learning-platform events: batch ⊕ speed at the cutoff. Errors carry a stable code (docs/errors.md).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'PULSE_ADMIN_TOKEN' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.http.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof PulseError) {
      const body: Record<string, unknown> = { statusCode: err.status, code: err.code, error: statusText(err.status), message: err.message }
      if ('param' in err && typeof err.param === 'string') body.param = err.param
      return reply.code(err.status).send(body)
    }
    if (err.validation !== undefined) {
      // a request schema refused it: name the parameter
      const v = err.validation[0]
      const missing = (v?.params as { missingProperty?: string } | undefined)?.missingProperty
      const param = missing ?? v?.instancePath.replace(/^\//, '').split('/')[0] ?? ''
      return reply.code(400).send({ statusCode: 400, code: 'PULSE_ERR_BAD_REQUEST', error: 'Bad Request', message: `${param || err.validationContext}: ${v?.message ?? err.message}`, param })
    }
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) reply.log.error(err)
    return reply.code(status).send({ statusCode: status, code: status === 500 ? 'PULSE_ERR_INTERNAL' : 'PULSE_ERR_BAD_REQUEST', error: statusText(status), message: status === 500 ? 'internal error' : err.message })
  })
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ statusCode: 404, code: 'PULSE_ERR_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  )

  app.get('/health', { schema: healthSchema }, async () => ({ status: 'ok' as const }))

  app.get('/ready', { schema: readySchema }, async (_req, reply) => {
    const [store, speed] = await Promise.all([
      o.store === undefined ? true : o.store.tryGet('_serve/ready-probe').then(() => true, () => false),
      stats.get().then((s) => s.stats.length > 0, () => false),
    ])
    const checks = { store, speed, batch: o.batch.loaded() }
    const ready = checks.store && checks.speed && checks.batch
    const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k)
    return reply.code(ready ? 200 : 503).send(ready ? { ready, checks } : { ready, checks, message: `not ready: ${failing.join(', ')}` })
  })

  app.get('/metrics', { schema: metricsSchema }, async (_req, reply) => {
    const text = await metrics.text()
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text)
  })

  const views = viewRoutes(app, { speed: o.speed, batch: o.batch, stats, speedReuseMs: o.speedReuseMs })
  metrics.watchSpeedReads(views.speedReads, rankedFallbacks)
  adminRoutes(app, { token: o.adminToken, speed: o.speed, batch: o.batch, triggerBatch: o.triggerBatch, onBatchError: (err) => app.log.error(err) })
  dashboardRoutes(app)
  if (o.peer !== undefined) clusterRoutes(app, o.peer)
  await app.ready()
  return { app, metrics }
}

function statusText(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? 'Error'
}
