// Reads what ingestion wrote, independently of Pulse's own code: downloads the
// objects under a prefix and queries the Parquet files with DuckDB.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { tmpdir } from 'node:os'
import { DuckDBInstance } from '@duckdb/node-api'
import type { ObjectStore } from '../../src/store/object-store.js'
import { listAll } from '../../src/store/object-store.js'

export async function download(store: ObjectStore, prefix: string): Promise<{ dir: string; keys: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-master-'))
  const keys = (await listAll(store, prefix)).map((o) => o.key)
  await Promise.all(
    keys.map(async (k) => {
      const path = join(dir, k.slice(prefix.length))
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, await store.get(k))
    }),
  )
  return { dir, keys: keys.map((k) => k.slice(prefix.length)) }
}

/** Runs SQL over every Parquet file of the downloaded master dataset (view `master`). */
export async function queryMaster(dir: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  await conn.run(`create view master as select * from read_parquet('${dir}/master_dataset/**/*.parquet', union_by_name = true, hive_partitioning = true)`)
  const rows = (await conn.runAndReadAll(sql)).getRows()
  conn.closeSync()
  return rows
}
