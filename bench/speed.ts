// Speed-layer throughput with all 62 views live: the embedded replay path (the
// in-process log → actors in worker threads) with, as peers in the same run,
// validation alone and the actors without workers (one thread, no transfer).
//
//   npx tsc -p . && node dist/bench/speed.js [events] [workers]
import { pathToFileURL } from 'node:url'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventGenerator } from '../src/generator/generator.js'
import { MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { EventValidator } from '../src/events/validate.js'
import { InProcessLog } from '../src/sources/in-process-log.js'
import { LocalStore } from '../src/store/local-store.js'
import { SpeedLayer } from '../actors/speed-layer.js'
import { runEmbedded } from '../actors/embedded-source.js'
import { applyOnOneThread } from './one-thread.js'
import { printTable, saveResult } from './report.js'

const PARTITIONS = 4

export async function runSpeedBench(events = 1_000_000, workers = 2): Promise<void> {
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 41, intensity: 20 }), mem, { count: events, quiet: true })
  const records = mem.records
  const n = records.length

  // peer 1: validation alone (JSON.parse + the contract), one thread
  const v = new EventValidator()
  let t0 = performance.now()
  for (const r of records) v.check(r.topic, r.value)
  const validateSeconds = (performance.now() - t0) / 1000

  // peer 2: the actors on this thread, no workers, no batches
  t0 = performance.now()
  const actors = applyOnOneThread(records, PARTITIONS)
  const inlineSeconds = (performance.now() - t0) / 1000
  let groups = 0
  for (const a of actors.values()) groups += a.size.groups
  actors.clear()

  // the speed layer: embedded log → actors in worker threads
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-speed-'))
  const layer = new SpeedLayer(new LocalStore(dir), { workers, restore: false })
  const log = new InProcessLog({ partitions: PARTITIONS, capacity: n + 1 })
  await log.append(records)
  t0 = performance.now()
  await runEmbedded(log, layer, { untilCaughtUp: true })
  const layerSeconds = (performance.now() - t0) / 1000
  await layer.close()
  rmSync(dir, { recursive: true, force: true })

  const row = (path: string, seconds: number) => ({ path, records: n, seconds: Math.round(seconds * 100) / 100, 'events/s': Math.round(n / seconds), 'vs validate only': Math.round((validateSeconds / seconds) * 100) / 100 })
  const rows = [
    row(`embedded log → actors in ${workers} worker threads (62 views)`, layerSeconds),
    row('peer: actors on one thread, no workers', inlineSeconds),
    row('peer: validation alone, one thread', validateSeconds),
  ]
  printTable(`Speed layer, in-process replay of ${n.toLocaleString('en-US')} records, ${PARTITIONS} partitions per topic, ${groups.toLocaleString('en-US')} live groups`, rows)
  const path = saveResult('speed-inprocess', { events: n, workers, groups, rows })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runSpeedBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined)
