// The batch side of serving tests: the records land in the master dataset through
// the ingestion's writer (no Kafka), and the native batch layer computes and
// publishes a run holding every valid, deduplicated event before the cutoff.
import type { ObjectStore } from '../../src/store/object-store.js'
import type { RunManifest } from '../../src/batch/runs.js'
import { loadDirect } from '../../src/ingest/direct-load.js'
import type { LoadRecord } from '../../src/ingest/direct-load.js'
import { runBatch } from '../../src/batch/runner.js'

export async function publishBatchSide(store: ObjectStore, records: readonly LoadRecord[], cutoff: number, prefix = ''): Promise<RunManifest> {
  await loadDirect(store, records, { partitions: 4, prefix })
  const run = await runBatch(store, { cutoff, prefix, workers: 2 })
  return run.manifest
}
