// Drives a replay: reads record batches, sends them to the target as fast as it
// takes them (`max`) or at N× their event-time pace, and meanwhile polls the
// target's speed layer for visibility (latency) and samples its consumer lag.
import { setTimeout as sleep } from 'node:timers/promises'
import { Progress } from '../progress.js'
import { Pacer, eventTimeOf } from './event-time.js'
import { VisibilityTracker, weightedPercentiles } from './visibility.js'
import type { ReplayRecord, ReplayTarget, SentBatch } from './target.js'

export interface ReplayOptions {
  /** `max`, or a multiple of the records' original pace */
  speed: 'max' | number
  /** Records per send. */
  batchSize: number
  /** Lag sample interval (ms). */
  sampleEveryMs: number
  /** How long to wait, once everything is sent, for the speed layer to apply it (ms). */
  waitMs: number
  quiet: boolean
  signal?: AbortSignal
  /** Labels for the report. */
  source: string
}

export interface LagSample {
  /** seconds since the first send */
  s: number
  /** records acknowledged by the target so far */
  sent: number
  /** records the speed layer has applied since the replay began */
  applied: number
  /** end offsets − the speed layer's positions, over every partition */
  lag: number
}

export interface ReplaySummary {
  source: string
  target: string
  speed: 'max' | number
  /** records read from the source */
  read: number
  /** records acknowledged by the target */
  sent: number
  /** records on topics outside the event contract, not sent */
  skipped: number
  /** key + value bytes sent (UTF-8) */
  bytes: number
  /** first send → last acknowledgement */
  sendSeconds: number
  eventsPerSecond: number
  mbPerSecond: number
  /** first send → every sent record visible in the speed layer */
  visibleSeconds: number
  visibleEventsPerSecond: number
  /** every sent record became visible within the wait */
  complete: boolean
  latencyMs: { batches: number; records: number; p50: number; p90: number; p99: number; max: number }
  lag: LagSample[]
  speedLayer: { workers: number; records: number; valid: number; invalid: number; duplicates: number; late: number; dropped: number }
}

/**
 * Paced records due within this many ms go with the batch being built: batches
 * of a few hundred records instead of one send per record gap, for at most this
 * much error in the pace.
 */
const PACE_TICK_MS = 10

/** Sleeps `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined)
}

const round = (x: number, digits = 0) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x)

export async function runReplay(source: AsyncIterable<readonly ReplayRecord[]>, target: ReplayTarget, o: ReplayOptions): Promise<ReplaySummary> {
  const layer = target.layer
  const tracker = new VisibilityTracker()
  const pacer = o.speed === 'max' ? undefined : new Pacer(o.speed)
  const progress = new Progress(`replay → ${target.name}`, undefined, { quiet: o.quiet })
  let read = 0
  let skipped = 0
  let sent = 0
  let bytes = 0
  let failure: Error | undefined
  const applied = new Map<string, number>(target.startOffsets)
  const lag: LagSample[] = []

  // visibility: one stats round trip at a time, as a reader polling the layer would
  let polling = true
  const poller = (async () => {
    while (polling) {
      const stats = await layer.stats()
      const now = performance.now()
      for (const s of stats) applied.set(`${s.topic}/${s.partition}`, s.nextOffset)
      tracker.check(applied, now)
      await sleep(10)
    }
  })()
  poller.catch((err: Error) => (failure ??= err))

  let started = NaN
  const appliedSinceStart = () => {
    let n = 0
    for (const [id, at] of applied) n += at - (target.startOffsets.get(id) ?? 0)
    return n
  }
  const sample = async () => {
    const ends = await target.endOffsets()
    let behind = 0
    for (const [id, end] of ends) behind += Math.max(0, end - (applied.get(id) ?? target.startOffsets.get(id) ?? 0))
    lag.push({ s: round((performance.now() - started) / 1000, 1), sent, applied: appliedSinceStart(), lag: behind })
  }
  const sampling = new AbortController()
  let sampler: Promise<void> = Promise.resolve()
  const startSampling = () => {
    sampler = (async () => {
      while (!sampling.signal.aborted) {
        await pause(o.sampleEveryMs, sampling.signal)
        if (!sampling.signal.aborted) await sample()
      }
    })()
    sampler.catch((err: Error) => (failure ??= err))
  }

  // sends: up to `concurrency` in flight, each acknowledged batch handed to the tracker
  let inflight = 0
  let wake: (() => void) | undefined
  const flush = async (batch: ReplayRecord[]) => {
    if (batch.length === 0) return
    while (inflight >= target.concurrency) await new Promise<void>((r) => (wake = r))
    if (Number.isNaN(started)) {
      started = performance.now()
      lag.push({ s: 0, sent: 0, applied: 0, lag: 0 })
      startSampling()
    }
    inflight++
    progress.update(sent, `lag ${lag.at(-1)?.lag ?? 0}`)
    target.send(batch).then(
      (b: SentBatch) => {
        sent += b.records
        tracker.expect(b)
      },
      (err: Error) => (failure ??= err),
    ).finally(() => {
      inflight--
      const w = wake
      wake = undefined
      w?.()
    })
  }
  const stopped = () => failure !== undefined || layer.failure !== undefined || o.signal?.aborted === true

  let batch: ReplayRecord[] = []
  try {
    outer: for await (const chunk of source) {
      for (let i = 0; i < chunk.length; i++) {
        const r = chunk[i]!
        read++
        if (!target.accepts(r.topic)) {
          skipped++
          continue
        }
        if (pacer !== undefined) {
          const due = pacer.due(eventTimeOf(r.value))
          const ahead = due - performance.now()
          if (ahead > PACE_TICK_MS) {
            await flush(batch)
            batch = []
            await pause(ahead, o.signal)
            if (stopped()) break outer
          }
        }
        batch.push(r)
        bytes += Buffer.byteLength(r.key) + Buffer.byteLength(r.value)
        if (batch.length >= o.batchSize) {
          await flush(batch)
          batch = []
          if (stopped()) break outer
        }
      }
      // paced: what is due now goes now, not when the batch fills
      if (pacer !== undefined && batch.length > 0) {
        await flush(batch)
        batch = []
      }
    }
    if (!stopped()) await flush(batch)
    while (inflight > 0) await new Promise<void>((r) => (wake = r))
  } catch (err) {
    // a bad line or a failed read: stop the loops before giving up
    while (inflight > 0) await new Promise<void>((r) => (wake = r))
    sampling.abort()
    polling = false
    await Promise.allSettled([sampler, poller])
    throw err
  }
  const sendEnd = performance.now()
  progress.finish(`${sent.toLocaleString('en-US')} records sent in ${((sendEnd - started) / 1000).toFixed(1)}s${skipped > 0 ? `, ${skipped} skipped (topics outside the contract)` : ''}`)

  // the speed layer catches up (or the wait runs out)
  const visibleBefore = tracker.visibleRecords
  const waiting = new Progress('replay: speed layer applying', sent - visibleBefore, { quiet: o.quiet })
  const deadline = performance.now() + o.waitMs
  while (tracker.pending > 0 && failure === undefined && layer.failure === undefined && performance.now() < deadline && o.signal?.aborted !== true) {
    waiting.update(tracker.visibleRecords - visibleBefore, `lag ${lag.at(-1)?.lag ?? '?'}`)
    await sleep(50)
  }
  const complete = tracker.pending === 0 && tracker.visibleRecords === sent
  sampling.abort()
  await sampler
  polling = false
  await poller
  if (!Number.isNaN(started) && failure === undefined) await sample()
  waiting.finish(complete ? `every record visible after ${((tracker.lastVisibleAt - started) / 1000).toFixed(1)}s` : `${tracker.visibleRecords.toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} records visible`)
  if (failure !== undefined) throw failure
  if (layer.failure !== undefined) throw layer.failure

  const finalStats = await layer.stats()
  const sum = (k: 'records' | 'valid' | 'invalid' | 'duplicates' | 'late' | 'dropped') => finalStats.reduce((s, a) => s + a.counters[k], 0)
  const sendSeconds = Number.isNaN(started) ? 0 : (sendEnd - started) / 1000
  const visibleSeconds = complete && sent > 0 ? (tracker.lastVisibleAt - started) / 1000 : NaN
  const [p50, p90, p99, max] = weightedPercentiles(tracker.latencies, tracker.weights, [50, 90, 99, 100])
  return {
    source: o.source,
    target: target.name,
    speed: o.speed,
    read,
    sent,
    skipped,
    bytes,
    sendSeconds: round(sendSeconds, 2),
    eventsPerSecond: round(sendSeconds > 0 ? sent / sendSeconds : 0),
    mbPerSecond: round(sendSeconds > 0 ? bytes / 1e6 / sendSeconds : 0, 2),
    visibleSeconds: round(visibleSeconds, 2),
    visibleEventsPerSecond: round(sent / visibleSeconds),
    complete,
    latencyMs: { batches: tracker.latencies.length, records: tracker.visibleRecords, p50: round(p50!), p90: round(p90!), p99: round(p99!), max: round(max!) },
    lag,
    speedLayer: { workers: layer.options.workers, records: sum('records'), valid: sum('valid'), invalid: sum('invalid'), duplicates: sum('duplicates'), late: sum('late'), dropped: sum('dropped') },
  }
}
