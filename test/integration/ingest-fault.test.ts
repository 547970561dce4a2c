// Exactly once under crashes: a million events are ingested by `pulse ingest`
// processes that are killed with SIGKILL at random points and restarted; the
// master dataset must end up with every valid event exactly once.
import t from 'tap'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dropTopics, requireServices } from '../helpers/services.js'
import { download, queryMaster } from '../helpers/master.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka } from '../../src/kafka/client.js'
import { S3Store } from '../../src/store/s3-store.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { KafkaSink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { Rng } from '../../src/generator/rng.js'

const run = `fault${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.teardown(dropTopics(topicPrefix))
const prefix = `test-runs/${run}/`
const COUNT = 1_000_000
const env = {
  ...process.env,
  PULSE_KAFKA_BROKERS: LOCAL_SERVICES.kafka.brokers.join(','),
  PULSE_S3_ENDPOINT: LOCAL_SERVICES.s3.endpoint,
  PULSE_TOPIC_PREFIX: topicPrefix,
}
const ingest = (extra: string[]): ChildProcess =>
  spawn(process.execPath, ['bin/pulse.js', 'ingest', '--prefix', prefix, '--group', `${run}-ingest`, '--flush-events', '40000', '--flush-every', '1s', ...extra], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)))

t.before(requireServices)

t.test(`${COUNT.toLocaleString('en-US')} events, the ingester killed with SIGKILL four times: every valid event exactly once`, async (t) => {
  const options = { seed: 9191, invalid: 0.005, duplicates: 0.01 }
  const sink = await new KafkaSink(createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' }), 4, topicPrefix).open()
  await runGenerator(new EventGenerator(options), sink, { count: COUNT, quiet: true })
  await sink.close()

  const rng = new Rng(Date.now() % 100_000)
  for (let kill = 0; kill < 4; kill++) {
    const child = ingest([])
    // long enough to outlast the dead member's 10 s session and make progress, then kill at a random point
    await new Promise((r) => setTimeout(r, 11_000 + rng.int(5000)))
    child.kill('SIGKILL')
    t.equal(await exited(child), null, `ingester ${kill + 1} killed mid-run`)
  }
  const last = ingest(['--until-idle', '5s'])
  t.equal(await exited(last), 0, 'the last ingester finishes and exits cleanly')

  // the ids the generator sent, recomputed without keeping the records
  const gen = new EventGenerator(options)
  const expected = new Set<string>()
  for (let r = gen.next(COUNT); r !== undefined; r = gen.next(COUNT)) if (r.kind === 'valid' || r.kind === 'late') expected.add(JSON.parse(r.value).event_id)
  for (const r of gen.drain()) if (r.kind === 'late') expected.add(JSON.parse(r.value).event_id)
  t.equal(expected.size, COUNT)

  const { dir } = await download(new S3Store(LOCAL_SERVICES.s3), prefix)
  const [[count, distinct]] = (await queryMaster(dir, 'select count(*), count(distinct event_id) from master')) as [[bigint, bigint]]
  t.equal(Number(count), COUNT, 'no event twice')
  t.equal(Number(distinct), COUNT, 'no event lost')
  const ids = (await queryMaster(dir, 'select event_id from master')).map((r) => r[0] as string)
  t.ok(ids.every((id) => expected.has(id)), 'exactly the generated valid events')
})
