// The batch side of serving tests: a published run whose partials hold every
// valid, deduplicated event before the cutoff. The native batch layer
// (src/batch/) computes the same run from the master dataset; this function is
// the one place that stands in for it.
import type { ObjectStore } from '../../src/store/object-store.js'
import { newRunId, publishRun, viewPartialKey } from '../../src/batch/runs.js'
import type { RunManifest, ViewRunInfo } from '../../src/batch/runs.js'
import { formatInstant } from '../../src/events/time.js'
import { CATALOG } from '../../views/catalog/index.js'
import { dedupe } from '../../views/evaluate.js'
import type { TimedEvent } from '../../views/evaluate.js'
import { partialOf, serializePartial } from '../../views/state/partial.js'

export async function publishBatchSide(store: ObjectStore, events: readonly TimedEvent[], cutoff: number, prefix = ''): Promise<RunManifest> {
  const started = Date.now()
  const before = dedupe(events).filter((e) => e.time < cutoff)
  const runId = newRunId(started, cutoff)
  const views: Record<string, ViewRunInfo> = {}
  for (const view of CATALOG) {
    const p = partialOf(view, before)
    const bytes = serializePartial(view, p)
    await store.put(viewPartialKey(prefix, runId, view.name), bytes, { contentType: 'application/octet-stream' })
    views[view.name] = { rows: p.groups.size, groups: p.groups.size, parquetBytes: 0, partialBytes: bytes.length }
  }
  const manifest: RunManifest = {
    version: 1,
    runId,
    cutoff,
    cutoffIso: formatInstant(cutoff),
    startedAt: formatInstant(started),
    finishedAt: formatInstant(Date.now()),
    durationMs: Date.now() - started,
    input: { files: 0, bytes: 0, events: before.length, duplicates: events.length - dedupe(events).length },
    views,
  }
  await publishRun(store, manifest, prefix)
  return manifest
}
