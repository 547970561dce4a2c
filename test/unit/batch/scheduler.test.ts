import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalStore } from '../../../src/store/local-store.js'
import { loadDirect } from '../../../src/ingest/direct-load.js'
import { BatchScheduler, nextDaily, parseDailyTime } from '../../../src/batch/scheduler.js'
import { currentRun } from '../../../src/batch/runs.js'
import { main } from '../../../src/cli.js'
import { records } from '../../helpers/stream.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-sched-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('daily times', async (t) => {
  t.equal(parseDailyTime('00:00'), 0)
  t.equal(parseDailyTime('23:59'), 23 * 60 + 59)
  t.throws(() => parseDailyTime('24:00'), { code: 'PULSE_ERR_CONFIG' })
  t.throws(() => parseDailyTime('7am'), /PULSE_BATCH_SCHEDULE/)
  const now = Date.UTC(2026, 10, 22, 13, 5)
  t.equal(nextDaily(now, 0), Date.UTC(2026, 10, 23, 0, 0), 'midnight: tomorrow')
  t.equal(nextDaily(now, 14 * 60), Date.UTC(2026, 10, 22, 14, 0), 'later today')
})

t.test('one run at a time; an empty dataset fails and publishes nothing', async (t) => {
  const store = new LocalStore(join(dir, 'a'))
  const s = new BatchScheduler(store, { workers: 1 })
  await t.rejects(s.run(), { code: 'PULSE_ERR_BATCH_INPUT' })
  t.equal(await currentRun(store), null)
  t.match(s.lastError?.message, /no files yet/)
  await loadDirect(store, records(5, 3_000, { intensity: 10 }))
  const first = s.run()
  t.throws(() => s.run(), { code: 'PULSE_ERR_BATCH_BUSY' })
  const r = await first
  t.ok(r.published)
  t.equal((await currentRun(store))?.runId, r.manifest.runId)
  t.notOk(s.busy)
  await s.stop()
})

t.test('pulse batch run and status', async (t) => {
  process.env.PULSE_DATA_DIR = join(dir, 'cli')
  t.teardown(() => delete process.env.PULSE_DATA_DIR)
  t.equal(await main(['batch', 'run', '--quiet']), 1, 'nothing ingested: exit 1')
  await loadDirect(new LocalStore(join(dir, 'cli', 'store')), records(6, 3_000, { intensity: 10 }))
  t.equal(await main(['batch', 'run', '--quiet', '--workers', '1']), 0)
  t.equal(await main(['batch', 'status']), 0)
  t.equal(await main(['batch', 'run', '--cutoff', 'yesterday']), 2, 'a bad flag is a usage error')
  t.equal(await main(['batch', 'walk']), 2)
})
