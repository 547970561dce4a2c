// What a top-N query costs the serving process, ingestion stopped: the speed
// layer applies `events` generated records (as bench/serve.ts generates them,
// at 50,000 events/s of simulated time), then a paced load generator in a child
// process (paced-load.ts) asks a top-10 of the 5-minute sliding windows of the
// last 4 minutes at each rate for `seconds`. At low rates each request is its
// own threshold read (views/state/rank.ts), so the process CPU per request is
// what one read costs all threads; at high rates requests share reads.
//
//   npx tsc -p . && node dist/bench/top-reads.js [events] [rates] [seconds]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEFAULT_GENERATOR_OPTIONS, EventGenerator, intensityForRate } from '../src/generator/generator.js'
import { MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { InProcessLog } from '../src/sources/in-process-log.js'
import { LocalStore } from '../src/store/local-store.js'
import { SpeedLayer } from '../actors/speed-layer.js'
import { runEmbedded } from '../actors/embedded-source.js'
import { startServer } from '../src/serve/server.js'
import { StoreBatchSource } from '../src/serve/batch-source.js'
import { speedSourceOf } from '../src/serve/sources.js'
import { printTable, saveResult } from './report.js'
import type { Row } from './report.js'

interface PacedResult {
  requests: { average: number }
  latency: { p50: number; p90: number; p99: number; max: number }
  errors: number
  non2xx: number
}

function paced(url: string, rate: number, seconds: number): Promise<PacedResult> {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'paced-load.js')
  const child = spawn(process.execPath, [script, url, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as PacedResult) : reject(new Error(`paced-load.js exited with ${code}`))))
  })
}

export async function runTopReadsBench(events = 1_000_000, rates: readonly number[] = [50, 500, 2000], seconds = 10): Promise<void> {
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: 3, start: Date.now(), warmupMs: 600_000 }
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ ...options, intensity: intensityForRate(50_000, options.students) }), mem, { count: events, quiet: true, batchSize: 10_000 })
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-top-'))
  const store = new LocalStore(dir)
  const log = new InProcessLog({ partitions: 4, capacity: mem.records.length + 1 })
  await log.append(mem.records)
  const applied = mem.records.length
  mem.records.length = 0
  const layer = new SpeedLayer(store, { restore: false })
  const batch = new StoreBatchSource(store, { beforeSwap: (run) => layer.setCutoff(run.cutoff) })
  await batch.start()
  await runEmbedded(log, layer, { untilCaughtUp: true })
  const server = await startServer({ host: '127.0.0.1', port: 0, adminToken: undefined }, { speed: speedSourceOf(layer), batch, store })
  const latest = ((await (await fetch(`${server.url}api/views/video_realtime_popular_videos?order=-window_start&limit=1`)).json()) as { rows: Array<{ window_start: string }> }).rows[0]?.window_start
  const from = new Date((latest === undefined ? Date.now() : Date.parse(latest)) - 240_000).toISOString()
  const url = `${server.url}api/views/video_realtime_popular_videos?top=10&from=${from}`
  const rows: Row[] = []
  for (const rate of rates) {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await paced(url, rate, seconds)
    const cpu = process.cpuUsage(cpu0)
    const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - t0)
    rows.push({
      'req/s': Math.round(r.requests.average),
      'p50 ms': r.latency.p50,
      'p90 ms': r.latency.p90,
      'p99 ms': r.latency.p99,
      'max ms': r.latency.max,
      errors: r.errors + r.non2xx,
      // every thread of the serving process (the load generator is another process)
      'process CPU, cores': Math.round(cores * 100) / 100,
      'CPU ms per request': Math.round(((cores * 1000) / r.requests.average) * 100) / 100,
    })
  }
  await server.close()
  batch.close()
  await layer.close()
  rmSync(dir, { recursive: true, force: true })
  printTable(`Top-10 reads of video_realtime_popular_videos over the last 4 minutes, ${applied.toLocaleString('en-US')} events applied, ingestion stopped, ${seconds} s per rate`, rows)
  const path = saveResult('top-reads', { events: applied, seconds, workers: layer.options.workers, results: rows })
  process.stdout.write(`wrote ${path}\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [events, rates, seconds] = process.argv.slice(2, 5)
  await runTopReadsBench(Number(events) || undefined, rates === undefined ? undefined : rates.split(',').map(Number), Number(seconds) || undefined)
}
