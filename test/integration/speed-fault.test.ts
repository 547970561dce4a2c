// Exactly-once state under crashes: `pulse speed` processes are killed with
// SIGKILL at random points and restarted over the same Kafka topics; the views
// they end with must equal those of one uninterrupted run on the same input.
import t from 'tap'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropTopics, requireServices } from '../helpers/services.js'
import { sameRows } from '../helpers/rows.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka } from '../../src/kafka/client.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { KafkaSink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { Rng } from '../../src/generator/rng.js'
import { CATALOG } from '../../views/catalog/index.js'
import type { Row } from '../../views/evaluate.js'

const run = `speedfault${Date.now().toString(36)}`
const topicPrefix = `${run}.`
t.teardown(dropTopics(topicPrefix))
const COUNT = 1_000_000
const dir = mkdtempSync(join(tmpdir(), 'pulse-speed-fault-'))
const env = {
  ...process.env,
  PULSE_KAFKA_BROKERS: LOCAL_SERVICES.kafka.brokers.join(','),
  PULSE_S3_ENDPOINT: LOCAL_SERVICES.s3.endpoint,
  PULSE_TOPIC_PREFIX: topicPrefix,
}
const speed = (name: string, extra: string[]): ChildProcess =>
  spawn(process.execPath, ['bin/pulse.js', 'speed', '--prefix', `test-runs/${run}/${name}/`, '--group', `${run}-${name}`, '--snapshot-every', '2s', '--workers', '2', ...extra], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)))
/** Resolves once the process reports records consumed; `last()` is its latest progress line. */
function progress(p: ChildProcess): { started: Promise<void>; last: () => string } {
  let last = ''
  let resolve = () => {}
  const started = new Promise<void>((r) => (resolve = r))
  p.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().trim().split('\n')) {
      last = line
      if (/consumed [1-9]/.test(line)) resolve()
    }
  })
  p.once('exit', () => resolve())
  return { started, last: () => last }
}

t.before(requireServices)
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test(`${COUNT.toLocaleString('en-US')} events, the speed layer killed with SIGKILL three times: the views of an uninterrupted run`, async (t) => {
  const sink = await new KafkaSink(createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' }), 4, topicPrefix).open()
  await runGenerator(new EventGenerator({ seed: 5151, invalid: 0.005, duplicates: 0.01, intensity: 20 }), sink, { count: COUNT, quiet: true })
  await sink.close()

  const straight = speed('straight', ['--until-idle', '3s', '--dump', join(dir, 'straight.json')])
  t.equal(await exited(straight), 0, 'the uninterrupted run finishes')

  const rng = new Rng(Date.now() % 100_000)
  for (let kill = 0; kill < 3; kill++) {
    const child = speed('crashy', [])
    const report = progress(child)
    // once it applies records (later members first wait out the dead one's 10 s session), kill at a random point
    await report.started
    await new Promise((r) => setTimeout(r, 500 + rng.int(2500)))
    child.kill('SIGKILL')
    t.equal(await exited(child), null, `run ${kill + 1} killed mid-run (${report.last()})`)
  }
  const last = speed('crashy', ['--until-idle', '3s', '--dump', join(dir, 'crashy.json')])
  t.equal(await exited(last), 0, 'the last run finishes and exits cleanly')

  const want = JSON.parse(readFileSync(join(dir, 'straight.json'), 'utf8')) as Record<string, Row[]>
  const got = JSON.parse(readFileSync(join(dir, 'crashy.json'), 'utf8')) as Record<string, Row[]>
  t.ok(Object.values(want).reduce((s, rows) => s + rows.length, 0) > 10_000, 'the views hold rows')
  for (const view of CATALOG) sameRows(t, view, got[view.name]!, want[view.name]!, view.name)
})
