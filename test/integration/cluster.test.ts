// A three-node cluster on one machine: three `pulse start` processes (every
// role, each on its own HTTP port) against the local Kafka and S3. Generated
// events flow through Kafka; one node is killed with SIGKILL mid-stream and
// restarted later. At the end every view, asked through each node, equals the
// reference evaluator over the events sent: the answer gathers the partials of
// all three nodes and merges the batch run that only the group's leader ran.
import t from 'tap'
import { dropTopics, requireServices } from '../helpers/services.js'
import { ask, nodeEnv, startNode as startNodeWith } from '../helpers/nodes.js'
import type { Answer, Node } from '../helpers/nodes.js'
import { sameRows } from '../helpers/rows.js'
import { records, validEvents } from '../helpers/stream.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, physicalTopics } from '../../src/kafka/client.js'
import { KafkaSink } from '../../src/generator/sinks.js'
import { S3Store } from '../../src/store/s3-store.js'
import { readManifest } from '../../src/ingest/partition-writer.js'
import { CATALOG } from '../../views/catalog/index.js'
import { evaluate } from '../../views/evaluate.js'
import type { Row } from '../../views/evaluate.js'

const run = `cluster${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.teardown(dropTopics(topicPrefix))
const PORTS = [18181, 18182, 18183]
const BATCH_EVERY_S = 20
const env = nodeEnv(run)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const startNode = (port: number) => startNodeWith(['start', '--batch-at', `every ${BATCH_EVERY_S}s`, '--snapshot-every', '3s'], port, env)

/** What each node's scheduler said, for a wait that timed out (CI keeps only a failure's own message). */
const batchLines = (nodes: Node[]) =>
  nodes.map((n) => `:${n.port} [${(n.log.match(/^pulse: batch run .*$/gm) ?? []).slice(-4).join(' | ')}]`).join(' ')

const complete = (a: Answer) => a.freshness.cluster !== null && a.freshness.cluster.missing.length === 0 && a.freshness.cluster.replaying.length === 0

/** Polls until `check` holds (or fails the wait with the last state). */
async function until(what: string, check: () => Promise<boolean | string>, ms: number): Promise<void> {
  const end = Date.now() + ms
  let last: boolean | string = false
  while (Date.now() < end) {
    last = await check().catch((err: Error) => err.message)
    if (last === true) return
    await sleep(500)
  }
  throw new Error(`timed out waiting for ${what}: ${String(last)}`)
}

t.before(requireServices)

t.test('three nodes, one killed and restarted: every view through every node equals the reference', async (t) => {
  const input = records(8080, 20_000)
  const events = validEvents(input)
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
  const store = new S3Store(LOCAL_SERVICES.s3)
  const sink = await new KafkaSink(kafka, 4, topicPrefix).open()
  const nodes = await Promise.all(PORTS.map(startNode))
  const all: Node[] = [...nodes]
  t.teardown(() => {
    for (const n of nodes) n.child.kill('SIGKILL')
    // what the nodes said, for a failed run
    if (!t.passing()) for (const n of all) console.error(`--- node :${n.port}\n${n.log.slice(-3000)}`)
  })
  const begun = Date.now()

  // the first half flows while all three run
  const half = input.length / 2
  for (let i = 0; i < half; i += 1000) await sink.write(input.slice(i, i + 1000))
  await until('the first half applied across the cluster', async () => {
    const a = await ask(PORTS[0]!, 'auth_daily_active_users')
    return (a.freshness.cluster?.nodes === 3 && a.freshness.speed.lag === 0) || JSON.stringify(a.freshness)
  }, 60_000)

  // SIGKILL one node, send the rest, restart it
  const victim = nodes[2]!
  victim.child.kill('SIGKILL')
  t.equal(await victim.exited, null, 'the third node is killed')
  const during = await ask(PORTS[0]!, 'auth_daily_active_users')
  t.ok(during.freshness.cluster !== null, 'an answer while a member is dead still comes, with its coverage')
  for (let i = half; i < input.length; i += 1000) await sink.write(input.slice(i, i + 1000))
  await sink.close()
  await sleep(3000)
  nodes[2] = await startNode(PORTS[2]!)
  all.push(nodes[2])

  // every record applied by the speed group, and ingested (the ingest group committed the topics' ends)
  await until('the speed layers and ingestion to catch up', async () => {
    for (const port of PORTS) {
      const a = await ask(port, 'auth_daily_active_users')
      const c = a.freshness.cluster
      if (a.freshness.speed.lag !== 0 || c === null || c.missing.length !== 0 || c.replaying.length !== 0 || c.nodes !== 3) return `${port}: ${JSON.stringify(a.freshness)}`
    }
    // ingestion's truth is each partition's manifest (the group's commits are only hints)
    const admin = kafka.admin()
    await admin.connect()
    try {
      for (const topic of physicalTopics(topicPrefix)) {
        for (const e of await admin.fetchTopicOffsets(topic)) {
          const next = (await readManifest(store, env.PULSE_STORE_PREFIX, topic, e.partition))?.nextOffset ?? 0
          if (next < Number(e.high)) return `ingestion of ${topic}/${e.partition} at ${next} of ${e.high}`
        }
      }
    } finally {
      await admin.disconnect()
    }
    return true
  }, 120_000)
  const ingested = Date.now()

  // a scheduled run that began after ingestion finished: it holds every hour before its cutoff
  // a run that began mid-stream can hold the same cutoff hour with part of its
  // input: every partition had not yet been ingested up to it, nor applied by
  // the speed layer, so its reconciliation saw no drift. Until a node loads a
  // later run (it polls every 5 s) its answers lack those events
  const whole = (a: Answer) => {
    const b = a.freshness.batch
    return b !== null && Date.parse(b.publishedAt) - b.durationMs > ingested
  }
  await until('a scheduled batch run over the whole master dataset', async () => {
    const a = await ask(PORTS[1]!, 'auth_daily_active_users')
    return whole(a) || `${JSON.stringify(a.freshness.batch)}; the nodes' batch lines: ${batchLines(all)}`
  }, 8 * BATCH_EVERY_S * 1000)

  let rows = 0
  for (const port of PORTS) {
    const sources = { batch: 0, speed: 0, both: 0 } as Record<string, number>
    for (const view of CATALOG) {
      // kafkajs may rebalance the group under load: a partition's new owner
      // replays from its snapshot, and the coverage says so until it is back
      let a = await ask(port, view.name)
      for (let end = Date.now() + 60_000; !(complete(a) && whole(a)) && Date.now() < end; a = await ask(port, view.name)) await sleep(500)
      t.same(a.freshness.cluster?.missing, [], `${port} ${view.name}: every partition answered`)
      t.same(a.freshness.cluster?.replaying, [], `${port} ${view.name}: no partition replaying`)
      t.ok(whole(a), `${port} ${view.name}: served a batch run that began after ingestion finished (${a.freshness.batch?.runId})`)
      const got = a.rows.map(({ source, exact, ...row }) => {
        sources[source]!++
        void exact
        return row as Row
      })
      rows += got.length
      sameRows(t, view, got, evaluate(view, events), `node :${port} ${view.name}`)
    }
    t.ok(sources.batch! > 0 && sources.speed! > 0, `node :${port}: rows from the batch run and from the speed layer (${JSON.stringify(sources)})`)
  }
  t.ok(rows > 10_000, `${rows} rows compared`)

  // only the speed group's leader runs scheduled batches: at most one run per interval, not one per node
  const elapsed = (Date.now() - begun) / 1000
  const runs = all.map((n) => (n.log.match(/batch run \S+ (published|not published)/g) ?? []).length)
  const total = runs.reduce((a, b) => a + b, 0)
  t.ok(total >= 1 && total <= Math.floor(elapsed / BATCH_EVERY_S) + 2, `${total} scheduled runs in ${Math.round(elapsed)} s at one per ${BATCH_EVERY_S} s (per process: ${runs.join(', ')})`)

  for (const n of nodes) n.child.kill('SIGTERM')
  const codes = await Promise.all(nodes.map((n) => n.exited))
  t.same(codes, [0, 0, 0], 'every node stops cleanly on SIGTERM')
})
