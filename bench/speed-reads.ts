// Speed-layer read latency under ingestion, without HTTP: the part of a view
// query's time spent at the workers. Records are generated before the clock and
// appended to the embedded log at each event rate while this thread sends one
// point read at a time to the speed layer (the read the view route makes for
// `video_popularity?video_id=…`), 5 ms apart. Beside the latencies, the
// workers' garbage-collection pauses over the same seconds (a read reaching a
// worker in a pause waits for it). With a snapshot period, the speed layer also
// snapshots periodically as `pulse speed` does (each worker's actors spread over
// half the period), and the rows say how long a worker wrote one actor and how
// often reads ran in the middle of one. Writes bench/results/speed-reads.json.
//   node dist/bench/speed-reads.js [seconds per rate] [rates, comma-separated] [snapshot period s, 0: none]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { EventGenerator, DEFAULT_GENERATOR_OPTIONS, intensityForRate } from '../src/generator/generator.js'
import { MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import type { GeneratedRecord } from '../src/generator/generator.js'
import { InProcessLog } from '../src/sources/in-process-log.js'
import { LocalStore } from '../src/store/local-store.js'
import { SpeedLayer, snapshotPeriodically } from '../actors/speed-layer.js'
import type { SnapshotReport } from '../actors/speed-layer.js'
import { runEmbedded } from '../actors/embedded-source.js'
import { GC_PAUSE_BOUNDS_MS, pausesSince } from '../actors/gc-pauses.js'
import type { GcPauses } from '../actors/gc-pauses.js'
import { percentile, printTable, saveResult } from './report.js'
import type { Row } from './report.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const WARMUP_S = 5

/** The records, made in a function of their own so the generator's world is dropped with it. */
async function pregenerate(rate: number, count: number): Promise<GeneratedRecord[]> {
  const options = { ...DEFAULT_GENERATOR_OPTIONS, seed: 5, start: Date.now(), warmupMs: 600_000 }
  const sink = new MemorySink()
  await runGenerator(new EventGenerator({ ...options, intensity: intensityForRate(rate, options.students) }), sink, { count, quiet: true, batchSize: 10_000 })
  return sink.records
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

export async function runSpeedReadsBench(seconds = 15, rates: readonly number[] = [0, 25_000, 50_000], snapshotEveryS = 0): Promise<void> {
  const top = Math.max(...rates)
  // the warm-up at the highest rate, then each rate's run in turn
  const count = top * WARMUP_S + rates.reduce((sum, r) => sum + r * (seconds + 1), 0)
  process.stdout.write(`generating ${count.toLocaleString('en-US')} records…\n`)
  const records = await pregenerate(top, count)
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-reads-'))
  const log = new InProcessLog({ partitions: 4 })
  const layer = new SpeedLayer(new LocalStore(dir), { restore: false })
  const stop = new AbortController()
  const consuming = runEmbedded(log, layer, { signal: stop.signal })
  let sent = 0
  /** Appends records at `rate` per second for `forMs` (or until they run out). */
  const feedAt = async (rate: number, forMs: number) => {
    const t0 = performance.now()
    const from = sent
    while (performance.now() - t0 < forMs && sent < records.length) {
      const due = Math.min(records.length, from + Math.floor(((performance.now() - t0) / 1000) * rate))
      if (due > sent) {
        await log.append(records.slice(sent, due))
        sent = due
      }
      await sleep(5)
    }
  }
  await feedAt(top, WARMUP_S * 1000) // actors open, groups exist
  const snapshots: SnapshotReport[] = []
  const stopSnapshots = snapshotEveryS > 0 ? snapshotPeriodically(snapshotEveryS * 1000, async (spreadMs) => snapshots.push(await layer.snapshot({ spreadMs }))) : () => undefined
  const video = records.find((r) => r.topic === 'video_topic')
  const videoId = video === undefined ? 'c1-v1' : (JSON.parse(video.value) as { video_id: string }).video_id
  const applied = async () => (await layer.stats()).reduce((s, a) => s + a.counters.records, 0)

  const rows: Row[] = []
  for (const rate of rates) {
    while ((await applied()) < sent) await sleep(50) // the previous rate's records are in
    const gc0 = await layer.gcPauses()
    const before = await applied()
    const snapshotsBefore = snapshots.length
    const latencies: number[] = []
    const feeding = feedAt(rate, seconds * 1000)
    const t0 = performance.now()
    while (performance.now() - t0 < seconds * 1000) {
      const q0 = performance.now()
      await layer.queryBytes('video_popularity', { keys: { video_id: videoId } })
      latencies.push(performance.now() - q0)
      await sleep(5)
    }
    await feeding
    const elapsed = (performance.now() - t0) / 1000
    const ingested = ((await applied()) - before) / elapsed
    const gc1 = await layer.gcPauses()
    const since = gc1.map((w, i) => ({ minor: pausesSince(w.minor, gc0[i]!.minor), major: pausesSince(w.major, gc0[i]!.major) }) satisfies GcPauses)
    const perWorker = (f: (g: GcPauses) => number) => since.reduce((s, g) => s + f(g), 0) / since.length / elapsed
    // pauses longer than 10 ms: the buckets after the 10 ms bound
    const long = GC_PAUSE_BOUNDS_MS.indexOf(10) + 1
    const longer = (h: { buckets: number[] }) => h.buckets.slice(long).reduce((a, b) => a + b, 0)
    const taken = snapshots.slice(snapshotsBefore)
    const snapshotColumns =
      snapshotEveryS > 0
        ? { snapshots: taken.length, 'longest actor ms': round(Math.max(0, ...taken.map((r) => r.pauseMs)), 1), 'read turns': taken.reduce((n, r) => n + r.readTurns, 0) }
        : {}
    rows.push({
      'events/s asked': rate,
      'events/s applied': Math.round(ingested),
      reads: latencies.length,
      'p50 ms': round(percentile(latencies, 50)),
      'p90 ms': round(percentile(latencies, 90)),
      'p99 ms': round(percentile(latencies, 99)),
      'p99.9 ms': round(percentile(latencies, 99.9)),
      'max ms': round(Math.max(...latencies)),
      '>10 ms %': round((latencies.filter((l) => l > 10).length / latencies.length) * 100),
      // per worker and second
      'scavenges /s': round(perWorker((g) => g.minor.count), 1),
      'gc ms/s': round(perWorker((g) => g.minor.ms + g.major.ms), 1),
      'pauses >10 ms /s': round(perWorker((g) => longer(g.minor) + longer(g.major)), 2),
      ...snapshotColumns,
    })
  }
  stopSnapshots()
  stop.abort()
  await consuming
  await layer.close()
  rmSync(dir, { recursive: true, force: true })
  const snapshotting = snapshotEveryS > 0 ? `, a snapshot every ${snapshotEveryS} s` : ''
  printTable(`Speed-layer point reads (video_popularity by video_id, one at a time, 5 ms apart) while ingesting, ${layer.options.workers} workers, ${seconds} s per rate${snapshotting}; GC columns per worker`, rows)
  const path = saveResult('speed-reads', { seconds, workers: layer.options.workers, snapshotEveryS, rows })
  process.stdout.write(`\nwrote ${path}\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rates = process.argv[3]?.split(',').map(Number)
  await runSpeedReadsBench(Number(process.argv[2] ?? 15), rates, Number(process.argv[4] ?? 0))
}
