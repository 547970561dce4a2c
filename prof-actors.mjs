import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'
import { EventGenerator } from './dist/src/generator/generator.js'
import { runGenerator } from './dist/src/generator/run.js'
import { MemorySink } from './dist/src/generator/sinks.js'
import { PartitionActor } from './dist/actors/partition-actor.js'
import { partitionFor } from './dist/src/kafka/partitioner.js'
const mem = new MemorySink()
await runGenerator(new EventGenerator({ seed: 41, intensity: 20 }), mem, { count: 1_000_000, quiet: true })
const records = mem.records
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 100 }); await s.post('Profiler.start')
const actors = new Map(); const offsets = new Map()
const t0 = performance.now()
for (const r of records) {
  const p = partitionFor(r.key, 4); const id = `${r.topic}/${p}`
  let a = actors.get(id); if (a === undefined) actors.set(id, (a = new PartitionActor(r.topic, p)))
  const o = offsets.get(id) ?? 0; offsets.set(id, o + 1); a.apply(r.value, o)
}
console.log('s', (performance.now() - t0) / 1000, 'ev/s', records.length / ((performance.now() - t0) / 1000))
const { profile } = await s.post('Profiler.stop'); writeFileSync('/tmp/actors.cpuprofile', JSON.stringify(profile))
