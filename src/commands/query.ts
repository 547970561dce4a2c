// `pulse query <view>`: one view's rows from a running Pulse (GET /api/views/:name
// of `pulse start` or `pulse serve`), as a table or as the API's JSON.
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { PulseError, pulseError } from '../errors.js'
import { parseInstant, formatInstant } from '../events/time.js'
import { intArg } from '../cli-args.js'
import { formatTable } from '../table.js'
import type { Row } from '../table.js'

export const QUERY_HELP = `pulse query <view> — rows of one view from a running Pulse (batch ⊕ speed)

  --url URL          the Pulse to ask (default http://PULSE_HTTP_HOST:PULSE_HTTP_PORT, i.e. http://127.0.0.1:8080)
  --key COL=VALUE    only rows whose key column COL equals VALUE; repeat for several columns
                     (\`pulse views\` lists each view's key columns)
  --from ISO         windowed views: windows ending after this instant (ISO-8601 UTC, epoch ms or "now")
  --to ISO           windowed views: windows starting before this instant
  --order COL[:asc|desc]   sort by a column (default direction asc)
  --limit N          at most N rows (1–10000; the server's default is 1000)
  --top N            windowed views: the first N rows of each window in the order
                     (default order: the first measure, descending)
  --json             print the server's answer as JSON (rows, total, truncated, estimates, freshness)

Exit status 2 when the server refuses the query (unknown view, bad filter), 1 when it
cannot be reached.`

export interface QueryOptions {
  keys: Array<[string, string]>
  from?: string
  to?: string
  order?: string
  limit?: number
  top?: number
}

export interface ViewAnswer {
  view: string
  rows: Array<Record<string, unknown> & { source: string; exact: Record<string, boolean> }>
  total: number
  truncated: boolean
  estimates: boolean
  freshness: {
    batch: { runId: string; cutoff: string } | null
    speed: { partitions: number; watermark: { min: string | null; max: string | null }; lag: number | null }
  }
}

/** A refusal from the server, with the CLI flag its parameter came from. */
export class QueryRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The base URL from the configuration: the address `pulse start`/`pulse serve` listen on. */
export function defaultUrl(config: PulseConfig): string {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host === '::' ? '::1' : config.http.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`
}

function baseUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw pulseError('PULSE_ERR_CLI_USAGE', `--url: expected an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw pulseError('PULSE_ERR_CLI_USAGE', `--url: expected http:// or https://, got ${JSON.stringify(raw)}`)
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** `--from`/`--to`: an ISO-8601 UTC instant, epoch milliseconds or `now`, sent as ISO. */
function instantFlag(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const t = raw === 'now' ? Date.now() : /^\d{1,16}$/.test(raw) ? Number(raw) : parseInstant(raw)
  if (Number.isNaN(t)) throw pulseError('PULSE_ERR_CLI_USAGE', `--${flag}: expected an ISO-8601 UTC instant (2026-11-02T10:00:00Z), epoch milliseconds or "now", got ${JSON.stringify(raw)}`)
  return formatInstant(t)
}

/** `--order col`, `col:asc`, `col:desc` → the API's `col` / `-col`. */
function orderFlag(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::(asc|desc))?$/.exec(raw)
  if (m === null) throw pulseError('PULSE_ERR_CLI_USAGE', `--order: expected COLUMN, COLUMN:asc or COLUMN:desc, got ${JSON.stringify(raw)}`)
  return m[2] === 'desc' ? `-${m[1]}` : m[1]
}

function keyFlags(raw: readonly string[]): Array<[string, string]> {
  return raw.map((kv) => {
    const i = kv.indexOf('=')
    if (i <= 0) throw pulseError('PULSE_ERR_CLI_USAGE', `--key: expected COLUMN=VALUE (e.g. --key user_id=s42), got ${JSON.stringify(kv)}`)
    return [kv.slice(0, i), kv.slice(i + 1)]
  })
}

/** The flag a server-side parameter came from, for error messages. */
function flagOf(param: string, options: QueryOptions): string {
  if (['from', 'to', 'order', 'limit', 'top'].includes(param)) return `--${param}`
  return options.keys.some(([k]) => k === param) ? `--key ${param}` : param
}

/** GET /api/views/:view with the options as query parameters. */
export async function fetchView(base: string, view: string, options: QueryOptions, timeoutMs = 30_000): Promise<ViewAnswer> {
  const url = new URL(`api/views/${encodeURIComponent(view)}`, baseUrl(base))
  for (const [k, v] of options.keys) url.searchParams.append(k, v)
  if (options.from !== undefined) url.searchParams.set('from', options.from)
  if (options.to !== undefined) url.searchParams.set('to', options.to)
  if (options.order !== undefined) url.searchParams.set('order', options.order)
  if (options.limit !== undefined) url.searchParams.set('limit', String(options.limit))
  if (options.top !== undefined) url.searchParams.set('top', String(options.top))
  const where = url.origin
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : (cause?.code ?? cause?.message ?? (err as Error).message)
    throw new PulseError('PULSE_ERR_UNREACHABLE', [where, `${why}; is \`pulse start\` or \`pulse serve\` running there? (--url, or PULSE_HTTP_HOST/PULSE_HTTP_PORT)`], { cause: err })
  }
  let body: Record<string, unknown>
  try {
    body = (await res.json()) as Record<string, unknown>
  } catch {
    throw pulseError('PULSE_ERR_UNREACHABLE', where, `HTTP ${res.status} with an answer that is not JSON: is this a Pulse server?`)
  }
  if (res.ok) {
    if (!Array.isArray(body.rows)) throw pulseError('PULSE_ERR_UNREACHABLE', where, 'the answer has no rows: is this a Pulse server?')
    return body as unknown as ViewAnswer
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP ${res.status}`
  let message = typeof body.message === 'string' ? body.message : `HTTP ${res.status}`
  if (code === 'PULSE_ERR_UNKNOWN_VIEW') message = `no view named ${JSON.stringify(view)} at ${where}; \`pulse views\` lists them`
  else if (typeof body.param === 'string' && body.param !== '') {
    const flag = flagOf(body.param, options)
    message = message.startsWith(`${body.param}: `) ? `${flag}: ${message.slice(body.param.length + 2)}` : `${flag}: ${message}`
  }
  throw new QueryRefused(res.status, code, message)
}

/** The rows as a table, then a line on counts and freshness. */
export function formatAnswer(a: ViewAnswer): string {
  const columns: string[] = []
  for (const r of a.rows) for (const k of Object.keys(r)) if (k !== 'source' && k !== 'exact' && !columns.includes(k)) columns.push(k)
  columns.push('source')
  const estimated = new Set<string>()
  for (const r of a.rows) for (const [k, exact] of Object.entries(r.exact)) if (!exact) estimated.add(k)
  const lines = a.rows.length === 0 ? ['(no rows)'] : formatTable(a.rows as unknown as Row[], columns)
  const f = a.freshness
  const batch = f.batch === null ? 'no batch run' : `batch up to ${f.batch.cutoff}`
  const speed = `speed: ${f.speed.partitions} partitions, watermark ${f.speed.watermark.min ?? '-'}${f.speed.lag === null ? '' : `, lag ${f.speed.lag}`}`
  lines.push('', `${a.view}: ${a.rows.length} of ${a.total} rows${a.truncated ? ' (truncated: --limit for more)' : ''}; ${batch}; ${speed}`)
  if (estimated.size > 0) lines.push(`estimated (HyperLogLog, above 128 distinct values): ${[...estimated].join(', ')}`)
  return lines.join('\n')
}

export async function queryCommand(args: string[], config: PulseConfig): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      order: { type: 'string' },
      limit: { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  })
  if (positionals.length !== 1) throw pulseError('PULSE_ERR_CLI_USAGE', `pulse query: expected one view name (\`pulse views\` lists them), got ${positionals.length}`)
  const options: QueryOptions = { keys: keyFlags(v.key ?? []) }
  const from = instantFlag('from', v.from)
  const to = instantFlag('to', v.to)
  if (from !== undefined) options.from = from
  if (to !== undefined) options.to = to
  const order = orderFlag(v.order)
  if (order !== undefined) options.order = order
  if (v.limit !== undefined) options.limit = intArg('limit', v.limit, 0, 1)
  if (v.top !== undefined) options.top = intArg('top', v.top, 0, 1)
  const url = v.url ?? defaultUrl(config)
  baseUrl(url)
  try {
    const answer = await fetchView(url, positionals[0]!, options)
    console.log(v.json ? JSON.stringify(answer, null, 2) : formatAnswer(answer))
    return 0
  } catch (err) {
    if (!(err instanceof QueryRefused)) throw err
    console.error(`pulse query: ${err.message} [${err.code}]`)
    return err.status >= 400 && err.status < 500 ? 2 : 1
  }
}
