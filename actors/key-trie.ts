// Finds a group's slot by its key values: one map per key column, path
// compressed. An entry at column d holds either the next column's map or, while
// only one group has this prefix, that group's slot; the rest of its key is
// then read from the table's key columns. A second group under the prefix
// splits the entry into a map. Most prefixes have one group (a user in one
// course within a minute), so a view keyed by two or three columns keeps about
// one map per window instead of one per first key value: those maps were the
// largest part of what a worker's scavenges copied.
import type { Scalar } from '../views/semantics.js'
import type { GroupTable } from './group-table.js'

/** One key column's entries: the next column's map, or a slot. */
export type Level = Map<Scalar, unknown>

/** Map key equality (SameValueZero). */
const same = (a: Scalar | undefined, b: Scalar | undefined): boolean => a === b || (a !== a && b !== b)

function newSlot(table: GroupTable, window: number | null, key: readonly Scalar[], n: number): number {
  const slot = table.alloc(window)
  for (let j = 0; j < n; j++) table.keys[j]!.push(key[j]!)
  return slot
}

/** The slot of the group with key values key[0..n) under `root`, created with `window` when new (n ≥ 1). */
export function findSlot(root: Level, table: GroupTable, window: number | null, key: readonly Scalar[], n: number): number {
  let level = root
  for (let d = 0; d < n; d++) {
    const v = key[d]!
    const next = level.get(v)
    if (next === undefined) {
      const slot = newSlot(table, window, key, n)
      level.set(v, slot)
      return slot
    }
    if (typeof next !== 'number') {
      level = next as Level
      continue
    }
    // the one group under this prefix: the same group, or a split
    let j = d + 1
    while (j < n && same(table.keys[j]![next], key[j])) j++
    if (j === n) return next
    // columns d+1..j-1 agree: a chain of maps down to column j, where the two part
    let sub: Level = new Map()
    level.set(v, sub)
    for (let c = d + 1; c < j; c++) {
      const deeper: Level = new Map()
      sub.set(key[c]!, deeper)
      sub = deeper
    }
    sub.set(table.keys[j]![next]!, next)
    const slot = newSlot(table, window, key, n)
    sub.set(key[j]!, slot)
    return slot
  }
  throw new Error('unreachable: a key of n ≥ 1 columns ends at a slot')
}

/**
 * Calls `each` with the slot of every group under `level` (column `depth`)
 * whose key columns equal `wanted` where it is defined.
 */
export function visitSlots(level: Level, table: GroupTable, wanted: readonly (Scalar | undefined)[], depth: number, each: (slot: number) => void): void {
  const v = wanted[depth]
  if (v !== undefined) {
    const next = level.get(v)
    if (next !== undefined) visitEntry(next, table, wanted, depth, each)
    return
  }
  for (const next of level.values()) visitEntry(next, table, wanted, depth, each)
}

function visitEntry(entry: unknown, table: GroupTable, wanted: readonly (Scalar | undefined)[], depth: number, each: (slot: number) => void): void {
  if (typeof entry !== 'number') return visitSlots(entry as Level, table, wanted, depth + 1, each)
  for (let j = depth + 1; j < wanted.length; j++) {
    const w = wanted[j]
    if (w !== undefined && !same(table.keys[j]![entry], w)) return
  }
  each(entry)
}
