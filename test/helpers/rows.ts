// Comparing a layer's rows with the reference evaluator's: counts, min/max,
// first/last and pairings equal; sums equal to 1e-9 (compensated float sums);
// distinct counts exact up to 128 values, within 5% above (sketch error).
import type { Test } from 'tap'
import type { ViewDef } from '../../views/dsl.js'
import type { Row } from '../../views/evaluate.js'

/** Columns whose values come from HyperLogLog sketches (directly or through a derived measure). */
export function estimated(view: ViewDef): Set<string> {
  const cols = new Set(Object.entries(view.measures).filter(([, m]) => m.kind === 'distinct').map(([n]) => n))
  for (const [n, d] of Object.entries(view.derived ?? {})) if (d.uses.some((u) => cols.has(u))) cols.add(n)
  return cols
}

/** Passes when the rows agree; otherwise fails with the first three differences. */
export function sameRows(t: Test, view: ViewDef, got: Row[], want: Row[], label: string): void {
  if (got.length !== want.length) {
    t.fail(`${label}: ${got.length} rows, expected ${want.length}`)
    return
  }
  const est = estimated(view)
  let bad = 0
  for (let i = 0; i < want.length && bad < 3; i++) {
    for (const [col, w] of Object.entries(want[i]!)) {
      const g = got[i]![col]
      if (g === w) continue
      const ok =
        typeof g === 'number' &&
        typeof w === 'number' &&
        (Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w)) ||
          // sketch columns: exact below 129 values, so a difference needs a large true count
          (est.has(col) && Math.abs(g - w) <= 0.05 * Math.abs(w)))
      if (!ok) {
        bad++
        t.fail(`${label}: row ${i} ${col} = ${JSON.stringify(g)}, expected ${JSON.stringify(w)} (${JSON.stringify(want[i])})`)
      }
    }
  }
  if (bad === 0) t.pass(label)
}
