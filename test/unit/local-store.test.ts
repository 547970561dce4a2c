import t from 'tap'
import { mkdtempSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { LocalStore } from '../../src/store/local-store.js'
import { listAll } from '../../src/store/object-store.js'

t.test('put, get, list by prefix in key order, delete', async (t) => {
  const store = new LocalStore(mkdtempSync(join(tmpdir(), 'pulse-store-')))
  await store.put('master_dataset/topic=a/date=2026-11-02/hour=01/x.parquet', 'one')
  await store.put('master_dataset/topic=a/date=2026-11-02/hour=00/y.parquet', 'two')
  await store.put('master_dataset/topic=b/z.parquet', new Uint8Array([1, 2, 3]))
  t.equal((await store.get('master_dataset/topic=b/z.parquet')).length, 3)
  t.same(
    (await listAll(store, 'master_dataset/topic=a/')).map((o) => o.key),
    ['master_dataset/topic=a/date=2026-11-02/hour=00/y.parquet', 'master_dataset/topic=a/date=2026-11-02/hour=01/x.parquet'],
  )
  t.same((await listAll(store, 'master_dataset/topic=a/date=2026-11-02/hour=0')).length, 2)
  t.same((await listAll(store, 'nothing/')).length, 0)
  await store.delete('master_dataset/topic=b/z.parquet')
  t.equal(await store.tryGet('master_dataset/topic=b/z.parquet'), undefined)
  await t.rejects(store.get('master_dataset/topic=b/z.parquet'), { code: 'PULSE_ERR_STORE_NOT_FOUND' })
})

t.test('ifAbsent never overwrites, and leaves no temporary files', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pulse-store-'))
  const store = new LocalStore(root)
  t.equal(await store.put('m/manifest.json', 'first', { ifAbsent: true }), true)
  t.equal(await store.put('m/manifest.json', 'second', { ifAbsent: true }), false)
  t.equal((await store.get('m/manifest.json')).toString(), 'first')
  t.same(readdirSync(join(root, 'm')), ['manifest.json'])
})

t.test('ifMatch replaces only the version read; conditional writes on a key take turns', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pulse-store-'))
  const store = new LocalStore(root)
  t.equal(await store.tryGetTagged('m/current.json'), undefined)
  t.equal(await store.put('m/current.json', 'one', { ifMatch: 'anything' }), false, 'nothing to match')
  await store.put('m/current.json', 'one')
  const one = (await store.tryGetTagged('m/current.json'))!
  t.equal(one.body.toString(), 'one')
  t.equal(await store.put('m/current.json', 'two', { ifMatch: one.tag }), true)
  t.equal(await store.put('m/current.json', 'three', { ifMatch: one.tag }), false, 'the version read is gone')
  t.equal((await store.get('m/current.json')).toString(), 'two')
  // eight writers read one version at once: exactly one replaces it
  const two = (await store.tryGetTagged('m/current.json'))!
  const won = await Promise.all(Array.from({ length: 8 }, (_, i) => store.put('m/current.json', `writer ${i}`, { ifMatch: two.tag })))
  t.equal(won.filter((w) => w).length, 1)
  t.equal((await store.get('m/current.json')).toString(), `writer ${won.indexOf(true)}`)
  t.same(readdirSync(join(root, 'm')), ['current.json'], 'no temporary files left')
})

t.test('keys that escape the root are refused', async (t) => {
  const store = new LocalStore(mkdtempSync(join(tmpdir(), 'pulse-store-')))
  await t.rejects(store.put('../outside', 'x'), { code: 'PULSE_ERR_STORE' })
  await t.rejects(store.put('a//b', 'x'), { code: 'PULSE_ERR_STORE' })
})
