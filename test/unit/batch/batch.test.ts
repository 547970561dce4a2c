// The batch layer end to end on a local store: generated records (invalid,
// duplicate and late ones among them) land in the master dataset through the
// ingestion's writer, the native engine recomputes every view, and each must
// equal the reference evaluator over the valid, deduplicated events before the
// cutoff. Then the published run is read back, and DuckDB reads every file.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { CATALOG } from '../../../views/catalog/index.js'
import { evaluate } from '../../../views/evaluate.js'
import { finalize } from '../../../views/state/partial.js'
import { LocalStore } from '../../../src/store/local-store.js'
import { HOUR } from '../../../src/events/time.js'
import { loadDirect } from '../../../src/ingest/direct-load.js'
import { listMasterFiles, runBatch } from '../../../src/batch/runner.js'
import { currentRun, listRuns, loadRunPartials, viewParquetKey } from '../../../src/batch/runs.js'
import { estimated, sameRows } from '../../helpers/rows.js'
import { records, validEvents } from '../../helpers/stream.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-batch-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const store = new LocalStore(dir)
// several hours of a small population, so keys repeat and pairs span files
const input = records(23, 60_000, { intensity: 3 })
const events = validEvents(input)
// small flushes (many files per partition and hour) and no ingestion dedupe, so
// redeliveries reach the master dataset and the batch layer must drop them
await loadDirect(store, input, { partitions: 3, flushEvery: 2_000, dedupeWindow: 1 })

t.test('every view equals the reference evaluator before the cutoff', async (t) => {
  const files = await listMasterFiles(store)
  const hours = [...new Set(files.map((f) => f.hour))].sort((a, b) => a - b)
  t.ok(hours.length >= 4, `${hours.length} hours of data`)
  const cutoff = hours[hours.length - 2]!
  const result = await runBatch(store, { workers: 2, cutoff })
  t.ok(result.published)
  const before = events.filter((e) => e.time < cutoff)
  t.equal(result.manifest.cutoff, cutoff)
  t.ok(result.manifest.input.duplicates > 0, `${result.manifest.input.duplicates} duplicates left to the batch layer's dedupe`)
  for (const view of CATALOG) sameRows(t, view, finalize(view, result.partial(view.name)), evaluate(view, before), view.name)
})

t.test('one worker, or three with topics split across them, give the same rows', async (t) => {
  const one = await runBatch(store, { workers: 1, publish: false })
  const three = await runBatch(store, { workers: 3, publish: false, split: true })
  for (const view of CATALOG) {
    sameRows(t, view, finalize(view, three.partial(view.name)), finalize(view, one.partial(view.name)), view.name)
  }
})

t.test('the published run reads back, and DuckDB reads every view file', async (t) => {
  const run = await runBatch(store, { workers: 2, keepRuns: 2 })
  const manifest = await currentRun(store)
  t.equal(manifest?.runId, run.manifest.runId, 'the newest run is the published one')
  const partials = await loadRunPartials(store, manifest!)
  t.equal(partials.size, CATALOG.length)
  const db = await (await DuckDBInstance.create(':memory:')).connect()
  for (const view of CATALOG) {
    const want = finalize(view, run.partial(view.name))
    t.same(finalize(view, partials.get(view.name)!), want, `${view.name}: partial round trip`)
    const file = join(dir, viewParquetKey('', manifest!.runId, view.name))
    const reader = await db.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
    const rows = reader.getRowObjectsJS()
    t.equal(rows.length, want.length, `${view.name}: DuckDB reads ${rows.length} rows`)
    for (const col of estimated(view)) {
      if (!(`${col}_sketch` in (rows[0] ?? { [`${col}_sketch`]: 1 }))) continue
      t.ok(rows.every((r) => r[`${col}_exact`] !== undefined), `${view.name}.${col} carries its sketch`)
    }
  }
  db.closeSync()
  await runBatch(store, { workers: 2, keepRuns: 2 })
  t.equal((await listRuns(store)).length, 2, 'old runs are pruned to keepRuns')
})

t.test('a cutoff that is not an hour boundary is refused', async (t) => {
  await t.rejects(runBatch(store, { cutoff: HOUR + 1, publish: false }), { code: 'PULSE_ERR_BATCH_INPUT' })
})
