// Prometheus metrics of one serving node, in its own registry. Speed-layer
// figures are read from the actors' stats when scraped; HTTP latency is
// observed per request.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ActorCounters } from '../../actors/partition-actor.js'
import type { SnapshotReport } from '../../actors/speed-layer.js'
import type { HoldStats } from '../../actors/worker.js'
import { GC_PAUSE_BOUNDS_MS } from '../../actors/gc-pauses.js'
import type { GcPauses } from '../../actors/gc-pauses.js'
import type { StatsCache } from './freshness.js'
import type { BatchSource, SpeedSource } from './sources.js'
import type { RunManifest } from '../batch/runs.js'

/** Actor counters exported per topic, under the names operators look for. */
const OUTCOMES: Array<[string, keyof ActorCounters]> = [
  ['consumed', 'records'],
  ['valid', 'valid'],
  ['invalid', 'invalid'],
  ['duplicate', 'duplicates'],
  ['late', 'late'],
  ['dropped', 'dropped'],
  ['before_cutoff', 'beforeCutoff'],
  ['replayed', 'replayed'],
]

export class ServeMetrics {
  readonly registry = new Registry()
  readonly http: Histogram<'method' | 'route' | 'status'>
  private lastSnapshot: SnapshotReport | undefined

  constructor(stats: StatsCache, batch: BatchSource, speed: SpeedSource, lastRun: () => RunManifest | undefined = () => undefined) {
    const registers = [this.registry]
    const self = this
    const statsFor = () => stats.get()
    collectDefaultMetrics({ register: this.registry, prefix: 'pulse_' })
    this.http = new Histogram({
      name: 'pulse_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    })
    const snapshotBytes = new Gauge({ name: 'pulse_speed_snapshot_bytes', help: 'Bytes written by the last snapshot', registers })
    if (speed.holds !== undefined) {
      const holdsOf = speed.holds.bind(speed)
      // a scrape collects metrics concurrently: each counter reads the workers' holds itself
      const perWorker = (name: string, help: string, value: (h: HoldStats) => number) =>
        new Counter({
          name,
          help,
          labelNames: ['worker'],
          registers,
          async collect() {
            const all = await holdsOf()
            this.reset()
            all.forEach((h, i) => this.inc({ worker: String(i) }, value(h)))
          },
        })
      perWorker('pulse_speed_rank_holds_total', "Threshold reads that held a worker's state (top-N answers)", (h) => h.holds)
      perWorker('pulse_speed_rank_hold_seconds_total', 'Time a worker kept its batches waiting for top-N threshold reads, summed over holds', (h) => h.heldMs / 1000)
      perWorker('pulse_speed_rank_holds_expired_total', 'Threshold-read holds that ended at their limit before the read finished (it fell back to a full read)', (h) => h.expired)
    }
    // registerMetric's type names prom-client's own classes; the registry needs only name, get and reset
    if (speed.gcPauses !== undefined) this.registry.registerMetric(gcPauseHistogram(speed.gcPauses.bind(speed)) as never)
    const snapshotPause = new Gauge({ name: 'pulse_speed_snapshot_pause_seconds', help: 'Longest a worker stopped applying records to write one actor of the last snapshot', registers })
    new Histogram({
      name: 'pulse_speed_snapshot_duration_seconds',
      help: 'Time to snapshot every actor of this node to the store (snapshots seen at scrapes)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
      collect() {
        // the latest snapshot, when it is new since the last scrape (admin route, periodic snapshots)
        const snap = speed.lastSnapshot
        if (snap !== undefined && snap !== self.lastSnapshot) {
          self.lastSnapshot = snap
          this.observe(snap.ms / 1000)
          snapshotBytes.set(snap.bytes)
          snapshotPause.set(snap.pauseMs / 1000)
        }
      },
    })
    // counters rebuilt from the actors' own totals at each scrape (the actors own the counts)
    new Counter({
      name: 'pulse_speed_events_total',
      help: 'Records through the speed layer by topic and outcome',
      labelNames: ['topic', 'outcome'],
      registers,
      async collect() {
        const { stats } = await statsFor()
        this.reset()
        for (const s of stats) for (const [outcome, key] of OUTCOMES) this.inc({ topic: s.topic, outcome }, s.counters[key])
      },
    })
    new Gauge({
      name: 'pulse_speed_watermark_seconds',
      help: 'Watermark per partition (event time, epoch seconds)',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        const { stats } = await statsFor()
        this.reset()
        for (const s of stats) if (Number.isFinite(s.watermark)) this.set({ topic: s.topic, partition: String(s.partition) }, s.watermark / 1000)
      },
    })
    new Gauge({
      name: 'pulse_speed_actor_groups',
      help: 'Live (window, key) groups held by each partition actor',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        const { stats } = await statsFor()
        this.reset()
        for (const s of stats) this.set({ topic: s.topic, partition: String(s.partition) }, s.groups)
      },
    })
    new Gauge({
      name: 'pulse_speed_actor_entities',
      help: 'Pairing entities (sessions, deliveries, assignments) awaiting their end event per actor',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        const { stats } = await statsFor()
        this.reset()
        for (const s of stats) this.set({ topic: s.topic, partition: String(s.partition) }, s.entities)
      },
    })
    new Gauge({
      name: 'pulse_speed_lag_records',
      help: 'Records appended but not yet applied by the speed layer (when known)',
      registers,
      async collect() {
        const { lag } = await statsFor()
        if (lag !== null) this.set(lag)
      },
    })
    const run = () => batch.current()
    new Gauge({
      name: 'pulse_batch_cutoff_seconds',
      help: 'Cutoff of the served batch run (epoch seconds; events before it are batch-side)',
      registers,
      collect() {
        const m = run()
        if (m !== null) this.set(m.cutoff / 1000)
      },
    })
    new Gauge({
      name: 'pulse_batch_run_duration_seconds',
      help: 'Duration of the served batch run',
      registers,
      collect() {
        const m = run()
        if (m !== null) this.set(m.durationMs / 1000)
      },
    })
    new Gauge({
      name: 'pulse_batch_run_events',
      help: 'Events read by the served batch run',
      registers,
      collect() {
        const m = run()
        if (m !== null) this.set(m.input.events)
      },
    })
    new Gauge({
      name: 'pulse_batch_run_rows',
      help: 'Rows per view in the served batch run',
      labelNames: ['view'],
      registers,
      collect() {
        const m = run()
        this.reset()
        if (m !== null) for (const [view, info] of Object.entries(m.views)) this.set({ view }, info.rows)
      },
    })
    // the newest reconciled run: this node's last one (even when drift kept it unpublished), else the served one
    const reconciled = () => {
      const mine = lastRun()
      return mine?.reconciliation !== undefined ? mine : run()
    }
    new Gauge({
      name: 'pulse_batch_drift_ratio',
      help: 'Mean relative difference between batch and speed per view over the hours both held, in the newest reconciled run',
      labelNames: ['view'],
      registers,
      collect() {
        const m = reconciled()
        this.reset()
        if (m?.reconciliation !== undefined) for (const [view, info] of Object.entries(m.views)) if (info.drift !== undefined) this.set({ view }, info.drift)
      },
    })
    new Gauge({
      name: 'pulse_batch_drift_explained_cells',
      help: 'Differing cells explained by events the speed layer dropped (older than its retention), in the newest reconciled run',
      registers,
      collect() {
        const m = reconciled()
        if (m?.reconciliation !== undefined) this.set(m.reconciliation.explainedCells)
      },
    })
    new Gauge({
      name: 'pulse_batch_uncovered_views',
      help: 'Views the newest reconciled run did not compare, because the speed layer lacked some of their partitions (a member down or replaying)',
      registers,
      collect() {
        const m = reconciled()
        if (m?.reconciliation !== undefined) this.set(m.reconciliation.uncovered?.length ?? 0)
      },
    })
    new Gauge({
      name: 'pulse_batch_last_run_published',
      help: '1 when this node\'s last batch run was published, 0 when reconciliation kept it back',
      registers,
      collect() {
        const m = lastRun()
        if (m !== undefined) this.set(m.reconciliation !== undefined && m.reconciliation.flagged.length > 0 ? 0 : 1)
      },
    })
  }

  /** View queries' speed reads by outcome: sent to the workers, joined in flight, reused finished; threshold reads among those sent. */
  watchSpeedReads(reads: { reads: number; joined: number; reused: number; thresholdReads: number }, fallbacks: { count: number }): void {
    new Counter({
      name: 'pulse_serve_speed_reads_total',
      help: 'Speed reads of view queries: read (sent to the workers), joined (one in flight), reused (a finished one, within the staleness bound); of the reads sent, threshold (top-N by a threshold read) and threshold_fallback (its hold expired: answered by a full read)',
      labelNames: ['outcome'],
      registers: [this.registry],
      collect() {
        this.reset()
        this.inc({ outcome: 'read' }, reads.reads)
        this.inc({ outcome: 'joined' }, reads.joined)
        this.inc({ outcome: 'reused' }, reads.reused)
        this.inc({ outcome: 'threshold' }, reads.thresholdReads)
        this.inc({ outcome: 'threshold_fallback' }, fallbacks.count)
      },
    })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}

/**
 * The workers' garbage-collection pauses as one Prometheus histogram by worker
 * and kind. The workers count them in fixed buckets (gc-pauses.ts); prom-client's
 * Histogram only takes single observations, so this is a metric object of its
 * own that reports the workers' counts as they are (the registry asks it for
 * `get`, and for `reset` when reset: the counts are the workers', left as they are).
 */
function gcPauseHistogram(pauses: () => Promise<GcPauses[]>) {
  const name = 'pulse_speed_gc_pause_seconds'
  const help = "Garbage-collection pauses of the speed layer's worker threads (minor: young-generation scavenges; a read reaching a worker waits for its pause)"
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get() {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = []
      ;(await pauses()).forEach((w, i) => {
        for (const kind of ['minor', 'major'] as const) {
          const h = w[kind]
          const labels = { worker: String(i), kind }
          let below = 0
          GC_PAUSE_BOUNDS_MS.forEach((ms, b) => {
            below += h.buckets[b]!
            values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: ms / 1000 }, value: below })
          })
          values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count })
          values.push({ metricName: `${name}_sum`, labels, value: h.ms / 1000 })
          values.push({ metricName: `${name}_count`, labels, value: h.count })
        }
      })
      return { name, help, type: 'histogram', aggregator: 'sum', values }
    },
  }
}
