// Query latency under ingestion. The records are generated before the clock
// starts and appended to the embedded log at the target event rate (generating
// them live would cost the server's thread more than ingesting them does), the
// speed layer applies them in its workers, and a load generator in a child
// process sends a fixed request rate at one query shape at a time, after a
// few seconds of the same load not counted (SHAPE_WARMUP_S): the paced
// open-loop load of paced-load.ts (requests evenly spaced, latency from when
// each was due), then autocannon (bursts at the top of each second; see
// paced-load.ts for why its figures are not a constant rate's). Prints p50/p99 per
// shape and load, the events the speed layer applied per second meanwhile, and the main
// thread's event-loop delay (the log feeder and the source share that thread
// with the server), the paced load's p99 wait in the client before a request
// was written (all its connections busy), and the share of requests the server itself handled within
// 10 ms by its own latency histogram, and the share of time threshold reads
// held the workers; writes bench/results/serve.json, with each paced run's
// slowest request per 100 ms (timelines). Last, the floor rows: each load
// against a bare Fastify route on the same thread answering the top-10 query's
// bytes, what the load tool and HTTP cost on this machine. The speed layer has the
// worker threads a serving node gets (PULSE_SPEED_WORKERS, else one core fewer
// than the machine's: servingWorkers in actors/speed-layer.ts).
//   node --expose-gc dist/bench/serve.js [events/s] [requests/s] [seconds] [paced,autocannon]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../src/generator/generator.js'
import type { GeneratedRecord } from '../src/generator/generator.js'
import { runGenerator } from '../src/generator/run.js'
import { InProcessLog } from '../src/sources/in-process-log.js'
import { LocalStore } from '../src/store/local-store.js'
import { SpeedLayer, workersFor } from '../actors/speed-layer.js'
import { loadConfig } from '../src/config.js'
import { runEmbedded } from '../actors/embedded-source.js'
import { startServer } from '../src/serve/server.js'
import { StoreBatchSource } from '../src/serve/batch-source.js'
import { speedSourceOf } from '../src/serve/sources.js'
import { printTable, saveResult } from './report.js'
import type { Row } from './report.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const WARMUP_S = 5
/**
 * Load on each shape before its measured run, not counted: the first second or
 * two of a route's first load under ingestion ran far behind (a point p99 of
 * 120-440 ms, all of it in the first 2 s; docs/serving.md, "The first seconds
 * of a shape"). Its p99 is printed beside the measured run's.
 */
const SHAPE_WARMUP_S = 3

interface LoadResult {
  requests: { average: number; total: number }
  latency: { p50: number; p90: number; p99: number; max: number }
  errors: number
  timeouts: number
  non2xx: number
  /** paced load only: how long requests waited in the client before being written (p99), how many waited for a connection */
  client?: { waitP99: number; timerLateP99: number; waited: number }
  /** paced load only: the highest latency among requests due in each 100 ms of the run (ms) */
  timeline?: number[]
}

type LoadTool = 'paced' | 'autocannon'
const LOAD_SCRIPTS: Record<LoadTool, string> = { paced: 'paced-load.js', autocannon: 'http-load.js' }

/** A load generator in a child process (bench/paced-load.ts, bench/http-load.ts). */
function load(tool: LoadTool, url: string, rate: number, seconds: number): Promise<LoadResult> {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), LOAD_SCRIPTS[tool])
  const child = spawn(process.execPath, [script, url, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`${LOAD_SCRIPTS[tool]} exited with ${code}`))))
  })
}

/**
 * Pre-generated records held compactly: keys and values back to back in large
 * strings, with end positions. Millions of small strings would make every
 * major collection of the server's heap mark them all, stalling the event loop
 * that the bench measures; a few hundred large strings cost marking nothing,
 * and the records sliced out of them are views, not copies.
 */
class RecordReel {
  private readonly chunks: Array<{ text: string; ends: Uint32Array; topics: Uint8Array; keyEnds: Uint32Array }> = []
  private readonly topicNames: string[] = []
  length = 0

  add(records: readonly GeneratedRecord[]): void {
    const ends = new Uint32Array(records.length)
    const keyEnds = new Uint32Array(records.length)
    const topics = new Uint8Array(records.length)
    const parts: string[] = []
    let pos = 0
    records.forEach((r, i) => {
      let t = this.topicNames.indexOf(r.topic)
      if (t < 0) t = this.topicNames.push(r.topic) - 1
      topics[i] = t
      parts.push(r.key, r.value)
      keyEnds[i] = pos += r.key.length
      ends[i] = pos += r.value.length
    })
    this.chunks.push({ text: parts.join(''), ends, topics, keyEnds })
    this.length += records.length
  }

  /** Records [from, to) as the log takes them. */
  slice(from: number, to: number): Array<{ topic: string; key: string; value: string }> {
    const out: Array<{ topic: string; key: string; value: string }> = []
    let base = 0
    for (const c of this.chunks) {
      const n = c.ends.length
      for (let i = Math.max(0, from - base); i < n && base + i < to; i++) {
        const start = i === 0 ? 0 : c.ends[i - 1]!
        out.push({ topic: this.topicNames[c.topics[i]!]!, key: c.text.slice(start, c.keyEnds[i]!), value: c.text.slice(c.keyEnds[i]!, c.ends[i]!) })
      }
      base += n
      if (base >= to) break
    }
    return out
  }
}

/**
 * The records of a run, generated before the clock starts. The generator stays
 * inside this function: its simulated world (open sessions, pending events)
 * held about 400 MB of live objects after 1.7M records, which the server's
 * thread would otherwise mark at every major collection of the run.
 */
async function pregenerate(eventRate: number, count: number): Promise<RecordReel> {
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: 3, start: Date.now(), warmupMs: 600_000 }
  const reel = new RecordReel()
  await runGenerator(new EventGenerator({ ...options, intensity: intensityForRate(eventRate, options.students) }), new ReelSink(reel), { count, quiet: true, batchSize: 10_000 })
  return reel
}

/** Sink filling a reel. */
class ReelSink {
  readonly name = 'reel'
  constructor(readonly reel: RecordReel) {}
  async write(records: readonly GeneratedRecord[]): Promise<void> {
    this.reel.add(records)
  }
  async close(): Promise<void> {}
}

/**
 * Requests to the view route by the server's own latency histogram (total, and
 * within 10 ms), and how many waited for a speed read in flight (joined).
 */
async function served(url: string): Promise<{ total: number; within10ms: number; joined: number; heldSeconds: number }> {
  const text = await (await fetch(`${url}metrics`)).text()
  const count = (le: string) => {
    let n = 0
    for (const line of text.split('\n')) {
      if (line.startsWith('pulse_http_request_duration_seconds_bucket{') && line.includes('route="/api/views/:name"') && line.includes(`le="${le}"`)) n += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    return n
  }
  const joined = /^pulse_serve_speed_reads_total\{outcome="joined"\} (\d+)/m.exec(text)
  // summed over workers: threshold reads' holds (batches waiting)
  const heldSeconds = [...text.matchAll(/^pulse_speed_rank_hold_seconds_total\{worker="\d+"\} ([\d.e+-]+)$/gm)].reduce((a, m) => a + Number(m[1]), 0)
  return { total: count('+Inf'), within10ms: count('0.01'), joined: joined === null ? 0 : Number(joined[1]), heldSeconds }
}

/** The columns every row has: the load generator's figures. */
function loadColumns(query: string, tool: LoadTool, requestRate: number, warmup: LoadResult, result: LoadResult): Row {
  return {
    query,
    load: tool,
    'target req/s': requestRate,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p90 ms': result.latency.p90,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    // the shape's warm-up just before (not in the other columns)
    'warm-up p99 ms': warmup.latency.p99,
    // of the latency, the part spent in the client before the request was written (paced load)
    'client wait p99 ms': result.client?.waitP99 ?? '-',
    // of that wait, the load generator's own lateness (its timer, waiting for a core)
    'client late p99 ms': result.client?.timerLateP99 ?? '-',
    errors: result.errors + result.non2xx + result.timeouts,
  }
}

const FLOOR_QUERY = 'floor: the top-10 answer from a bare Fastify route'
/** The floor rows' columns that only a Pulse server has. */
const NOT_PULSE: Row = { 'server ≤10 ms %': '-', 'waited for a read %': '-', 'workers held %': '-', 'loop p99 ms': '-', 'loop max ms': '-', 'events/s applied': 0 }

/**
 * A Fastify route with nothing behind it, answering a fixed body, on this
 * thread: what the load generator and HTTP on this machine cost without Pulse
 * (autocannon's bursts alone gave p99 9-26 ms against it; docs/serving.md).
 */
async function floorServer(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify()
  app.get('/floor', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/floor`, close: () => app.close() }
}

/** Appends the reel's records to the log at `rate` per second until they run out or `signal` aborts. */
async function feed(log: InProcessLog, reel: RecordReel, rate: number, signal: AbortSignal): Promise<void> {
  const t0 = performance.now()
  let sent = 0
  while (!signal.aborted && sent < reel.length) {
    const due = Math.min(reel.length, Math.floor(((performance.now() - t0) / 1000) * rate))
    if (due > sent) {
      await log.append(reel.slice(sent, due))
      sent = due
    }
    await sleep(5)
  }
}

export async function runServeBench(eventRate = 50_000, requestRate = 2_000, seconds = 10, tools: readonly LoadTool[] = ['paced', 'autocannon']): Promise<void> {
  const runs = 2 * tools.length
  // records for the warm-up and the loaded runs; the peer runs ingest nothing
  const count = eventRate * (WARMUP_S + runs * (SHAPE_WARMUP_S + seconds + 4) + 5)
  process.stdout.write(`generating ${count.toLocaleString('en-US')} records…\n`)
  const reel = await pregenerate(eventRate, count)

  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-serve-'))
  const store = new LocalStore(dir)
  const log = new InProcessLog({ partitions: 4 })
  // as a serving node has them (PULSE_SPEED_WORKERS, else a core left to the serving thread)
  const layer = new SpeedLayer(store, { restore: false, workers: workersFor(loadConfig().speedWorkers, true) })
  const batch = new StoreBatchSource(store, { beforeSwap: (run) => layer.setCutoff(run.cutoff) })
  await batch.start()
  const stop = new AbortController()
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  const stopFeeding = new AbortController()
  const feeding = feed(log, reel, eventRate, stopFeeding.signal)
  const server = await startServer({ host: '127.0.0.1', port: 0, adminToken: undefined }, { speed: speedSourceOf(layer), batch, store })
  await sleep(WARMUP_S * 1000) // actors open, windows and groups exist
  // Generating the reel left the serving thread's old generation full of garbage
  // (about 1.5 GB here), and until a full collection frees it every scavenge of
  // that thread pays for it: a median 6.5-6.8 ms against 1.3-1.4 ms with
  // ingestion stopped (docs/serving.md, "Where a slow request waits"). A node
  // that has run a while has had its full collections; so the clock starts
  // after one. It needs node --expose-gc; without it the title says so.
  const gc = (globalThis as { gc?: () => void }).gc
  const collected = gc !== undefined
  if (collected) {
    gc()
    await sleep(1000) // the feeder catches up on what it could not append meanwhile
  }

  const applied = async () => (await layer.stats()).reduce((s, a) => s + a.counters.records, 0)
  const video = ((await (await fetch(`${server.url}api/views/video_popularity?order=-plays&limit=1`)).json()) as { rows: Array<{ video_id: string }> }).rows[0]?.video_id ?? 'c1-v1'
  const latest = ((await (await fetch(`${server.url}api/views/video_realtime_popular_videos?order=-window_start&limit=1`)).json()) as { rows: Array<{ window_start: string }> }).rows[0]?.window_start
  const from = new Date((latest === undefined ? Date.now() : Date.parse(latest)) - 240_000).toISOString()
  const shapes = [
    { name: 'point: video_popularity?video_id', path: `api/views/video_popularity?video_id=${encodeURIComponent(video)}` },
    { name: 'top-10: video_realtime_popular_videos', path: `api/views/video_realtime_popular_videos?top=10&from=${from}` },
  ]
  const rows: Row[] = []
  /** paced runs: the slowest request due in each 100 ms, for the JSON (where in a run its tail was) */
  const timelines: Array<{ query: string; load: LoadTool; warmup?: number[]; measured: number[] }> = []
  const measure = async (label: string) => {
    for (const tool of tools) for (const shape of shapes) {
      const warmup = await load(tool, server.url + shape.path, requestRate, SHAPE_WARMUP_S)
      const before = await applied()
      const server0 = await served(server.url)
      const t0 = performance.now()
      const loop = monitorEventLoopDelay({ resolution: 2 })
      loop.enable()
      const result = await load(tool, server.url + shape.path, requestRate, seconds)
      loop.disable()
      if (result.timeline !== undefined) timelines.push({ query: `${shape.name}${label}`, load: tool, warmup: warmup.timeline, measured: result.timeline })
      const ingested = ((await applied()) - before) / ((performance.now() - t0) / 1000)
      const server1 = await served(server.url)
      const inServer = server1.total - server0.total
      rows.push({
        ...loadColumns(`${shape.name}${label}`, tool, requestRate, warmup, result),
        // from parsing the request to sending the reply: the query path, without the queueing before it
        'server ≤10 ms %': inServer === 0 ? 0 : Math.round(((server1.within10ms - server0.within10ms) / inServer) * 1000) / 10,
        // requests that found no read within the staleness bound and waited for one to the workers
        'waited for a read %': inServer === 0 ? 0 : Math.round(((server1.joined - server0.joined) / inServer) * 1000) / 10,
        // the share of the run's time the average worker spent held by threshold reads (top-N)
        'workers held %': Math.round(((server1.heldSeconds - server0.heldSeconds) / layer.options.workers / ((performance.now() - t0) / 1000)) * 1000) / 10,
        'loop p99 ms': Math.round(loop.percentile(99) / 1e6),
        'loop max ms': Math.round(loop.max / 1e6),
        'events/s applied': Math.round(ingested),
      })
    }
  }
  await measure('')
  // the peer: the same state and queries with ingestion stopped, what the
  // serving path costs on its own on this machine
  stopFeeding.abort()
  await feeding
  for (let last = -1, now = await applied(); now !== last; last = now, now = await applied()) await sleep(500)
  await measure(' (peer: ingestion stopped)')
  // the load tools' floor: the same answer's bytes from a bare route on this thread
  const floor = await floorServer(await (await fetch(server.url + shapes[1]!.path)).text())
  for (const tool of tools) {
    const warmup = await load(tool, floor.url, requestRate, SHAPE_WARMUP_S)
    const result = await load(tool, floor.url, requestRate, seconds)
    rows.push({ ...loadColumns(FLOOR_QUERY, tool, requestRate, warmup, result), ...NOT_PULSE })
  }
  await floor.close()
  stop.abort()
  await consuming
  batch.close()
  await server.close()
  await layer.close()
  rmSync(dir, { recursive: true, force: true })

  printTable(`Query latency while ingesting (${eventRate.toLocaleString('en-US')} events/s appended, ${requestRate.toLocaleString('en-US')} requests/s, ${seconds} s per query shape, ${layer.options.workers} speed worker${layer.options.workers === 1 ? '' : 's'}, load from a separate process${collected ? '' : '; the generator\'s garbage not collected first: run with node --expose-gc'})`, rows)
  const path = saveResult('serve', { eventRate, requestRate, seconds, workers: layer.options.workers, loads: tools, collectedFirst: collected, shapeWarmupSeconds: SHAPE_WARMUP_S, results: rows, timelines })
  process.stdout.write(`wrote ${path}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [events, requests, seconds] = process.argv.slice(2, 5).map(Number)
  const tools = process.argv[5]?.split(',')
  if (tools !== undefined && !tools.every((t): t is LoadTool => t in LOAD_SCRIPTS)) {
    process.stderr.write(`unknown load in ${process.argv[5]}: choose from ${Object.keys(LOAD_SCRIPTS).join(', ')}\n`)
    process.exit(2)
  }
  await runServeBench(events || undefined, requests || undefined, seconds || undefined, tools)
}
