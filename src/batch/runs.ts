// Published batch runs in the object store. A run writes everything under its
// own folder first, then one PUT of `_batch/current.json` publishes it: a reader
// that starts from that pointer sees the previous run or the new one, never a
// mix. Layout (after the store prefix):
//
//   _batch/current.json                         the published run's manifest
//   _batch/runs/<run id>/manifest.json          each run's manifest, published or not
//   _batch/runs/<run id>/views/<view>.parquet   rows, for DuckDB/Spark and people
//   _batch/runs/<run id>/partials/<view>.bin    mergeable partial state (views/state/partial.ts)
//
// The serving layer merges the partials with the speed layer's; the Parquet
// files are the interchange form.
import type { ObjectStore } from '../store/object-store.js'
import { viewNamed } from '../../views/catalog/index.js'
import { deserializePartial } from '../../views/state/partial.js'
import type { ViewPartial } from '../../views/state/partial.js'
import { pulseError } from '../errors.js'
import type { Reconciliation } from './reconcile.js'

export interface ViewRunInfo {
  rows: number
  groups: number
  parquetBytes: number
  partialBytes: number
  /** Mean relative difference from the speed layer over the hours both held (reconcile.ts), when compared. */
  drift?: number
}

export interface RunManifest {
  version: 1
  runId: string
  /** Exclusive hour boundary (ms): the run holds every event with time < cutoff. */
  cutoff: number
  cutoffIso: string
  startedAt: string
  finishedAt: string
  durationMs: number
  input: { files: number; bytes: number; events: number; duplicates: number }
  views: Record<string, ViewRunInfo>
  /** Set when the run was compared with the speed layer before publishing. */
  reconciliation?: Reconciliation
}

export const currentKey = (prefix: string): string => `${prefix}_batch/current.json`
export const runFolder = (prefix: string, runId: string): string => `${prefix}_batch/runs/${runId}/`
export const viewParquetKey = (prefix: string, runId: string, view: string): string => `${runFolder(prefix, runId)}views/${view}.parquet`
export const viewPartialKey = (prefix: string, runId: string, view: string): string => `${runFolder(prefix, runId)}partials/${view}.bin`

/** Run ids sort by time: `20261122T000000Z-<cutoff hour>`. */
export function newRunId(now: number, cutoff: number): string {
  const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  return `${stamp(now)}-c${stamp(cutoff).slice(0, 11)}`
}

function parseManifest(raw: Buffer): RunManifest {
  const m = JSON.parse(raw.toString('utf8')) as RunManifest
  if (m.version !== 1) throw pulseError('PULSE_ERR_INVALID_STATE', `batch manifest version ${String(m.version)}`)
  return m
}

/** The published run, or null before the first one. */
export async function currentRun(store: ObjectStore, prefix = ''): Promise<RunManifest | null> {
  const raw = await store.tryGet(currentKey(prefix))
  return raw === undefined ? null : parseManifest(raw)
}

/**
 * Whether published run `a` stays published rather than `b`: a later cutoff, or
 * the same cutoff from a run started later. The master dataset only grows, so
 * the later-started of two runs with one cutoff read at least the other's input
 * (late events of the hours before it, say). A serving node never goes back to
 * an earlier cutoff (its speed layer has already dropped those hours).
 */
export function supersedes(a: RunManifest, b: RunManifest): boolean {
  return a.cutoff > b.cutoff || (a.cutoff === b.cutoff && Date.parse(a.startedAt) > Date.parse(b.startedAt))
}

export type Publication = { published: true } | { published: false; reason: string }

/** Attempts at the conditional write of current.json before giving up: each failed one means another run was published meanwhile. */
const PUBLISH_ATTEMPTS = 10

/**
 * Makes `manifest` the published run (its files must already be written),
 * unless the published one supersedes it. Runs on two nodes may race (a
 * leader change while one runs): current.json is replaced only if it is still
 * the version that was compared, so a run started earlier or with an earlier
 * cutoff never replaces a later one, whatever order they finish in.
 */
export async function publishRun(store: ObjectStore, manifest: RunManifest, prefix = ''): Promise<Publication> {
  const body = JSON.stringify(manifest, null, 2)
  await store.put(`${runFolder(prefix, manifest.runId)}manifest.json`, body, { contentType: 'application/json' })
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const current = await store.tryGetTagged(currentKey(prefix))
    if (current !== undefined) {
      const m = parseManifest(current.body)
      if (supersedes(m, manifest)) return { published: false, reason: `run ${m.runId} (cutoff ${m.cutoffIso}, started ${m.startedAt}) is published and supersedes it` }
    }
    const condition = current === undefined ? { ifAbsent: true } : { ifMatch: current.tag }
    if (await store.put(currentKey(prefix), body, { contentType: 'application/json', ...condition })) return { published: true }
  }
  throw pulseError('PULSE_ERR_STORE', `publish ${manifest.runId}: ${currentKey(prefix)} changed under each of ${PUBLISH_ATTEMPTS} attempts`)
}

/** The partial state of one view of a run. */
export async function loadViewPartial(store: ObjectStore, runId: string, view: string, prefix = ''): Promise<ViewPartial> {
  const def = viewNamed(view)
  if (def === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `batch run ${runId} names unknown view ${view}`)
  return deserializePartial(def, await store.get(viewPartialKey(prefix, runId, view)))
}

/** Every view's partial state of a run. */
export async function loadRunPartials(store: ObjectStore, manifest: RunManifest, prefix = ''): Promise<Map<string, ViewPartial>> {
  const out = new Map<string, ViewPartial>()
  await Promise.all(Object.keys(manifest.views).map(async (v) => out.set(v, await loadViewPartial(store, manifest.runId, v, prefix))))
  return out
}

/** Run ids present in the store, oldest first. */
export async function listRuns(store: ObjectStore, prefix = ''): Promise<string[]> {
  const ids = new Set<string>()
  const base = `${prefix}_batch/runs/`
  for await (const o of store.list(base)) ids.add(o.key.slice(base.length).split('/')[0]!)
  return [...ids].sort()
}

/** How long a run folder without a manifest is taken for a run still writing (a run that died leaves one). */
export const UNFINISHED_RUN_MS = 24 * 3_600_000

/** The start of the run with this id (`newRunId`), in ms; NaN for another name. */
export function runStartOf(id: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(id)
  return m === null ? NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

/**
 * Deletes all but the newest `keep` runs. The published run is never deleted,
 * nor a run without a manifest younger than UNFINISHED_RUN_MS: another node
 * may still be writing it (runs race when the speed group's leader changes).
 */
export async function pruneRuns(store: ObjectStore, keep: number, prefix = '', now = Date.now()): Promise<string[]> {
  const published = (await currentRun(store, prefix))?.runId
  const ids = await listRuns(store, prefix)
  const doomed: string[] = []
  for (const id of ids.slice(0, Math.max(0, ids.length - keep))) {
    if (id === published) continue
    const finished = (await store.tryGet(`${runFolder(prefix, id)}manifest.json`)) !== undefined
    if (finished || !(now - runStartOf(id) < UNFINISHED_RUN_MS)) doomed.push(id)
  }
  for (const id of doomed) {
    const keys: string[] = []
    for await (const o of store.list(runFolder(prefix, id))) keys.push(o.key)
    for (const k of keys) await store.delete(k)
  }
  return doomed
}
