// The S3 object store against a real S3-compatible server on loopback.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { S3Store } from '../../src/store/s3-store.js'
import { listAll } from '../../src/store/object-store.js'

const store = new S3Store(LOCAL_SERVICES.s3)
const run = `test-runs/${Date.now()}-${randomBytes(3).toString('hex')}/`

t.before(requireServices)
t.teardown(async () => {
  for (const o of await listAll(store, run)) await store.delete(o.key)
})

t.test('put, get and list objects by prefix, in key order', async (t) => {
  const keys = ['topic=a/date=2026-11-02/hour=00/p0-0-99.parquet', 'topic=a/date=2026-11-02/hour=01/p0-100-199.parquet', 'topic=b/date=2026-11-02/hour=00/p1-0-9.parquet']
  for (const [i, k] of keys.entries()) await store.put(run + k, `body ${i}`)
  t.same((await listAll(store, run)).map((o) => o.key), keys.map((k) => run + k))
  t.same((await listAll(store, run + 'topic=a/')).map((o) => o.size), [6, 6])
  t.equal((await store.get(run + keys[2])).toString(), 'body 2')
})

t.test('binary bodies of several MB come back identical', async (t) => {
  const body = randomBytes(6 * 1024 * 1024 + 17)
  await store.put(run + 'big.bin', body)
  t.ok((await store.get(run + 'big.bin')).equals(body))
})

t.test('listing pages past 1000 keys', async (t) => {
  const n = 1005
  const puts = []
  for (let i = 0; i < n; i++) puts.push(store.put(`${run}many/${String(i).padStart(5, '0')}`, 'x'))
  await Promise.all(puts)
  const listed = await listAll(store, run + 'many/')
  t.equal(listed.length, n)
  t.equal(listed[n - 1]!.key, `${run}many/01004`)
})

t.test('missing objects: tryGet gives undefined, get a coded error; delete is idempotent', async (t) => {
  t.equal(await store.tryGet(run + 'nope'), undefined)
  await t.rejects(store.get(run + 'nope'), { code: 'PULSE_ERR_STORE_NOT_FOUND' })
  await store.put(run + 'gone', 'x')
  await store.delete(run + 'gone')
  await store.delete(run + 'gone')
  t.equal(await store.tryGet(run + 'gone'), undefined)
})

t.test('ifAbsent: a second create of the same key is refused', async (t) => {
  t.equal(await store.put(run + 'once.json', 'first', { ifAbsent: true }), true)
  t.equal(await store.put(run + 'once.json', 'second', { ifAbsent: true }), false)
  t.equal((await store.get(run + 'once.json')).toString(), 'first')
})

t.test('ifMatch: only the version read is replaced', async (t) => {
  const key = run + 'current.json'
  t.equal(await store.tryGetTagged(key), undefined)
  t.equal(await store.put(key, 'one', { ifMatch: '"0123456789abcdef0123456789abcdef"' }), false, 'nothing to match')
  await store.put(key, 'one')
  const one = (await store.tryGetTagged(key))!
  t.equal(one.body.toString(), 'one')
  t.equal(await store.put(key, 'two', { ifMatch: one.tag }), true)
  t.equal(await store.put(key, 'three', { ifMatch: one.tag }), false, 'the version read is gone')
  t.equal((await store.get(key)).toString(), 'two')
  // S3Proxy's filesystem backend checks the condition without a lock: of writers racing
  // within milliseconds, more than one may pass (docs/batch.md); AWS S3 and MinIO decide atomically
})

t.test('wrong credentials are a store error, not a hang', async (t) => {
  const bad = new S3Store({ ...LOCAL_SERVICES.s3, secretAccessKey: 'wrong' })
  await t.rejects(bad.put(run + 'denied', 'x'), { code: 'PULSE_ERR_STORE' })
})
