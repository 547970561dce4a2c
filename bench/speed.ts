// Speed-layer throughput with all 62 views live: the embedded replay path (the
// in-process log → actors in worker threads) with, as peers in the same run,
// validation alone and the actors without workers (one thread, no transfer).
// Each path runs twice over consecutive halves of one generated stream: cold
// (fresh threads: V8 still compiling and recompiling the hot code, pools and
// tables growing) and warm (the same threads and actors taking the next
// events, the steady state of a long-running node).
//
//   npx tsc -p . && node dist/bench/speed.js [events per half] [workers]
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
import { OneThreadActors } from './one-thread.js'
import { printTable, saveResult } from './report.js'

const PARTITIONS = 4

export async function runSpeedBench(events = 1_000_000, workers = 2): Promise<void> {
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 41, intensity: 20 }), mem, { count: 2 * events, quiet: true })
  const all = mem.records
  const half = all.length >> 1
  const halves = [all.slice(0, half), all.slice(half)] as const

  // peer 1: validation alone (JSON.parse + the contract), one thread
  const v = new EventValidator()
  let t0 = performance.now()
  for (const r of halves[0]) v.check(r.topic, r.value)
  const validateSeconds = (performance.now() - t0) / 1000

  // peer 2: the actors on this thread, no workers
  const one = new OneThreadActors(PARTITIONS)
  const inlineSeconds = halves.map((records) => {
    const t = performance.now()
    one.apply(records)
    return (performance.now() - t) / 1000
  })
  let groups = 0
  for (const a of one.actors.values()) groups += a.size.groups
  one.actors.clear()

  // the speed layer: embedded log → actors in worker threads
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-speed-'))
  const layer = new SpeedLayer(new LocalStore(dir), { workers, restore: false })
  const log = new InProcessLog({ partitions: PARTITIONS, capacity: all.length + 1 })
  const layerSeconds: number[] = []
  for (const records of halves) {
    await log.append(records)
    t0 = performance.now()
    await runEmbedded(log, layer, { untilCaughtUp: true })
    layerSeconds.push((performance.now() - t0) / 1000)
  }
  await layer.close()
  rmSync(dir, { recursive: true, force: true })

  // validation's rate is the yardstick: the ratio compares rates, whatever the half's size
  const validateRate = half / validateSeconds
  const row = (path: string, records: number, seconds: number) => ({ path, records, seconds: Math.round(seconds * 100) / 100, 'events/s': Math.round(records / seconds), 'vs validate only': Math.round((records / seconds / validateRate) * 100) / 100 })
  const [first, second] = [halves[0].length, halves[1].length]
  const rows = [
    row(`embedded log → actors in ${workers} worker threads (62 views), cold`, first, layerSeconds[0]!),
    row(`embedded log → actors in ${workers} worker threads (62 views), warm`, second, layerSeconds[1]!),
    row('peer: actors on one thread, no workers, cold', first, inlineSeconds[0]!),
    row('peer: actors on one thread, no workers, warm', second, inlineSeconds[1]!),
    row('peer: validation alone, one thread', first, validateSeconds),
  ]
  printTable(`Speed layer, in-process replay of ${half.toLocaleString('en-US')} records cold, then the next ${(all.length - half).toLocaleString('en-US')} warm; ${PARTITIONS} partitions per topic, ${groups.toLocaleString('en-US')} live groups after both`, rows)
  const path = saveResult('speed-inprocess', { events: half, workers, groups, rows })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runSpeedBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined)
