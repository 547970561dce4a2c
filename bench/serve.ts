// Query latency under ingestion: the embedded generator feeds the speed layer
// at a target event rate while autocannon sends a fixed request rate at one
// query shape at a time. Prints p50/p99 per shape, the main thread's event-loop
// delay meanwhile (the generator, the source and autocannon share that thread
// with the server: a stall there delays every request in flight), and writes
// bench/results/serve.json.
//   node dist/bench/serve.js [events/s] [requests/s] [seconds]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../src/generator/generator.js'
import { LogSink } from '../src/generator/sinks.js'
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runServeBench(eventRate = 50_000, requestRate = 2_000, seconds = 10): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-serve-'))
  const store = new LocalStore(dir)
  const log = new InProcessLog({ partitions: 4 })
  const layer = new SpeedLayer(store, { restore: false })
  const batch = new StoreBatchSource(store, { beforeSwap: (run) => layer.setCutoff(run.cutoff) })
  await batch.start()
  const stop = new AbortController()
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: 3, start: Date.now(), warmupMs: 600_000 }
  const generator = new EventGenerator({ ...options, intensity: intensityForRate(eventRate, options.students) })
  const producing = runGenerator(generator, new LogSink(log), { live: true, quiet: true, signal: stop.signal })
  const server = await startServer({ host: '127.0.0.1', port: 0, adminToken: undefined }, { speed: speedSourceOf(layer), batch, store })
  await sleep(5000) // warm up: actors open, windows and groups exist

  const applied = async () => (await layer.stats()).reduce((s, a) => s + a.counters.records, 0)
  const video = ((await (await fetch(`${server.url}api/views/video_popularity?order=-plays&limit=1`)).json()) as { rows: Array<{ video_id: string }> }).rows[0]?.video_id ?? 'c1-v1'
  const shapes = [
    { name: 'point: video_popularity?video_id', path: `api/views/video_popularity?video_id=${encodeURIComponent(video)}` },
    { name: 'top-10: video_realtime_popular_videos', path: `api/views/video_realtime_popular_videos?top=10&from=${new Date(Date.now() - 300_000).toISOString()}` },
  ]
  const rows: Row[] = []
  for (const shape of shapes) {
    const before = await applied()
    const t0 = performance.now()
    const loop = monitorEventLoopDelay({ resolution: 2 })
    loop.enable()
    const result = await autocannon({ url: server.url + shape.path, connections: 50, overallRate: requestRate, duration: seconds })
    loop.disable()
    const ingested = ((await applied()) - before) / ((performance.now() - t0) / 1000)
    rows.push({
      query: shape.name,
      'target req/s': requestRate,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p90 ms': result.latency.p90,
      'p99 ms': result.latency.p99,
      'max ms': result.latency.max,
      errors: result.errors + result.non2xx,
      'loop p99 ms': Math.round(loop.percentile(99) / 1e6),
      'loop max ms': Math.round(loop.max / 1e6),
      'events/s applied': Math.round(ingested),
    })
  }
  stop.abort()
  await consuming
  await producing
  batch.close()
  await server.close()
  await layer.close()
  rmSync(dir, { recursive: true, force: true })

  printTable(`Query latency while ingesting (target ${eventRate.toLocaleString()} events/s, ${requestRate.toLocaleString()} requests/s, ${seconds} s per query shape)`, rows)
  const path = saveResult('serve', { eventRate, requestRate, seconds, workers: layer.options.workers, results: rows })
  process.stdout.write(`wrote ${path}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [events, requests, seconds] = process.argv.slice(2).map(Number)
  await runServeBench(events || undefined, requests || undefined, seconds || undefined)
}
