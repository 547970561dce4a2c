// Two `pulse serve` nodes in one speed group, against the local Kafka and S3:
// each owns part of the partitions, and every view asked through either node
// equals the reference evaluator over the records sent, because each answer
// gathers both nodes' partials (no batch run here: the speed side is all of it).
// Then one node leaves, and the other, alone with every partition, answers
// top-N queries by threshold reads of its own workers, as the reference ranks.
import t from 'tap'
import { dropTopics, requireServices } from '../helpers/services.js'
import { ask, nodeEnv, startNode as startNodeWith } from '../helpers/nodes.js'
import type { Answer, Node } from '../helpers/nodes.js'
import { sameRows } from '../helpers/rows.js'
import { records, validEvents } from '../helpers/stream.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka } from '../../src/kafka/client.js'
import { KafkaSink } from '../../src/generator/sinks.js'
import { CATALOG } from '../../views/catalog/index.js'
import { dedupe, evaluate } from '../../views/evaluate.js'
import type { Row } from '../../views/evaluate.js'
import { rankMeasure } from '../../views/state/rank.js'
import { partialOf } from '../../views/state/partial.js'
import { answer } from '../../src/serve/answer.js'
import { parseViewQuery } from '../../src/serve/view-query.js'

const run = `servecl${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.teardown(dropTopics(topicPrefix))
const PORTS = [18191, 18192]
const env = nodeEnv(run)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const startNode = (port: number) => startNodeWith(['serve', '--batch-at', 'off', '--snapshot-every', '5s'], port, env)

const whole = (a: Answer) => a.freshness.cluster !== null && a.freshness.cluster.nodes === 2 && a.freshness.cluster.missing.length === 0 && a.freshness.cluster.replaying.length === 0

t.before(requireServices)

t.test('two serve nodes in one group: every view through either node equals the reference', async (t) => {
  // no late events: with no batch run, those past the speed layer's retention would be nobody's
  const input = records(9090, 6_000, { late: 0 })
  const events = validEvents(input)
  const kafka = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' })
  const nodes = await Promise.all(PORTS.map(startNode))
  t.teardown(() => {
    for (const n of nodes) n.child.kill('SIGKILL')
    if (!t.passing()) for (const n of nodes) console.error(`--- node :${n.port}\n${n.log.slice(-3000)}`)
  })
  const sink = await new KafkaSink(kafka, 4, topicPrefix).open()
  for (let i = 0; i < input.length; i += 1000) await sink.write(input.slice(i, i + 1000))
  await sink.close()

  let last = ''
  for (let end = Date.now() + 90_000; Date.now() < end; await sleep(500)) {
    const answers = await Promise.all(PORTS.map((p) => ask(p, 'auth_daily_active_users')))
    last = JSON.stringify(answers.map((a) => a.freshness))
    if (answers.every((a) => whole(a) && a.freshness.speed.lag === 0)) break
  }
  const owned = await Promise.all(PORTS.map(async (p) => (await ask(p, 'auth_daily_active_users')).freshness.speed.partitions))
  t.ok(owned.every((n) => n > 0 && n < 24), `each node owns part of the 24 partitions (${owned.join(' + ')}); last freshness ${last}`)

  for (const port of PORTS) {
    for (const view of CATALOG) {
      const a = await ask(port, view.name)
      t.ok(whole(a), `${port} ${view.name}: both nodes answered for every partition (${JSON.stringify(a.freshness.cluster)})`)
      sameRows(t, view, a.rows.map(({ source, exact, ...row }) => (void source, void exact, row as Row)), evaluate(view, events), `node :${port} ${view.name}`)
    }
  }

  // the second node leaves: the first takes over its partitions, and alone it answers top-N by threshold reads
  const [first, second] = nodes as [Node, Node]
  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0, 'the second node stops cleanly on SIGTERM')
  const alone = (a: Answer) => a.freshness.speed.partitions === 24 && a.freshness.speed.lag === 0 && JSON.stringify(a.freshness.cluster) === JSON.stringify({ nodes: 1, missing: [], unreachable: [], replaying: [] })
  for (let end = Date.now() + 90_000; Date.now() < end; await sleep(500)) {
    const a = await ask(first.port, 'auth_daily_active_users')
    last = JSON.stringify(a.freshness)
    if (alone(a)) break
  }
  t.ok(alone(await ask(first.port, 'auth_daily_active_users')), `the first node holds all 24 partitions, caught up; last freshness ${last}`)
  const reads = async () => {
    const text = await (await fetch(`http://127.0.0.1:${first.port}/metrics`)).text()
    const count = (outcome: string) => Number(new RegExp(`pulse_serve_speed_reads_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1])
    return { threshold: count('threshold'), fallback: count('threshold_fallback') }
  }
  const before = await reads()
  const deduped = dedupe(events)
  let ranked = 0
  for (const view of CATALOG) {
    if (view.window === undefined) continue
    for (const column of Object.keys(view.measures)) {
      if (rankMeasure(view, column, true) < 0) continue
      const res = await fetch(`http://127.0.0.1:${first.port}/api/views/${view.name}?top=3&order=-${column}&limit=10000`)
      t.equal(res.status, 200, `${view.name} top 3 by ${column}`)
      const body = (await res.json()) as Answer
      const want = answer(view, undefined, partialOf(view, deduped), parseViewQuery(view, { top: '3', order: `-${column}`, limit: '10000' }))
      t.same(
        body.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
        want.rows.map(({ source, exact, ...row }) => (void source, void exact, row)),
        `${view.name} top 3 by ${column}: the reference's rows, in order`,
      )
      t.same(body.freshness.cluster, { nodes: 1, missing: [], unreachable: [], replaying: [] }, `${view.name}: the answer covers the cluster`)
      ranked++
    }
  }
  const after = await reads()
  t.ok(ranked >= 20, `${ranked} top-N queries compared`)
  t.equal(after.threshold - before.threshold, ranked, `each answered by a threshold read of the node's own workers (threshold reads ${before.threshold} → ${after.threshold})`)
  t.equal(after.fallback, before.fallback, 'none fell back to a full read')

  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0, 'the first node stops cleanly on SIGTERM')
})
