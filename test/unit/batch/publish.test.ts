// Publishing a batch run: current.json only ever moves to a run that
// supersedes the published one (a later cutoff, or the same cutoff from a run
// started later), whatever order racing runs finish in, and a serving node
// does not follow a pointer that went back.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalStore } from '../../../src/store/local-store.js'
import { HOUR, formatInstant } from '../../../src/events/time.js'
import { currentKey, currentRun, listRuns, newRunId, publishRun, pruneRuns, runFolder, supersedes } from '../../../src/batch/runs.js'
import type { RunManifest } from '../../../src/batch/runs.js'
import { runBatch } from '../../../src/batch/runner.js'
import { loadDirect } from '../../../src/ingest/direct-load.js'
import { StoreBatchSource } from '../../../src/serve/batch-source.js'
import { records } from '../../helpers/stream.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-publish-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
let stores = 0
const freshStore = () => new LocalStore(join(dir, String(stores++)))

const BASE = Date.parse('2026-11-02T00:00:00Z')

/** A run's manifest with no views: what publication compares is its cutoff and start. */
function run(name: string, cutoffHours: number, startedMinutes: number): RunManifest {
  const cutoff = BASE + cutoffHours * HOUR
  const started = BASE + 24 * HOUR + startedMinutes * 60_000
  return {
    version: 1,
    runId: name,
    cutoff,
    cutoffIso: formatInstant(cutoff),
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(started + 1000).toISOString(),
    durationMs: 1000,
    input: { files: 0, bytes: 0, events: 0, duplicates: 0 },
    views: {},
  }
}

t.test('a run is published only over runs it supersedes', async (t) => {
  const store = freshStore()
  t.same(await publishRun(store, run('b', 10, 20)), { published: true })
  const earlier = await publishRun(store, run('a', 10, 10))
  t.equal(earlier.published, false, 'same cutoff, started earlier')
  t.match(earlier, { reason: /run b \(cutoff 2026-11-02T10:00:00\.000Z, started .*\) is published and supersedes it/ })
  t.equal((await publishRun(store, run('c', 9, 30))).published, false, 'earlier cutoff, started later')
  t.equal((await currentRun(store))?.runId, 'b')
  t.same(await publishRun(store, run('d', 10, 25)), { published: true }, 'same cutoff, started later')
  t.same(await publishRun(store, run('e', 11, 0)), { published: true }, 'later cutoff, started earliest')
  t.equal((await currentRun(store))?.runId, 'e')
  t.ok(await store.tryGet('_batch/runs/a/manifest.json'), "a refused run's manifest stays in its folder")
})

t.test('runs published at once leave the one that supersedes all others published', async (t) => {
  // unconditional writes leave whichever finished last: five rounds of eight would almost surely show it
  for (let round = 0; round < 5; round++) {
    const store = freshStore()
    const runs = Array.from({ length: 8 }, (_, i) => run(`r${round}-${i}`, 8 + ((i * 5 + round) % 3), (i * 7 + round * 3) % 11))
    const outcomes = await Promise.all(runs.map((m) => publishRun(store, m)))
    const best = runs.reduce((a, b) => (supersedes(b, a) ? b : a))
    t.equal((await currentRun(store))?.runId, best.runId, `round ${round}: ${best.runId} published`)
    t.ok(outcomes[runs.indexOf(best)]!.published, `round ${round}: its publication said so`)
  }
})

t.test('a serving node does not follow current.json back to a superseded run', async (t) => {
  const store = freshStore()
  await publishRun(store, run('later', 10, 20))
  const swapped: string[] = []
  const errors: unknown[] = []
  const source = new StoreBatchSource(store, { beforeSwap: (m) => void swapped.push(m.runId), onError: (e) => errors.push(e) })
  await source.refresh()
  t.equal(source.current()?.runId, 'later')
  // a writer that ignores the published run (as an unconditional PUT would)
  await store.put(currentKey(''), JSON.stringify(run('earlier', 10, 10)))
  await source.refresh()
  t.equal(source.current()?.runId, 'later', 'the served run stays')
  t.match(String(errors[0]), /run earlier .* is superseded by the served run later: not served/)
  await publishRun(store, run('next', 11, 30))
  await source.refresh()
  t.same(swapped, ['later', 'next'])
  t.equal(source.lastError, undefined)
})

t.test('a batch run that a published run supersedes is computed, kept and not published', async (t) => {
  const store = freshStore()
  await loadDirect(store, records(31, 3_000, { intensity: 3 }), { partitions: 2, flushEvery: 1_000 })
  const ahead = run('ahead', 24 * 400, 0) // a cutoff far beyond the data
  await publishRun(store, ahead)
  const r = await runBatch(store, {})
  t.equal(r.published, false)
  t.match(r.reason, /run ahead .* is published and supersedes it/)
  t.equal((await currentRun(store))?.runId, 'ahead')
  const kept = JSON.parse((await store.get(`_batch/runs/${r.manifest.runId}/manifest.json`)).toString()) as { rejected?: string }
  t.match(kept.rejected, /supersedes it/)
})

t.test('pruning leaves a run that another node may still be writing', async (t) => {
  const store = freshStore()
  const now = BASE + 48 * HOUR
  const id = (hoursAgo: number) => newRunId(now - hoursAgo * HOUR, BASE)
  const folder = async (runId: string, finished: boolean) => {
    await store.put(`${runFolder('', runId)}views/v.parquet`, 'rows')
    if (finished) await store.put(`${runFolder('', runId)}manifest.json`, '{}')
  }
  await folder(id(30), true)
  await folder(id(26), false) // died more than a day ago
  await folder(id(3), true)
  await folder(id(2), false) // still being written, started before the newest
  await folder(id(1), true)
  await publishRun(store, { ...run(id(1), 10, 0), runId: id(1) })
  t.same(await pruneRuns(store, 1, '', now), [id(30), id(26), id(3)])
  t.same(await listRuns(store), [id(2), id(1)])
})
