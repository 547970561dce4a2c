// GET /cluster/partials/:name — what this node contributes to a query gathered
// by another node of the cluster (src/cluster/gather.ts): its workers' partials
// for the partitions asked for, as length-prefixed binary frames. Not meant for
// people: the public API is /api/views.
import type { FastifyInstance } from 'fastify'
import { viewNamed } from '../../views/catalog/index.js'
import type { GroupFilter } from '../../actors/live-view.js'
import { pulseError } from '../errors.js'
import { CutoffMismatch } from '../cluster/peer.js'
import type { Peer } from '../cluster/peer.js'
import { encodeFrames } from '../cluster/frames.js'
import { BadParam } from './view-query.js'
import { clusterStatsSchema, partialsSchema } from './schemas.js'

const PARTITION = /^[a-z_]+\/\d{1,5}$/

function parseFilter(raw: string): GroupFilter {
  let v: unknown
  try {
    v = JSON.parse(raw)
  } catch {
    throw new BadParam('filter', 'expected JSON: {"keys":{column:value},"from":ms,"to":ms}')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadParam('filter', 'expected a JSON object')
  const f = v as Record<string, unknown>
  const out: { keys?: Record<string, string | number>; from?: number; to?: number } = {}
  for (const [k, value] of Object.entries(f)) {
    if (k === 'from' || k === 'to') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadParam('filter', `${k} must be a number of milliseconds`)
      out[k] = value
    } else if (k === 'keys') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadParam('filter', 'keys must be an object')
      const keys: Record<string, string | number> = {}
      for (const [c, kv] of Object.entries(value)) {
        if (typeof kv !== 'string' && typeof kv !== 'number') throw new BadParam('filter', `keys.${c} must be a string or a number`)
        keys[c] = kv
      }
      out.keys = keys
    } else throw new BadParam('filter', `unknown field ${JSON.stringify(k)} (fields: keys, from, to)`)
  }
  return out
}

function parsePartitions(raw: string): string[] {
  const partitions = raw === '' ? [] : raw.split(',')
  const bad = partitions.find((p) => !PARTITION.test(p))
  if (bad !== undefined) throw new BadParam('partitions', `expected topic/partition ids separated by commas, got ${JSON.stringify(bad)}`)
  return partitions
}

export function clusterRoutes(app: FastifyInstance, peer: Peer): void {
  app.get<{ Querystring: { partitions: string } }>('/cluster/stats', { schema: clusterStatsSchema }, async (req) => ({
    actors: await peer.stats(parsePartitions(req.query.partitions)),
  }))

  app.get<{ Params: { name: string }; Querystring: { filter: string; partitions: string; cutoff: string } }>(
    '/cluster/partials/:name',
    { schema: partialsSchema },
    async (req, reply) => {
      const view = viewNamed(req.params.name)
      if (view === undefined) throw pulseError('PULSE_ERR_UNKNOWN_VIEW', JSON.stringify(req.params.name))
      const filter = parseFilter(req.query.filter)
      const partitions = parsePartitions(req.query.partitions)
      const c = req.query.cutoff
      if (c !== 'none' && !/^\d{1,16}$/.test(c)) throw new BadParam('cutoff', `expected epoch milliseconds or "none", got ${JSON.stringify(c)}`)
      try {
        const a = await peer.partials(view.name, filter, partitions, c === 'none' ? null : Number(c))
        return reply
          .type('application/octet-stream')
          .header('x-pulse-partitions', a.partitions.join(','))
          .header('x-pulse-replaying', a.replaying.join(','))
          .send(encodeFrames(a.parts))
      } catch (err) {
        if (err instanceof CutoffMismatch) reply.header('x-pulse-cutoff', Number.isFinite(err.nodeCutoff) ? String(err.nodeCutoff) : 'none')
        throw err
      }
    },
  )
}
