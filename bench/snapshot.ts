// Actor snapshots: how long a worker is paused writing them, how big they are,
// and how long a restore takes. The actors of every partition are filled on
// this thread from generated records (all 62 views live), then snapshotted and
// restored several rounds; the best round is kept (the others carry the GC and
// the JIT's warm-up). Peer in the same run: copying the snapshot's bytes, the
// least any snapshot of that size costs.
//
//   npx tsc -p . && node --expose-gc dist/bench/snapshot.js [events] [rounds]
import { pathToFileURL } from 'node:url'
import { EventGenerator } from '../src/generator/generator.js'
import { MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { PartitionActor } from '../actors/partition-actor.js'
import { applyOnOneThread } from './one-thread.js'
import { printTable, saveResult } from './report.js'

const PARTITIONS = 4
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

export async function runSnapshotBench(events = 400_000, rounds = 6): Promise<void> {
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 43, intensity: 20 }), mem, { count: events, quiet: true })
  const actors = applyOnOneThread(mem.records, PARTITIONS)
  const n = mem.records.length
  mem.records.length = 0
  let groups = 0
  for (const a of actors.values()) groups += a.size.groups

  const best = { write: Infinity, longest: Infinity, restore: Infinity, copy: Infinity }
  let bytes = 0
  for (let round = 0; round < rounds; round++) {
    gc()
    const snaps: Uint8Array[] = []
    let longest = 0
    const t0 = performance.now()
    for (const a of actors.values()) {
      const t = performance.now()
      snaps.push(a.snapshot())
      longest = Math.max(longest, performance.now() - t)
    }
    const write = performance.now() - t0
    bytes = snaps.reduce((s, b) => s + b.length, 0)

    const t1 = performance.now()
    for (const b of snaps) b.slice()
    const copy = performance.now() - t1

    gc()
    const t2 = performance.now()
    let i = 0
    for (const a of actors.values()) new PartitionActor(a.topic, a.partition).restore(snaps[i++]!)
    const restore = performance.now() - t2
    best.write = Math.min(best.write, write)
    best.longest = Math.min(best.longest, longest)
    best.restore = Math.min(best.restore, restore)
    best.copy = Math.min(best.copy, copy)
  }

  const ms = (x: number) => Math.round(x * 10) / 10
  const rows = [
    { what: `write every actor's snapshot (${actors.size} actors)`, ms: ms(best.write), 'MB/s': Math.round(bytes / 1e3 / best.write), 'vs copy': Math.round(best.write / best.copy) },
    { what: 'longest single actor (a worker pause)', ms: ms(best.longest), 'MB/s': '', 'vs copy': '' },
    { what: 'restore every actor', ms: ms(best.restore), 'MB/s': Math.round(bytes / 1e3 / best.restore), 'vs copy': Math.round(best.restore / best.copy) },
    { what: 'peer: copy the snapshot bytes', ms: ms(best.copy), 'MB/s': Math.round(bytes / 1e3 / best.copy), 'vs copy': 1 },
  ]
  printTable(`Actor snapshots after ${n.toLocaleString('en-US')} records: ${groups.toLocaleString('en-US')} live groups, ${(bytes / 1e6).toFixed(1)} MB, best of ${rounds} rounds`, rows)
  const path = saveResult('snapshot', { events: n, groups, bytes, rounds, bestMs: best, rows })
  process.stdout.write(`results written to ${path}\n`)
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) await runSnapshotBench(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined)
