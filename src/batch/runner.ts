// One batch run: every view recomputed from the master dataset up to a cutoff.
//   1. list the master dataset's files of hours before the cutoff;
//   2. spread the (topic, partition) units over worker threads, largest first:
//      a Kafka partition holds every event of its keys, so pairings and event-id
//      dedupe are complete within a unit; whole topics stay on one worker unless
//      there are more workers than topics (see assignUnits);
//   3. fetch files on the main thread (a bounded number in flight) and hand the
//      bytes to the unit's worker, whose native engine scans them;
//   4. collect each engine's serialized partials (decoded and merged across
//      workers only when a view's rows are needed);
//   5. write each view's Parquet and partial under the run's folder, then publish
//      the manifest (src/batch/runs.ts) and prune old runs.
// One run at a time per process (`BatchRunner`); a failed run publishes nothing.
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { ObjectStore } from '../store/object-store.js'
import type { Topic } from '../events/contract.js'
import { TOPICS } from '../events/contract.js'
import { HOUR, formatInstant } from '../events/time.js'
import { CATALOG, viewNamed } from '../../views/catalog/index.js'
import { deserializePartial, mergePartials, serializePartial } from '../../views/state/partial.js'
import type { ViewPartial } from '../../views/state/partial.js'
import { pulseError } from '../errors.js'
import type { BatchTask, FinishResult } from './worker.js'
import { viewParquet } from './output.js'
import { newRunId, publishRun, pruneRuns, viewParquetKey, viewPartialKey } from './runs.js'
import type { RunManifest, ViewRunInfo } from './runs.js'
import type { Reconciler } from './reconcile.js'
import { readManifest } from '../ingest/partition-writer.js'

export interface MasterFile {
  key: string
  size: number
  topic: Topic
  hour: number
  partition: number
}

export interface BatchProgress {
  phase: 'list' | 'scan' | 'merge' | 'reconcile' | 'write' | 'publish'
  files: number
  filesTotal: number
  bytes: number
  rows: number
}


export interface BatchOptions {
  prefix: string
  /** Kafka topic prefix: the master dataset's files are named after the physical topics. */
  topicPrefix: string
  workers: number
  /**
   * Exclusive hour boundary; default: the start of the newest hour in the master
   * dataset, and with `reconcile`, no later than the hour the speed side has passed.
   */
  cutoff?: number
  /** Runs kept in the store (the published one is never deleted). */
  keepRuns: number
  /** Files fetched ahead of the workers. */
  prefetch: number
  /** Split a topic's partitions over workers (default: only with more workers than topics). */
  split?: boolean
  /** Write views and publish; false computes only (benchmarks). */
  publish: boolean
  /** Compares the run with the speed layer before publishing (reconcile.ts); a run that drifts too far is not published. */
  reconcile?: Reconciler
  onProgress?: (p: BatchProgress) => void
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = {
  prefix: '',
  topicPrefix: '',
  workers: Math.max(1, availableParallelism()),
  keepRuns: 3,
  prefetch: 4,
  publish: true,
}

export interface BatchResult {
  manifest: RunManifest
  /** A view's partial state (decoded, and merged across workers, on first use). */
  partial(view: string): ViewPartial
  /** Each view's partials as the workers serialized them. */
  partialBytes: Map<string, Uint8Array[]>
  published: boolean
  /** Why the run was not published, when it was not. */
  reason?: string
  timings: { listMs: number; scanMs: number; mergeMs: number; writeMs: number }
}

const MASTER = /master_dataset\/topic=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/p(\d+)-[^/]*\.parquet$/

/** The master dataset's files, with topic, event-time hour and Kafka partition read from the key. */
export async function listMasterFiles(store: ObjectStore, prefix = '', topicPrefix = ''): Promise<MasterFile[]> {
  const out: MasterFile[] = []
  for await (const o of store.list(`${prefix}master_dataset/`)) {
    const m = MASTER.exec(o.key)
    if (m === null || !m[1]!.startsWith(topicPrefix)) continue
    const topic = m[1]!.slice(topicPrefix.length)
    if (!(TOPICS as readonly string[]).includes(topic)) continue
    out.push({ key: o.key, size: o.size, topic: topic as Topic, hour: Date.parse(`${m[2]}T${m[3]}:00:00Z`), partition: Number(m[4]) })
  }
  return out
}

/** The default cutoff: every hour before the newest one with data is taken as complete. */
export function defaultCutoff(files: readonly MasterFile[]): number {
  let newest = -Infinity
  for (const f of files) if (f.hour > newest) newest = f.hour
  return Number.isFinite(newest) ? newest : 0
}

interface Unit {
  topic: Topic
  partition: number
  files: MasterFile[]
  bytes: number
}

/**
 * Units to workers, largest first onto the least loaded. A topic's units stay
 * on one worker unless `split`: merging partials of one view across workers
 * costs more in JavaScript than the imbalance of whole topics saves on a few
 * cores (measured in bench/batch.ts), so splitting is for more workers than topics.
 */
export function assignUnits(files: readonly MasterFile[], workers: number, split = workers > TOPICS.length): Unit[][] {
  const units = new Map<string, Unit>()
  for (const f of files) {
    const id = `${f.topic}/${f.partition}`
    let u = units.get(id)
    if (u === undefined) units.set(id, (u = { topic: f.topic, partition: f.partition, files: [], bytes: 0 }))
    u.files.push(f)
    u.bytes += f.size
  }
  const total = [...units.values()].reduce((s, u) => s + u.bytes, 0)
  const fair = total / workers
  const byTopic = new Map<Topic, Unit[]>()
  for (const u of units.values()) byTopic.set(u.topic, [...(byTopic.get(u.topic) ?? []), u])
  const out: Unit[][] = Array.from({ length: workers }, () => [])
  const load = new Array<number>(workers).fill(0)
  const lightest = () => load.indexOf(Math.min(...load))
  const blocks: Unit[][] = []
  for (const list of byTopic.values()) {
    const size = list.reduce((s, u) => s + u.bytes, 0)
    if (!split || size <= fair) blocks.push(list)
    else for (const u of list) blocks.push([u])
  }
  const sizeOf = (b: Unit[]) => b.reduce((s, u) => s + u.bytes, 0)
  blocks.sort((a, b) => sizeOf(b) - sizeOf(a))
  for (const block of blocks) {
    const w = lightest()
    out[w]!.push(...block)
    load[w]! += sizeOf(block)
  }
  return out
}

function workerFile(): string {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.js') ? join(dirname(here), 'worker.js') : resolve(dirname(here), '..', '..', 'dist', 'src', 'batch', 'worker.js')
}

/** One view's partial from the serialized partials of the workers that computed it. */
function mergedPartial(name: string, list: readonly Uint8Array[]): ViewPartial {
  const def = viewNamed(name)
  if (def === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `no view named ${name}`)
  const decoded = list.map((b) => deserializePartial(def, b))
  return decoded.length === 0 ? { view: name, groups: new Map() } : decoded.reduce((a, b) => mergePartials(def, a, b))
}

/** Runs one batch computation over `store`; see the file comment. */
export async function runBatch(store: ObjectStore, options: Partial<BatchOptions> = {}): Promise<BatchResult> {
  const o = { ...DEFAULT_BATCH_OPTIONS, ...options }
  const started = Date.now()
  const t0 = performance.now()
  const progress: BatchProgress = { phase: 'list', files: 0, filesTotal: 0, bytes: 0, rows: 0 }
  const report = () => o.onProgress?.({ ...progress })
  report()
  const all = await listMasterFiles(store, o.prefix, o.topicPrefix)
  if (all.length === 0) throw pulseError('PULSE_ERR_BATCH_INPUT', `${o.prefix}master_dataset/`, 'no files yet: ingest events first')
  // beside a speed layer, no later than the hour its slowest partition and
  // ingestion have passed (ingestion alone for a partition the speed side did
  // not report): hours before that are complete on every partition, unless
  // events come late
  const stored = (topic: string, partition: number) => readManifest(store, o.prefix, o.topicPrefix + topic, partition)
  const partitions = [...new Map(all.map((f) => [`${f.topic}/${f.partition}`, { topic: f.topic, partition: f.partition }])).values()]
  const passed = o.cutoff === undefined ? await o.reconcile?.latestCutoff(stored, partitions) : undefined
  const cutoff = o.cutoff ?? (passed === undefined ? defaultCutoff(all) : Math.min(defaultCutoff(all), passed))
  if (cutoff % HOUR !== 0) throw pulseError('PULSE_ERR_BATCH_INPUT', 'cutoff', `${formatInstant(cutoff)} is not an hour boundary`)
  const files = all.filter((f) => f.hour + HOUR <= cutoff)
  progress.filesTotal = files.length
  const since = o.reconcile === undefined ? undefined : await o.reconcile.since(cutoff)
  const overlapFrom = since === undefined ? Infinity : since - o.reconcile!.lookbackMs
  const t1 = performance.now()

  const plan = assignUnits(files, o.workers, o.split)
  const pools = plan.map(
    () => new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: 1, idleTimeout: Infinity, concurrentTasksPerWorker: 1 }),
  )
  const results: FinishResult[] = []
  let input = { files: 0, bytes: 0, events: 0, duplicates: 0 }
  try {
    progress.phase = 'scan'
    const queue = plan.flatMap((units, w) => units.flatMap((u) => u.files.map((f) => ({ f, w }))))
    let next = 0
    const pump = async (): Promise<void> => {
      while (next < queue.length) {
        const { f, w } = queue[next++]!
        const bytes = await store.get(f.key)
        const task: BatchTask = { op: 'scan', topic: f.topic, key: f.key, bytes }
        if (f.hour + HOUR > overlapFrom) task.since = since!
        const rows = (await pools[w]!.run(task)) as number
        progress.files++
        progress.bytes += f.size
        progress.rows += rows
        report()
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, o.prefetch) }, pump))
    for (const [w, units] of plan.entries()) {
      for (const topic of new Set(units.map((u) => u.topic))) results.push((await pools[w]!.run({ op: 'finish', topic } satisfies BatchTask)) as FinishResult)
    }
  } finally {
    await Promise.all(pools.map((p) => p.destroy()))
  }
  const t2 = performance.now()

  progress.phase = 'merge'
  report()
  const parts = new Map<string, Uint8Array[]>()
  const overlapParts = new Map<string, Uint8Array[]>()
  for (const r of results) {
    input.events += r.stats.rows
    input.duplicates += r.stats.duplicates
    r.views.forEach((v, i) => parts.set(v, [...(parts.get(v) ?? []), r.partials[i]!]))
    r.overlap?.forEach((b, i) => overlapParts.set(r.views[i]!, [...(overlapParts.get(r.views[i]!) ?? []), b]))
  }
  input = { ...input, files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) }
  for (const v of CATALOG) if (!parts.has(v.name)) parts.set(v.name, []) // topics with no files yet
  // decoding into JavaScript objects is left to whoever needs a view's rows
  const decoded = new Map<string, ViewPartial>()
  const partial = (name: string): ViewPartial => {
    let p = decoded.get(name)
    if (p === undefined) decoded.set(name, (p = mergedPartial(name, parts.get(name) ?? [])))
    return p
  }
  const t3 = performance.now()

  const runId = newRunId(started, cutoff)
  const views: Record<string, ViewRunInfo> = {}
  for (const name of parts.keys()) views[name] = { rows: 0, groups: 0, parquetBytes: 0, partialBytes: 0 }
  const manifest: RunManifest = {
    version: 1,
    runId,
    cutoff,
    cutoffIso: formatInstant(cutoff),
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationMs: 0,
    input,
    views,
  }
  let published = false
  let reason: string | undefined
  if (since !== undefined) {
    progress.phase = 'reconcile'
    report()
    const { views: drifts, ...summary } = await o.reconcile!.compare(since, cutoff, (name) => mergedPartial(name, overlapParts.get(name) ?? []))
    for (const [name, d] of Object.entries(drifts)) if (views[name] !== undefined) views[name]!.drift = d.drift
    manifest.reconciliation = summary
    if (summary.flagged.length > 0) {
      reason = `drift from the speed layer above ${summary.threshold} in ${summary.flagged.length} view(s), largest ${summary.maxDrift.toFixed(4)} in ${summary.maxDriftView}`
    }
  }
  let t4 = t3
  if (o.publish) {
    progress.phase = 'write'
    report()
    for (const [name, list] of parts) {
      const def = viewNamed(name)!
      const p = partial(name)
      decoded.delete(name) // one view's objects at a time
      const parquet = viewParquet(def, p)
      const partialBytes = list.length === 1 ? list[0]! : serializePartial(def, p)
      await store.put(viewParquetKey(o.prefix, runId, name), parquet.bytes)
      await store.put(viewPartialKey(o.prefix, runId, name), partialBytes)
      views[name] = { ...views[name]!, rows: parquet.rows, groups: p.groups.size, parquetBytes: parquet.bytes.length, partialBytes: partialBytes.length }
    }
    t4 = performance.now()
    manifest.finishedAt = new Date().toISOString()
    manifest.durationMs = Math.round(t4 - t0)
    if (reason === undefined) {
      progress.phase = 'publish'
      report()
      const publication = await publishRun(store, manifest, o.prefix)
      if (publication.published) {
        await pruneRuns(store, o.keepRuns, o.prefix)
        published = true
      } else {
        reason = publication.reason
        await store.put(`${o.prefix}_batch/runs/${runId}/manifest.json`, JSON.stringify({ ...manifest, rejected: reason }, null, 2))
      }
    } else {
      // kept for inspection, never published
      await store.put(`${o.prefix}_batch/runs/${runId}/manifest.json`, JSON.stringify({ ...manifest, rejected: reason }, null, 2))
    }
  } else {
    manifest.finishedAt = new Date().toISOString()
    manifest.durationMs = Math.round(t3 - t0)
  }
  return {
    manifest,
    partial,
    partialBytes: parts,
    published,
    ...(reason === undefined ? {} : { reason }),
    timings: { listMs: t1 - t0, scanMs: t2 - t1, mergeMs: t3 - t2, writeMs: t4 - t3 },
  }
}
