// Reconciliation: the same generated records go to the master dataset (through
// the ingestion's writer) and to an in-process speed layer; batch runs compare
// the two over the hours both hold before publishing. Equal inputs must show no
// drift; a speed side that missed records must keep the run from publishing;
// events the speed side dropped (older than its retention) must be accounted
// for, not flagged.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CATALOG } from '../../../views/catalog/index.js'
import { LocalStore } from '../../../src/store/local-store.js'
import { HOUR, formatInstant } from '../../../src/events/time.js'
import { InProcessLog } from '../../../src/sources/in-process-log.js'
import { loadDirect } from '../../../src/ingest/direct-load.js'
import { readManifest } from '../../../src/ingest/partition-writer.js'
import { listMasterFiles, runBatch } from '../../../src/batch/runner.js'
import { cellDifference, compareView, layerSide, speedReconciler } from '../../../src/batch/reconcile.js'
import type { SpeedSide } from '../../../src/batch/reconcile.js'
import { partitionFor } from '../../../src/kafka/partitioner.js'
import { currentRun } from '../../../src/batch/runs.js'
import { partialOf } from '../../../views/state/partial.js'
import { SpeedLayer } from '../../../actors/speed-layer.js'
import { DEFAULT_ACTOR_OPTIONS } from '../../../actors/partition-actor.js'
import type { ActorOptions } from '../../../actors/partition-actor.js'
import { runEmbedded } from '../../../actors/embedded-source.js'
import { buildApp } from '../../../src/serve/app.js'
import { StoreBatchSource } from '../../../src/serve/batch-source.js'
import { speedSourceOf } from '../../../src/serve/sources.js'
import type { GeneratedRecord } from '../../../src/generator/generator.js'
import { records, validEvents } from '../../helpers/stream.js'

const dir = mkdtempSync(join(tmpdir(), 'pulse-reconcile-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const store = new LocalStore(dir)
const input = records(31, 30_000, { intensity: 3 })
await loadDirect(store, input, { partitions: 4 })
const hours = [...new Set((await listMasterFiles(store)).map((f) => f.hour))].sort((a, b) => a - b)

async function speedOver(prefix: string, recs: readonly GeneratedRecord[], actor: Partial<ActorOptions>): Promise<SpeedLayer> {
  const log = new InProcessLog({ partitions: 4, capacity: 1_000_000 })
  await log.append(recs)
  const layer = new SpeedLayer(store, { workers: 2, prefix, restore: false, actor })
  await runEmbedded(log, layer, { untilCaughtUp: true })
  return layer
}

t.test('cell differences', async (t) => {
  t.equal(cellDifference(5, 5), 0)
  t.equal(cellDifference(4, 5), 0.2)
  t.equal(cellDifference(0, 3), 1)
  t.equal(cellDifference(1 + 1e-12, 1), 0, 'float noise is equality')
  t.equal(cellDifference('a', 'b'), 1)
  t.equal(cellDifference(null, 2), 1)
})

t.test('compareView: windows outside the span are ignored; drops explain their hours', async (t) => {
  const view = CATALOG.find((v) => v.name === 'auth_realtime_active_users_1min')!
  const events = validEvents(input).filter((e) => e.topic === view.topic)
  const since = hours[1]!
  const cutoff = hours[2]!
  const all = partialOf(view, events)
  const missing = partialOf(view, events.filter((e) => !(e.time >= since && e.time < since + 60_000)))
  const same = compareView(view, all, all, since, cutoff, new Set())
  t.ok(same.cells > 0, `${same.cells} cells compared`)
  t.equal(same.drift, 0)
  const off = compareView(view, all, missing, since, cutoff, new Set())
  t.ok(off.differing > 0 && off.drift > 0, `drift ${off.drift} over ${off.differing} cells`)
  const later = compareView(view, all, missing, since + HOUR, cutoff + HOUR, new Set())
  t.equal(later.drift, 0, 'a span without the difference')
  const explained = compareView(view, all, missing, since, cutoff, new Set([since]))
  t.equal(explained.drift, 0)
  t.equal(explained.explained, off.differing)
})

t.test('equal layers publish with zero drift, run after run', async (t) => {
  t.ok(hours.length >= 5, `${hours.length} hours of data`)
  const layer = await speedOver('equal/', input, { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const reconcile = speedReconciler(layer)
  const first = await runBatch(store, { workers: 2, cutoff: hours[2]!, prefix: '', reconcile })
  const rec1 = first.manifest.reconciliation
  t.ok(first.published, first.reason ?? 'published')
  t.equal(rec1?.from, formatInstant(hours[0]!), 'before any cutoff, from the oldest hour the speed layer holds')
  t.equal(rec1?.to, formatInstant(hours[2]!))
  t.equal(rec1?.maxDrift, 0, `largest drift ${rec1?.maxDrift} (${rec1?.maxDriftView})`)
  t.same(rec1?.flagged, [])
  t.ok((rec1?.cells ?? 0) > 1_000, `${rec1?.cells} cells compared`)
  for (const v of CATALOG) t.equal(first.manifest.views[v.name]?.drift, 0, `${v.name}: no drift`)
  await layer.setCutoff(hours[2]!)

  const second = await runBatch(store, { workers: 2, cutoff: hours[hours.length - 2]!, reconcile })
  const rec2 = second.manifest.reconciliation
  t.ok(second.published, second.reason ?? 'published')
  t.equal(rec2?.from, formatInstant(hours[2]!), 'from the speed layer cutoff: pairs across it included')
  t.equal(rec2?.maxDrift, 0, `largest drift ${rec2?.maxDrift} (${rec2?.maxDriftView})`)
  t.ok((rec2?.cells ?? 0) > 1_000, `${rec2?.cells} cells compared`)
  t.equal((await currentRun(store))?.runId, second.manifest.runId)
})

t.test('a speed side that missed records keeps the run unpublished', async (t) => {
  const published = await currentRun(store)
  const layer = await speedOver('missing/', input.filter((_, i) => i % 10 !== 0), { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const run = await runBatch(store, { workers: 2, cutoff: hours[hours.length - 1]!, reconcile: speedReconciler(layer, { threshold: 0.01 }) })
  t.notOk(run.published)
  t.match(run.reason, /drift from the speed layer above 0.01 in \d+ view\(s\)/)
  const rec = run.manifest.reconciliation!
  t.ok(rec.flagged.length > 0 && rec.maxDrift > 0.01, `${rec.flagged.length} views flagged, largest ${rec.maxDrift.toFixed(3)} in ${rec.maxDriftView}`)
  t.equal((await currentRun(store))?.runId, published?.runId, 'the previous run stays published')
  const kept = JSON.parse((await store.get(`_batch/runs/${run.manifest.runId}/manifest.json`)).toString()) as { rejected: string }
  t.equal(kept.rejected, run.reason, 'the rejected manifest says why')

  // the drift is a metric, with the unpublished run's flag
  const batch = new StoreBatchSource(store)
  await batch.start()
  const { app } = await buildApp({ speed: speedSourceOf(layer), batch, lastRun: () => run.manifest })
  t.teardown(async () => {
    batch.close()
    await app.close()
  })
  const text = (await app.inject({ url: '/metrics' })).body
  const flagged = rec.maxDriftView!
  t.match(text, new RegExp(`pulse_batch_drift_ratio\\{view="${flagged}"\\} ${rec.maxDrift}`))
  t.match(text, /pulse_batch_last_run_published 0/)
  t.match(text, /pulse_batch_drift_explained_cells 0/)
  t.match(text, /pulse_batch_uncovered_views 0/)
})

t.test('views whose partitions the speed side could not answer for are named, not compared', async (t) => {
  // a speed side short on one topic, as a member down or replaying would leave it
  let i = 0
  const layer = await speedOver('gaps/', input.filter((r) => r.topic !== 'auth_topic' || i++ % 10 !== 0), { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const cutoff = hours[hours.length - 1]!
  const short = await runBatch(store, { workers: 2, cutoff, publish: false, reconcile: speedReconciler(layer, { threshold: 0.01 }) })
  const flagged = short.manifest.reconciliation!.flagged
  t.ok(flagged.length > 0 && flagged.every((v) => v.startsWith('auth_')), `told nothing, the short topic's views are flagged: ${flagged.join(', ')}`)

  const gaps = ['auth_topic/1', 'auth_topic/3']
  const side = {
    get cutoff() {
      return layer.cutoff
    },
    stats: () => layer.stats(),
    query: async (view: string, filter: Parameters<SpeedLayer['query']>[1]) => Object.assign(await layer.query(view, filter), { coverage: { missing: gaps.slice(0, 1), replaying: gaps.slice(1) } }),
  }
  const told = await runBatch(store, { workers: 2, cutoff, publish: false, reconcile: speedReconciler(side, { threshold: 0.01 }) })
  const rec = told.manifest.reconciliation!
  t.equal(told.reason, undefined, 'nothing holds the run back')
  t.same(rec.flagged, [])
  const auth = CATALOG.filter((v) => v.topic === 'auth_topic').map((v) => v.name)
  t.same(rec.uncovered, auth.map((view) => ({ view, partitions: gaps })), 'every view of the short topic, with the partitions it lacked')
  t.ok(rec.cells > 1_000, `the other views compared: ${rec.cells} cells`)
  t.equal(told.manifest.views[auth[0]!]?.drift, undefined, 'an uncovered view has no drift figure')

  // a lone node's own layer, still replaying a partition after its restart
  const lone = await runBatch(store, { workers: 2, cutoff, publish: false, reconcile: speedReconciler(layerSide(layer, () => ['auth_topic/2']), { threshold: 0.01 }) })
  t.same(lone.manifest.reconciliation!.uncovered, auth.map((view) => ({ view, partitions: ['auth_topic/2'] })), 'layerSide names the replaying partitions')
  t.equal(lone.reason, undefined)
})

t.test('beside a speed layer the default cutoff is no later than the hour its slowest partition has passed', async (t) => {
  // auth_topic stops two hours before the rest, as a lagging partition would
  const stop = hours[hours.length - 3]!
  const layer = await speedOver('bound/', input.filter((r) => r.topic !== 'auth_topic' || !(r.eventTime >= stop)), { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const reconcile = speedReconciler(layer)
  const low = Math.min(...(await layer.stats()).map((s) => s.watermark).filter((w) => Number.isFinite(w)))
  const passed = await reconcile.latestCutoff()
  t.equal(passed, low - (low % HOUR), `the hour of the lowest watermark, ${formatInstant(low)}`)
  t.ok(passed! < stop, 'the lagging topic holds it back')
  const alone = await runBatch(store, { workers: 2, publish: false })
  t.equal(alone.manifest.cutoff, hours[hours.length - 1]!, 'without a speed layer: the newest hour with data')
  const beside = await runBatch(store, { workers: 2, publish: false, reconcile })
  t.equal(beside.manifest.cutoff, passed, 'beside it: the hour every partition has passed')
  t.ok(beside.manifest.input.events < alone.manifest.input.events, 'so the later hours stay with the speed layer')

  // never before the speed layer's own cutoff: what it dropped is in the published run
  await layer.setCutoff(hours[hours.length - 2]!)
  t.equal(await reconcile.latestCutoff(), hours[hours.length - 2]!)
})

t.test('where ingestion is behind the speed layer, its own watermark bounds the cutoff', async (t) => {
  // auth_topic is stored only up to its first event at `stop`: a lagging
  // ingestion, while the speed layer has applied everything
  const stop = hours[hours.length - 3]!
  const cut = input.findIndex((r) => r.topic === 'auth_topic' && r.eventTime >= stop)
  const tail = input.slice(cut).filter((r) => r.topic === 'auth_topic')
  await loadDirect(store, input.filter((r, i) => r.topic !== 'auth_topic' || i < cut), { partitions: 4, prefix: 'lagging/' })
  const layer = await speedOver('lagging-speed/', input, { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const reconcile = speedReconciler(layer)

  const stats = await layer.stats()
  let low = Math.min(...stats.map((s) => s.watermark).filter((w) => Number.isFinite(w)))
  const behind: string[] = []
  for (const s of stats) {
    const m = (await readManifest(store, 'lagging/', s.topic, s.partition))!
    if (m.nextOffset === s.nextOffset) continue
    behind.push(`${s.topic}/${s.partition}`)
    low = Math.min(low, m.maxTime! - DEFAULT_ACTOR_OPTIONS.latenessMs)
  }
  t.same(behind.sort(), ['auth_topic/0', 'auth_topic/1', 'auth_topic/2', 'auth_topic/3'], 'ingestion is behind on auth_topic only')
  const speedOnly = (await reconcile.latestCutoff())!
  const run = await runBatch(store, { workers: 2, prefix: 'lagging/', publish: false, reconcile })
  t.equal(run.manifest.cutoff, low - (low % HOUR), `the hour of ingestion's watermark on auth_topic, ${formatInstant(low)}`)
  t.ok(run.manifest.cutoff < speedOnly, 'earlier than the speed layer alone has passed')

  // what the speed layer would drop at the cutoff without having it stored: only late events
  const unstored = (cutoff: number) => tail.filter((r) => r.kind !== 'invalid' && r.kind !== 'duplicate' && r.eventTime < cutoff)
  t.ok(unstored(speedOnly).some((r) => r.kind === 'valid'), `${unstored(speedOnly).length} unstored events before the speed-only cutoff`)
  t.same(unstored(run.manifest.cutoff).filter((r) => r.kind !== 'late'), [], `before this cutoff only late ones (${unstored(run.manifest.cutoff).length})`)

  // a partition the speed layer has applied and ingestion has stored nothing of
  await loadDirect(store, input.filter((r) => r.topic !== 'auth_topic'), { partitions: 4, prefix: 'unstored/' })
  await t.rejects(runBatch(store, { workers: 2, prefix: 'unstored/', publish: false, reconcile }), { code: 'PULSE_ERR_BATCH_INPUT', message: /no hour is complete yet: .*auth_topic\/0, auth_topic\/1/ })
  await layer.setCutoff(hours[1]!)
  t.equal(await reconcile.latestCutoff((topic, partition) => readManifest(store, 'unstored/', topic, partition)), hours[1]!, 'with a cutoff already set, that one')
})

t.test('a partition the speed side does not report is bounded by ingestion alone', async (t) => {
  // auth_topic/2 is stored only up to its first event at `stop`, and the speed
  // side does not report it: its member is down, and so is that member's ingestion
  const stop = hours[hours.length - 3]!
  const lagging = (r: GeneratedRecord) => r.topic === 'auth_topic' && r.key !== null && partitionFor(r.key, 4) === 2
  const cut = input.findIndex((r) => lagging(r) && r.eventTime >= stop)
  await loadDirect(store, input.filter((r, i) => !lagging(r) || i < cut), { partitions: 4, prefix: 'unreported/' })
  const layer = await speedOver('unreported-speed/', input, { retentionMs: 24 * HOUR })
  t.teardown(() => layer.close())
  const side: SpeedSide = {
    get cutoff() {
      return layer.cutoff
    },
    stats: async () => (await layer.stats()).filter((s) => !(s.topic === 'auth_topic' && s.partition === 2)),
    query: (view, filter) => layer.query(view, filter),
  }
  const reconcile = speedReconciler(side)
  const reportedOnly = (await reconcile.latestCutoff((topic, partition) => readManifest(store, 'unreported/', topic, partition)))!
  const m = (await readManifest(store, 'unreported/', 'auth_topic', 2))!
  const w = m.maxTime! - DEFAULT_ACTOR_OPTIONS.latenessMs
  const run = await runBatch(store, { workers: 2, prefix: 'unreported/', publish: false, reconcile })
  t.equal(run.manifest.cutoff, w - (w % HOUR), `the hour of ingestion's watermark on auth_topic/2, ${formatInstant(w)}`)
  t.ok(run.manifest.cutoff < reportedOnly, 'earlier than the reported partitions allow')
})

t.test('events the speed side dropped are accounted for, not flagged', async (t) => {
  // a short retention: late events older than it skip the windowed views
  const layer = await speedOver('dropped/', input, { retentionMs: 5 * 60_000 })
  t.teardown(() => layer.close())
  const dropped = (await layer.stats()).reduce((s, a) => s + a.counters.dropped, 0)
  t.ok(dropped > 0, `${dropped} events dropped by the speed side`)
  const run = await runBatch(store, { workers: 2, cutoff: hours[hours.length - 1]!, publish: false, reconcile: speedReconciler(layer) })
  const rec = run.manifest.reconciliation!
  t.ok(rec.droppedEvents > 0 && rec.droppedEvents <= dropped, `${rec.droppedEvents} dropped in the compared hours`)
  t.ok(rec.explainedCells > 0, `${rec.explainedCells} differing cells explained by them`)
  t.equal(rec.maxDrift, 0, `largest unexplained drift ${rec.maxDrift} (${rec.maxDriftView})`)
})
