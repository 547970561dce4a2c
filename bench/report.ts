// Shared output helpers for the benchmarks: an aligned text table on stdout and a
// JSON result file under bench/results/<name>.json (next to the sources, also when
// the benchmark runs compiled from dist/bench/).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatTable } from '../src/table.js'
import type { Row } from '../src/table.js'

export type { Cell, Row } from '../src/table.js'
export { formatCell } from '../src/table.js'

/** The repository root: the nearest folder above this module holding package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
}

export const RESULTS_DIR = join(repoRoot(), 'bench', 'results')

/** Prints `rows` as an aligned table under `title` (numbers right-aligned). */
export function printTable(title: string, rows: readonly Row[]): void {
  process.stdout.write(['', title, ...formatTable(rows), ''].join('\n') + '\n')
}

/** Machine facts every result file carries. */
export function environment(): Record<string, string | number> {
  const cpu = cpus()[0]
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpu?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
  }
}

/** Writes `data` (plus date and environment) to bench/results/<name>.json; returns the path. */
export function saveResult(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, `${name}.json`)
  const doc = { name, date: new Date().toISOString(), ...environment(), ...data }
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n')
  return path
}

/** The p-th percentile (0–100) of `xs`, nearest rank below; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
