import t from 'tap'
import { InProcessLog } from '../../src/sources/in-process-log.js'
import { partitionFor } from '../../src/kafka/partitioner.js'

const rec = (key: string, value: string, topic = 'auth_topic') => ({ topic, key, value })

t.test('records land on the key partition with increasing offsets, in order', async (t) => {
  const log = new InProcessLog({ partitions: 3 })
  await log.append(['a', 'b', 'c', 'a', 'a'].map((k, i) => rec(k, `v${i}`)))
  const got = await log.subscribe('g').poll(100, 0)
  t.equal(got.length, 5)
  const forA = got.filter((r) => r.key === 'a')
  t.same(forA.map((r) => r.value), ['v0', 'v3', 'v4'])
  t.ok(forA[0]!.offset < forA[1]!.offset && forA[1]!.offset < forA[2]!.offset, 'offsets increase')
  t.ok(forA.every((r) => r.partition === partitionFor('a', 3)))
})

t.test('each consumer group has its own position; a group resumes where it stopped', async (t) => {
  const log = new InProcessLog({ partitions: 1 })
  const g1 = log.subscribe('one')
  const g2 = log.subscribe('two')
  await log.append([rec('k', '1'), rec('k', '2')])
  t.same((await g1.poll(1, 0)).map((r) => r.value), ['1'])
  t.same((await g2.poll(10, 0)).map((r) => r.value), ['1', '2'])
  t.same((await log.subscribe('one').poll(10, 0)).map((r) => r.value), ['2'])
  t.equal(g1.lag(), 0)
})

t.test('records are kept until every subscribed group has read them; a later group starts at the oldest kept', async (t) => {
  const log = new InProcessLog({ partitions: 1 })
  const g1 = log.subscribe('one')
  await log.append([rec('k', '1'), rec('k', '2')])
  t.same((await g1.poll(1, 0)).map((r) => r.value), ['1'])
  t.same((await log.subscribe('late').poll(10, 0)).map((r) => r.value), ['2'])
})

t.test('a full partition makes the producer wait for the consumer instead of dropping records', async (t) => {
  const log = new InProcessLog({ partitions: 1, capacity: 10 })
  const consumer = log.subscribe('slow')
  let appended = false
  const producing = log.append(Array.from({ length: 25 }, (_, i) => rec('k', String(i)))).then(() => (appended = true))
  await new Promise((r) => setTimeout(r, 20))
  t.equal(appended, false, 'producer blocked at capacity')
  const seen: string[] = []
  while (seen.length < 25) for (const r of await consumer.poll(4, 50)) seen.push(r.value)
  await producing
  t.same(seen, Array.from({ length: 25 }, (_, i) => String(i)))
})

t.test('poll waits for data up to its timeout', async (t) => {
  const log = new InProcessLog({ partitions: 2 })
  const c = log.subscribe('g')
  const started = Date.now()
  t.same(await c.poll(10, 30), [])
  t.ok(Date.now() - started >= 25)
  setTimeout(() => void log.append([rec('x', 'late')]), 10)
  t.same((await c.poll(10, 1000)).map((r) => r.value), ['late'])
})
