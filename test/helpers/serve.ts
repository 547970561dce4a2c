// A serving node for tests: generated records through a real speed layer (the
// embedded log, worker threads), a published batch run before an hour cutoff
// in a LocalStore, and the Fastify app over both.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InProcessLog } from '../../src/sources/in-process-log.js'
import { LocalStore } from '../../src/store/local-store.js'
import { HOUR } from '../../src/events/time.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import { runEmbedded } from '../../actors/embedded-source.js'
import { StoreBatchSource } from '../../src/serve/batch-source.js'
import { speedSourceOf } from '../../src/serve/sources.js'
import { buildApp } from '../../src/serve/app.js'
import type { AppOptions, PulseApp } from '../../src/serve/app.js'
import type { TimedEvent } from '../../views/evaluate.js'
import { records, validEvents } from './stream.js'
import { publishBatchSide } from './batch-side.js'

export interface ServingFixture extends PulseApp {
  store: LocalStore
  layer: SpeedLayer
  batch: StoreBatchSource
  events: TimedEvent[]
  cutoff: number
  close(): Promise<void>
}

export async function servingFixture(options: { seed?: number; count?: number; batch?: boolean; workers?: number } & Partial<Pick<AppOptions, 'adminToken' | 'triggerBatch'>> = {}): Promise<ServingFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-serve-'))
  const store = new LocalStore(dir)
  const input = records(options.seed ?? 21, options.count ?? 20_000)
  const events = validEvents(input)
  const times = events.map((e) => e.time).sort((a, b) => a - b)
  const cutoff = Math.floor(times[Math.floor(times.length / 2)]! / HOUR) * HOUR
  if (options.batch !== false) await publishBatchSide(store, input, cutoff)

  const layer = new SpeedLayer(store, { workers: options.workers ?? 2, actor: { retentionMs: 12 * HOUR } })
  const batch = new StoreBatchSource(store, { pollMs: 200, beforeSwap: (run) => layer.setCutoff(run.cutoff) })
  await batch.start()
  const log = new InProcessLog({ partitions: 4, capacity: 1_000_000 })
  await log.append(input)
  await runEmbedded(log, layer, { untilCaughtUp: true })
  const built = await buildApp({ speed: speedSourceOf(layer, async () => 0), batch, store, adminToken: options.adminToken, triggerBatch: options.triggerBatch })
  return {
    ...built,
    store,
    layer,
    batch,
    events,
    cutoff,
    async close() {
      batch.close()
      await built.app.close()
      await layer.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
