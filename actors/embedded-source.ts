// Feeds the speed layer from the embedded in-process log (no Kafka): the same
// actors, opened for every partition of the log, consuming as the group
// `pulse-speed` would.
import type { InProcessLog, LogRecord } from '../src/sources/in-process-log.js'
import type { SpeedLayer } from './speed-layer.js'

export interface EmbeddedRunOptions {
  group?: string
  /** Stops consuming when aborted (after the layer has been handed what was polled). */
  signal?: AbortSignal
  /** Returns as soon as everything appended so far is consumed (replays, tests, benchmarks). */
  untilCaughtUp?: boolean
  /** Records per partition per poll. */
  pollMax?: number
}

/** Opens an actor per partition, then consumes until aborted (or caught up). Returns the records consumed. */
export async function runEmbedded(log: InProcessLog, layer: SpeedLayer, options: EmbeddedRunOptions = {}): Promise<number> {
  const consumer = log.subscribe(options.group ?? 'pulse-speed')
  for (const topic of log.topicNames) {
    for (let p = 0; p < log.partitions; p++) {
      if (!layer.owns(topic, p)) consumer.seek(topic, p, await layer.open(topic, p))
    }
  }
  let consumed = 0
  const run: LogRecord[] = []
  while (options.signal?.aborted !== true) {
    const records = await consumer.poll(options.pollMax ?? 4096, options.untilCaughtUp ? 0 : 100)
    if (records.length === 0 && options.untilCaughtUp && consumer.lag() === 0) break
    // poll returns each partition's records together, in offset order
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      run.push(r)
      const next = records[i + 1]
      if (next === undefined || next.partition !== r.partition || next.topic !== r.topic) {
        await layer.apply(r.topic, r.partition, run)
        consumed += run.length
        run.length = 0
      }
    }
  }
  await layer.drain()
  return consumed
}
