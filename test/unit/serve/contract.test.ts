// Contract fuzz: generated query parameters (valid and invalid) for every route
// never give a 5xx, and every answer validates against the schema the route
// declares for its status.
import t from 'tap'
import type { Test } from 'tap'
import fc from 'fast-check'
import { Ajv } from 'ajv'
import { CATALOG } from '../../../views/catalog/index.js'
import { columnsOf } from '../../../views/semantics.js'
import * as S from '../../../src/serve/schemas.js'
import { servingFixture } from '../../helpers/serve.js'

const TOKEN = 'contract-token-0123456789'
const f = await servingFixture({ seed: 9, count: 4000, adminToken: TOKEN, triggerBatch: async () => undefined })
t.teardown(() => f.close())

// the routes' response schemas, resolved against the shared ones
const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addFormat('date-time', true)
for (const s of S.SHARED_SCHEMAS) ajv.addSchema(s)
type Responses = Record<number, object>
const validators = new Map<string, Map<number, ReturnType<Ajv['compile']>>>()
const routeSchemas: Record<string, Responses> = {
  'GET /api/views': S.listViewsSchema.response,
  'GET /api/views/:name': S.viewQuerySchema.response,
  'GET /health': S.healthSchema.response,
  'GET /ready': S.readySchema.response,
  'POST /admin/snapshot': S.snapshotSchema.response,
  'POST /admin/batch': S.batchSchema.response,
}
for (const [route, responses] of Object.entries(routeSchemas)) {
  validators.set(route, new Map(Object.entries(responses).map(([status, schema]) => [Number(status), ajv.compile(schema)])))
}

const times = f.events.map((e) => e.time)
const lo = Math.min(...times)
const hi = Math.max(...times)
const instant = fc.oneof(
  fc.integer({ min: lo - 3_600_000, max: hi + 3_600_000 }).map(String),
  fc.integer({ min: lo - 3_600_000, max: hi + 3_600_000 }).map((ms) => new Date(ms).toISOString()),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '-1', '1e3', 'NaN', '2026-13-01T00:00:00Z', '99999999999999999999'),
)
const anyText = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '0', '-1', '1.5', '10001', '%00', 'null', 'true'))

/** Query parameters for a view: either all plausible, or a mix with junk and unknown names. */
function paramsFor(viewIndex: number): fc.Arbitrary<Record<string, string>> {
  const view = CATALOG[viewIndex]!
  const cols = columnsOf(view)
  const keys = Object.keys(view.key)
  const seenValues = (k: string) => {
    const seen = [...new Set(f.events.slice(0, 400).map((e) => e.event[k]).filter((v) => typeof v === 'string'))] as string[]
    return seen.length > 0 ? fc.constantFrom(...seen) : fc.string({ minLength: 1, maxLength: 10 })
  }
  const validKey = (k: string) => (k === 'hour' ? fc.integer({ min: 0, max: 23 }).map(String) : seenValues(k))
  const valid: Record<string, fc.Arbitrary<string>> = {
    order: fc.constantFrom(...cols, ...cols.map((c) => `-${c}`)),
    limit: fc.integer({ min: 1, max: 10_000 }).map(String),
  }
  for (const k of keys) valid[k] = validKey(k)
  const plausible = view.window === undefined
    ? fc.record(valid, { requiredKeys: [] })
    : fc
        .tuple(fc.record({ ...valid, top: fc.integer({ min: 1, max: 50 }).map(String) }, { requiredKeys: [] }), fc.integer({ min: lo - 600_000, max: hi }), fc.integer({ min: 1, max: 7_200_000 }), fc.boolean())
        .map(([r, from, span, iso]) => {
          const out: Record<string, string> = { ...r, from: iso ? new Date(from).toISOString() : String(from), to: String(from + span) }
          // top ranks within a window: never by the window bounds
          if (out.top !== undefined && /^-?window_/.test(out.order ?? '')) delete out.order
          return out
        })
  const mixed: Record<string, fc.Arbitrary<string>> = {
    from: instant,
    to: instant,
    order: fc.oneof(fc.constantFrom(...cols, ...cols.map((c) => `-${c}`)), anyText),
    limit: fc.oneof(fc.integer({ min: -5, max: 12_000 }).map(String), anyText),
    top: fc.oneof(fc.integer({ min: -1, max: 1_100 }).map(String), anyText),
    bogus: anyText,
  }
  for (const k of keys) mixed[k] = k === 'hour' ? fc.oneof(fc.integer({ min: -1, max: 25 }).map(String), anyText) : fc.oneof(validKey(k), anyText)
  return fc.oneof(plausible, fc.record(mixed, { requiredKeys: [] })) as fc.Arbitrary<Record<string, string>>
}

function check(t: Test, route: string, res: { statusCode: number; body: string; headers: Record<string, unknown> }, label: string): boolean {
  if (res.statusCode >= 500) {
    t.fail(`${label}: ${res.statusCode} ${res.body}`)
    return false
  }
  const validate = validators.get(route)!.get(res.statusCode)
  if (validate === undefined) {
    t.fail(`${label}: status ${res.statusCode} is not declared by ${route}`)
    return false
  }
  if (!validate(JSON.parse(res.body))) {
    t.fail(`${label}: answer does not match the ${res.statusCode} schema: ${ajv.errorsText(validate.errors)}`)
    return false
  }
  return true
}

t.test('GET /api/views/:name with generated parameters', async (t) => {
  let statuses = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: CATALOG.length - 1 }).chain((i) => fc.tuple(fc.constant(i), paramsFor(i))), async ([i, params]) => {
      const query = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined))
      const res = await f.app.inject({ url: `/api/views/${CATALOG[i]!.name}`, query })
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      return check(t, 'GET /api/views/:name', res, `${CATALOG[i]!.name}?${new URLSearchParams(query)}`)
    }),
    { numRuns: 600, seed: 20261122 },
  )
  t.ok((statuses.get(200) ?? 0) > 50 && (statuses.get(400) ?? 0) > 50, `both valid and invalid queries: ${JSON.stringify([...statuses])}`)
})

t.test('view names and raw query strings', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.constantFrom(...CATALOG.map((v) => v.name)), fc.string({ minLength: 1, maxLength: 40 })), fc.string({ maxLength: 60 }), async (name, qs) => {
      const res = await f.app.inject({ url: `/api/views/${encodeURIComponent(name)}?${qs}` })
      return res.statusCode === 404 && !CATALOG.some((v) => v.name === name) ? check(t, 'GET /api/views/:name', res, name) : check(t, 'GET /api/views/:name', res, `${name}?${qs}`)
    }),
    { numRuns: 300, seed: 7 },
  )
  t.pass('no 5xx, every answer as declared')
})

t.test('the other routes, with and without credentials', async (t) => {
  const plain: Array<[string, string]> = [['GET', '/api/views'], ['GET', '/health'], ['GET', '/ready']]
  for (const [method, url] of plain) t.ok(check(t, `${method} ${url}`, await f.app.inject({ method: method as 'GET', url }), url))
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/admin/snapshot', '/admin/batch'), fc.option(fc.oneof(fc.constant(`Bearer ${TOKEN}`), fc.string({ maxLength: 40 }), fc.string().map((s) => `Bearer ${s}`)), { nil: undefined }), async (url, authorization) => {
      const res = await f.app.inject({ method: 'POST', url, headers: authorization === undefined ? {} : { authorization } })
      return check(t, `POST ${url}`, res, `${url} ${authorization}`)
    }),
    { numRuns: 60, seed: 3 },
  )
  const metrics = await f.app.inject({ url: '/metrics?x=1' })
  t.equal(metrics.statusCode, 200)
})
