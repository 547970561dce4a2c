// Produces generated records to Kafka at a steady rate from its own process and
// reports every acknowledgement on stdout, one JSON line each. The speed-layer
// bench starts it as a child, as a producer would be in production: encoding
// 50,000 records/s on the speed layer's own thread held the rate to 30–43k/s and
// queued the consumer behind the producer.
//
// Protocol: the child generates its records, connects, prints {"ready":true},
// and starts on a line on stdin; then one line per acknowledged send,
// {"acked": epoch ms, "need": [["<topic>/<partition>", last offset], …]}, and
// at the end {"done": true, "produced": N, "seconds": S}.
//   node dist/bench/kafka-produce.js TOPIC_PREFIX RATE SECONDS [SEED]
import { createInterface } from 'node:readline'
import { LOCAL_SERVICES } from '../src/config.js'
import { createKafka, createProducer } from '../src/kafka/client.js'
import { partitionFor } from '../src/kafka/partitioner.js'
import { EventGenerator } from '../src/generator/generator.js'
import { MemorySink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'

/** Sends per second (a send is one produce request over every topic it touches). */
const TICK_MS = 20
/** Sends in flight at once: one slow acknowledgement does not hold the rate back. */
const IN_FLIGHT = 4

const [prefix, rateArg, secondsArg, seedArg] = process.argv.slice(2)
const rate = Number(rateArg)
const seconds = Number(secondsArg)
if (prefix === undefined || !(rate > 0) || !(seconds > 0)) {
  process.stderr.write('usage: node dist/bench/kafka-produce.js TOPIC_PREFIX RATE SECONDS [SEED]\n')
  process.exit(2)
}
const partitions = LOCAL_SERVICES.kafka.partitions
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)
const epoch = () => performance.timeOrigin + performance.now()

const live = new MemorySink()
await runGenerator(new EventGenerator({ seed: Number(seedArg ?? 44), intensity: 20 }), live, { count: Math.ceil(rate * seconds * 1.05), quiet: true })
const producer = createProducer(createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-bench-producer' }))
await producer.connect()
say({ ready: true })
await new Promise<void>((resolve) => {
  const rl = createInterface({ input: process.stdin })
  rl.once('line', () => {
    rl.close() // an open stdin would keep this process alive
    resolve()
  })
})

const perTick = Math.round((rate * TICK_MS) / 1000)
const start = performance.now()
const sending = new Set<Promise<void>>()
let next = 0
let produced = 0
for (let tick = 0; tick < (seconds * 1000) / TICK_MS; tick++) {
  const wait = start + tick * TICK_MS - performance.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  while (sending.size >= IN_FLIGHT) await Promise.race(sending)
  const byTopic = new Map<string, Array<{ key: string; value: string; partition: number }>>()
  const counts = new Map<string, number>()
  for (let i = 0; i < perTick && next < live.records.length; i++) {
    const r = live.records[next++]!
    const topic = prefix + r.topic
    const partition = partitionFor(r.key, partitions)
    let list = byTopic.get(topic)
    if (list === undefined) byTopic.set(topic, (list = []))
    list.push({ key: r.key, value: r.value, partition })
    const id = `${topic}/${partition}`
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  const send = producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }).then((meta) => {
    const acked = epoch()
    say({ acked, need: meta.map((m) => [`${m.topicName}/${m.partition}`, Number(m.baseOffset) + counts.get(`${m.topicName}/${m.partition}`)! - 1]) })
  })
  sending.add(send)
  void send.finally(() => sending.delete(send))
  produced += perTick
}
await Promise.all(sending)
say({ done: true, produced, seconds: (performance.now() - start) / 1000 })
await producer.disconnect()
