// Aligned text tables for terminals: the CLI's listings and reports and the
// benchmarks' results share this one layout (numbers right-aligned).

export type Cell = string | number | boolean | null | undefined
export type Row = Record<string, Cell>

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

/** `rows` as lines: a header, a rule, one line per row; columns in first-seen order unless given. */
export function formatTable(rows: readonly Row[], columns?: readonly string[]): string[] {
  const cols: string[] = columns === undefined ? [] : [...columns]
  if (columns === undefined) for (const row of rows) for (const k of Object.keys(row)) if (!cols.includes(k)) cols.push(k)
  const numeric = cols.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'))
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)))
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)]
}
