// The Kafka source over the real broker and S3 server: a snapshot whose PUTs
// fail is reported, and the next one is taken and its offsets are committed to
// the group (a failure must not stop every later snapshot); an actor restored
// from an older snapshot counts as replaying until it has caught up.
import t from 'tap'
import { dropTopics, requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, physicalTopics } from '../../src/kafka/client.js'
import { S3Store } from '../../src/store/s3-store.js'
import type { ObjectStore } from '../../src/store/object-store.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { KafkaSink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import { KafkaSource } from '../../actors/kafka-source.js'

const run = `kafkasource${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.before(requireServices)
t.teardown(dropTopics(topicPrefix))

t.test('after a failed snapshot, the next one is written and its offsets committed', async (t) => {
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
  const sink = await new KafkaSink(kafka, 4, topicPrefix).open()
  const written = (await runGenerator(new EventGenerator({ seed: 77, intensity: 20 }), sink, { count: 5_000, quiet: true })).records
  await sink.close()

  const s3 = new S3Store(LOCAL_SERVICES.s3)
  let failing = false
  // the real store, with PUTs refused while `failing`
  const store: ObjectStore = {
    location: s3.location,
    put: async (key, body, options) => {
      if (failing) throw new Error(`refused ${key}`)
      return s3.put(key, body, options)
    },
    get: (key) => s3.get(key),
    tryGet: (key) => s3.tryGet(key),
    tryGetTagged: (key) => s3.tryGetTagged(key),
    list: (prefix) => s3.list(prefix),
    delete: (key) => s3.delete(key),
  }
  const layer = new SpeedLayer(store, { workers: 2, prefix: `test-runs/${run}/`, restore: false })
  const source = new KafkaSource(kafka, layer, { groupId: `${run}-speed`, topicPrefix, snapshotEveryMs: 0 })
  t.teardown(async () => {
    failing = false
    await source.stop()
    await layer.close()
  })
  await source.start()
  while (source.consumed < written) await new Promise((r) => setTimeout(r, 50))
  await layer.drain()

  failing = true
  await t.rejects(source.snapshot(), /refused/)
  failing = false
  await source.snapshot()
  t.equal(layer.lastSnapshot?.actors, 24, 'every actor written')

  const admin = kafka.admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  let committed = 0
  for (const { partitions } of await admin.fetchOffsets({ groupId: `${run}-speed`, topics: layer.partitions.map((p) => topicPrefix + p.topic).filter((x, i, a) => a.indexOf(x) === i) })) {
    for (const p of partitions) committed += Math.max(0, Number(p.offset))
  }
  t.equal(committed, written, 'the second snapshot\'s offsets are the group\'s committed offsets')
})

t.test('a partition restored from an older snapshot counts as replaying until it reaches where it ended when assigned', async (t) => {
  const prefix = `${run}r.`
  t.teardown(dropTopics(prefix))
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
  const store = new S3Store(LOCAL_SERVICES.s3)
  const options = { groupId: `${run}-replay`, topicPrefix: prefix, snapshotEveryMs: 0 }
  const layerOptions = { workers: 2, prefix: `test-runs/${run}r/` }
  const sink = await new KafkaSink(kafka, 4, prefix).open()
  const generator = new EventGenerator({ seed: 78, intensity: 20 })
  const first = (await runGenerator(generator, sink, { count: 3_000, quiet: true })).records

  // the first owner applies the first records and leaves a snapshot of them
  const layer1 = new SpeedLayer(store, { ...layerOptions, restore: false })
  const source1 = new KafkaSource(kafka, layer1, options)
  await source1.start()
  while (source1.consumed < first) await new Promise((r) => setTimeout(r, 50))
  await source1.stop()
  await layer1.close()

  // more arrive while nobody consumes; the next owner restores the older snapshot
  const more = (await runGenerator(generator, sink, { count: 20_000, quiet: true })).records
  await sink.close()
  const admin = kafka.admin()
  await admin.connect()
  const ends = new Map<string, number>()
  for (const topic of physicalTopics(prefix)) {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic.slice(prefix.length)}/${p.partition}`, Number(p.high))
  }
  await admin.disconnect()

  const layer2 = new SpeedLayer(store, { ...layerOptions, restore: true })
  const source2 = new KafkaSource(kafka, layer2, { ...options, snapshotOnStop: false })
  t.teardown(async () => {
    await source2.stop()
    await layer2.close()
  })
  await source2.start()
  let sawReplaying = 0
  const early: string[] = []
  const deadline = Date.now() + 60_000
  while (source2.consumed < more && Date.now() < deadline) {
    const replaying = new Set(source2.replaying())
    if (replaying.size > 0) sawReplaying++
    // progress only grows: an actor not named before its stats were read is at its end
    for (const s of await layer2.stats()) {
      const id = `${s.topic}/${s.partition}`
      if (!replaying.has(id) && s.nextOffset < ends.get(id)!) early.push(`${id} at ${s.nextOffset} of ${ends.get(id)}`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  t.equal(source2.consumed, more, 'the records after the snapshot are replayed')
  t.same(early, [], 'no partition counts as caught up before it reaches its end')
  t.ok(sawReplaying > 0, `partitions counted as replaying during the catch-up (${sawReplaying} looks)`)
  await layer2.drain()
  const end = Date.now() + 10_000
  while (source2.replaying().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  t.same(source2.replaying(), [], 'none replaying once caught up')
  t.equal(ends.size, 24, 'every partition of the six topics checked')
})
