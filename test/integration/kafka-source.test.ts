// The Kafka source's snapshots over the real broker and S3 server: a snapshot
// whose PUTs fail is reported, and the next one is taken and its offsets are
// committed to the group (a failure must not stop every later snapshot).
import t from 'tap'
import { dropTopics, requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka } from '../../src/kafka/client.js'
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
