// The path-compressed key maps (key-trie.ts) against a plain map of whole keys:
// keys of one to three columns from small alphabets, so that prefixes are
// shared and entries split at every depth, find the same group every time they
// come again; filters on any subset of the columns select exactly the groups a
// scan of all keys selects.
import t from 'tap'
import { count } from '../../../views/dsl.js'
import type { Scalar } from '../../../views/semantics.js'
import { GroupTable, TableLayout } from '../../../actors/group-table.js'
import { Rng } from '../../../src/generator/rng.js'
import { findSlot, visitSlots } from '../../../actors/key-trie.js'
import type { Level } from '../../../actors/key-trie.js'

/** The generator's seeded numbers in [0, 1): the test's draws repeat. */
function random(seed: number): () => number {
  const rng = new Rng(seed)
  return () => rng.float()
}

// strings, numbers (NaN and -0 included: map keys compare by SameValueZero), null and booleans
const VALUES: Scalar[] = ['a', 'b', 'c', 1, 2, NaN, 0, -0, null, true]

for (const n of [1, 2, 3]) {
  for (const alphabet of [2, 4, VALUES.length]) {
    t.test(`${n} columns, ${alphabet} values each`, async (t) => {
      const rnd = random(n * 100 + alphabet)
      const table = new GroupTable(new TableLayout([count()], n))
      const root: Level = new Map()
      const reference = new Map<string, number>()
      const id = (key: Scalar[]) => JSON.stringify(key.map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? 0 : v)))
      for (let i = 0; i < 3000; i++) {
        const key = Array.from({ length: n }, () => VALUES[Math.floor(rnd() * alphabet)]!)
        const slot = findSlot(root, table, null, key, n)
        const known = reference.get(id(key))
        if (known === undefined) {
          t.equal(slot, reference.size, `a new key gets the next slot`)
          reference.set(id(key), slot)
        } else if (slot !== known) t.fail(`key ${id(key)} found slot ${slot}, made ${known}`)
        for (let j = 0; j < n; j++) if (!Object.is(table.keys[j]![slot], key[j]) && !(table.keys[j]![slot] === 0 && key[j] === 0)) t.fail(`slot ${slot} column ${j}`)
      }
      t.equal(table.n, reference.size, 'one slot per distinct key')
      // filters: every column either wanted or free
      for (let i = 0; i < 200; i++) {
        const wanted = Array.from({ length: n }, () => (rnd() < 0.5 ? undefined : VALUES[Math.floor(rnd() * alphabet)]!))
        const got: number[] = []
        visitSlots(root, table, wanted, 0, (slot) => got.push(slot))
        const expected: number[] = []
        for (let slot = 0; slot < table.n; slot++) {
          if (wanted.every((w, j) => w === undefined || Object.is(w, table.keys[j]![slot]) || (w === 0 && table.keys[j]![slot] === 0))) expected.push(slot)
        }
        t.same(got.sort((a, b) => a - b), expected, `filter ${id(wanted.map((w) => (w === undefined ? '*' : w)))}`)
      }
    })
  }
}
