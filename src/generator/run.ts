// Drives a generator into a sink: batching, stop conditions (count of distinct
// valid events, or a span of event time), pacing (a rate, or live: event time
// follows the wall clock) and progress.
import type { EventGenerator, GeneratedRecord, RecordKind } from './generator.js'
import type { Sink } from './sinks.js'
import { Progress } from '../progress.js'
import { formatInstant } from '../events/time.js'
import { setTimeout as sleep } from 'node:timers/promises'

export interface RunLimits {
  /** Stop after this many distinct valid events (late ones included; duplicates and invalid ones extra). */
  count?: number
  /** Stop once event time has advanced this far (ms). */
  durationMs?: number
  /** Records per second (wall clock); unlimited when absent. */
  rate?: number
  /** Hold each record until the wall clock reaches its event time. */
  live?: boolean
  quiet?: boolean
  /** Stops the run early (e.g. on SIGINT); held records are still sent. */
  signal?: AbortSignal
  batchSize?: number
}

export interface RunSummary {
  records: number
  counts: Record<RecordKind, number>
  byTopic: Record<string, number>
  seconds: number
  recordsPerSecond: number
  eventTimeFrom: string
  eventTimeTo: string
}

export async function runGenerator(gen: EventGenerator, sink: Sink, limits: RunLimits): Promise<RunSummary> {
  const start = gen.clock
  const started = performance.now()
  const batchSize = limits.batchSize ?? (limits.live ? 100 : 1000)
  const progress = new Progress(`generate → ${sink.name}`, limits.count, { quiet: limits.quiet === true })
  const byTopic: Record<string, number> = {}
  let sent = 0
  const limit = limits.count ?? Infinity
  const done = () =>
    limits.signal?.aborted === true ||
    gen.produced >= limit ||
    (limits.durationMs !== undefined && gen.clock - start >= limits.durationMs)

  const flush = async (batch: GeneratedRecord[]) => {
    for (const r of batch) byTopic[r.topic] = (byTopic[r.topic] ?? 0) + 1
    await sink.write(batch)
    sent += batch.length
  }

  while (!done()) {
    const batch: GeneratedRecord[] = []
    while (batch.length < batchSize && !done()) {
      const r = gen.next(limit)
      if (r === undefined) break
      batch.push(r)
    }
    if (limits.live) {
      const ahead = gen.clock - Date.now()
      if (ahead > 0) await sleep(Math.min(ahead, 1000))
    }
    await flush(batch)
    if (limits.rate !== undefined) {
      const due = (sent / limits.rate) * 1000 - (performance.now() - started)
      if (due > 1) await sleep(due)
    }
    progress.update(limits.count !== undefined ? gen.produced : sent, `event time ${formatInstant(gen.clock)}`)
  }
  const rest = gen.drain()
  if (rest.length > 0) await flush(rest)
  const seconds = (performance.now() - started) / 1000
  const summary: RunSummary = {
    records: sent,
    counts: { ...gen.counts },
    byTopic,
    seconds,
    recordsPerSecond: Math.round(sent / seconds),
    eventTimeFrom: formatInstant(start),
    eventTimeTo: formatInstant(gen.clock),
  }
  const c = summary.counts
  progress.finish(
    `${sent.toLocaleString('en-US')} records in ${seconds.toFixed(1)}s: ${c.valid} valid, ${c.late} late, ` +
      `${c.duplicate} duplicate, ${c.invalid} invalid`,
  )
  return summary
}
