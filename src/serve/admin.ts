// Admin routes: a snapshot now, a batch run now. Both need
// `Authorization: Bearer <PULSE_ADMIN_TOKEN>`; with no token configured they
// refuse every call and say how to set one.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { pulseError } from '../errors.js'
import { batchSchema, snapshotSchema } from './schemas.js'
import type { BatchSource, SpeedSource } from './sources.js'

// comparing digests keeps the comparison constant-time whatever the lengths
const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

export function checkAdmin(token: string | undefined, req: FastifyRequest): void {
  if (token === undefined) {
    throw pulseError('PULSE_ERR_UNAUTHORIZED', 'admin routes are disabled: set PULSE_ADMIN_TOKEN (16+ characters, e.g. `openssl rand -hex 24`) and restart, then send `Authorization: Bearer <token>`')
  }
  const header = req.headers.authorization
  const m = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header.trim()) : null
  if (m === null) throw pulseError('PULSE_ERR_UNAUTHORIZED', 'admin routes need `Authorization: Bearer <PULSE_ADMIN_TOKEN>`')
  if (!timingSafeEqual(digest(m[1]!), digest(token))) throw pulseError('PULSE_ERR_UNAUTHORIZED', 'wrong admin token')
}

export interface AdminOptions {
  token: string | undefined
  speed: SpeedSource
  batch: BatchSource
  /** Runs a batch and publishes it; absent when this node cannot. */
  triggerBatch?: () => Promise<unknown>
  onBatchError?: (err: unknown) => void
}

export function adminRoutes(app: FastifyInstance, o: AdminOptions): void {
  let running: Promise<unknown> | undefined
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req) => checkAdmin(o.token, req))

    admin.post('/admin/snapshot', { schema: snapshotSchema }, async () => {
      if (o.speed.snapshot === undefined) throw pulseError('PULSE_ERR_UNAVAILABLE', 'this node holds no speed-layer actors to snapshot')
      const r = await o.speed.snapshot()
      return { actors: r.actors, unchanged: r.unchanged, bytes: r.bytes, ms: r.ms, pauseMs: r.pauseMs }
    })

    admin.post('/admin/batch', { schema: batchSchema }, async (_req, reply) => {
      const trigger = o.triggerBatch
      if (trigger === undefined) throw pulseError('PULSE_ERR_UNAVAILABLE', 'no batch runner is configured on this node')
      if (running !== undefined) throw pulseError('PULSE_ERR_BUSY', 'a batch run is already running')
      // a run takes minutes: answer now, serve the run once it is published
      running = trigger()
        .then(() => o.batch.refresh())
        .catch((err: unknown) => o.onBatchError?.(err))
        .finally(() => (running = undefined))
      return reply.code(202).send({ started: true })
    })
  })
}
