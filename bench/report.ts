// Shared output helpers for the benchmarks: an aligned text table on stdout and a
// JSON result file under bench/results/<name>.json (next to the sources, also when
// the benchmark runs compiled from dist/bench/).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Cell = string | number | boolean | null | undefined
export type Row = Record<string, Cell>

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

/** Numbers with thousands separators; small or fractional ones with up to 3 decimals. */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v)
    const abs = Math.abs(v)
    const digits = abs >= 1000 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
  }
  return String(v)
}

/** Prints `rows` as an aligned table under `title` (numbers right-aligned). */
export function printTable(title: string, rows: readonly Row[]): void {
  const columns: string[] = []
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k)
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'))
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])))
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)))
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd()
  const out = [
    '',
    title,
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    '',
  ]
  process.stdout.write(out.join('\n') + '\n')
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
