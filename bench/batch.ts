// Batch layer against DuckDB on the same Parquet master dataset: Pulse's native
// recompute of all 62 views (one fused scan per file) and DuckDB running one
// query per view (bench/batch-sql.ts), with the same number of threads. The
// dataset is generated once (the ingestion's own writer, without Kafka) and kept
// under bench/.data/ for later runs.
//
//   npx tsc -p . && node dist/bench/batch.js [events=10000000] [threads=cores]
import { pathToFileURL } from 'node:url'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { EventGenerator } from '../src/generator/generator.js'
import type { GeneratedRecord } from '../src/generator/generator.js'
import { LocalStore } from '../src/store/local-store.js'
import { loadDirect } from '../src/ingest/direct-load.js'
import { runBatch } from '../src/batch/runner.js'
import { CATALOG } from '../views/catalog/index.js'
import { Progress } from '../src/progress.js'
import { viewSql } from './batch-sql.js'
import { printTable, saveResult } from './report.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []))

async function dataset(events: number): Promise<{ dir: string; valid: number }> {
  const dir = process.env.PULSE_BENCH_DIR ?? join(root, 'bench', '.data', `batch-${events}`)
  const marker = join(dir, 'dataset.json')
  if (existsSync(marker)) return { dir, ...(JSON.parse(readFileSync(marker, 'utf8')) as { valid: number }) }
  mkdirSync(dir, { recursive: true })
  const gen = new EventGenerator({ seed: 101, intensity: 40 })
  const progress = new Progress('generating the master dataset', events)
  function* records(): Generator<GeneratedRecord> {
    for (let i = 0; i < events; i++) {
      const r = gen.next()
      if (r === undefined) return
      if (i % 10_000 === 0) progress.update(i)
      yield r
    }
  }
  const counters = await loadDirect(new LocalStore(dir), records(), { partitions: 4 })
  progress.finish(`${counters.valid.toLocaleString('en-US')} valid events in ${counters.files} files`)
  writeFileSync(marker, JSON.stringify({ valid: counters.valid, files: counters.files, bytes: counters.bytes }))
  return { dir, valid: counters.valid }
}

export async function runBatchBench(events = 10_000_000, threads = availableParallelism()): Promise<void> {
  const { dir, valid } = await dataset(events)
  const store = new LocalStore(dir)

  // Pulse: list, fetch, decode, scan, merge (the run's compute; writing outputs is timed apart)
  let t0 = performance.now()
  const run = await runBatch(store, { workers: threads, publish: false, cutoff: Date.UTC(2100, 0, 1) })
  const pulseSeconds = (performance.now() - t0) / 1000

  // DuckDB: one query per view, results materialized
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) })
  const con = await db.connect()
  await con.run("SET TimeZone = 'UTC'")
  const mismatched: string[] = []
  const perView: Array<{ view: string; duckdbMs: number; rows: number }> = []
  t0 = performance.now()
  for (const view of CATALOG) {
    const s = performance.now()
    const reader = await con.runAndReadAll(viewSql(view, join(dir, 'master_dataset', `topic=${view.topic}`, '*', '*', '*.parquet')))
    const rows = reader.currentRowCount
    perView.push({ view: view.name, duckdbMs: performance.now() - s, rows })
    if (rows !== run.partial(view.name).groups.size) mismatched.push(`${view.name} (${rows} vs ${run.partial(view.name).groups.size})`)
  }
  const duckSeconds = (performance.now() - t0) / 1000
  con.closeSync()

  const rowsPerCore = run.manifest.input.events / pulseSeconds / threads
  const table = [
    { engine: 'Pulse batch (62 views, fused scan per file)', seconds: pulseSeconds, 'rows/s per core': rowsPerCore, 'ratio to DuckDB': pulseSeconds / duckSeconds },
    { engine: 'DuckDB (62 queries)', seconds: duckSeconds, 'rows/s per core': run.manifest.input.events / duckSeconds / threads, 'ratio to DuckDB': 1 },
  ]
  printTable(`Batch recompute of all views: ${run.manifest.input.events.toLocaleString('en-US')} events (${valid.toLocaleString('en-US')} valid ingested), ${run.manifest.input.files} files, ${threads} threads`, table)
  printTable('Pulse phases (ms)', [{ list: run.timings.listMs, 'fetch+decode+scan': run.timings.scanMs, merge: run.timings.mergeMs }])
  if (mismatched.length > 0) process.stdout.write(`row counts differ from DuckDB for: ${mismatched.join(', ')}\n`)
  saveResult('batch', {
    events: run.manifest.input.events,
    files: run.manifest.input.files,
    threads,
    pulseSeconds,
    duckdbSeconds: duckSeconds,
    ratio: pulseSeconds / duckSeconds,
    rowsPerSecondPerCore: rowsPerCore,
    timings: run.timings,
    rowCountMismatches: mismatched,
    perView,
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runBatchBench(Number(process.argv[2] ?? 10_000_000), Number(process.argv[3] ?? availableParallelism()))
}
