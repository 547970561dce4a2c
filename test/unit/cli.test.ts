// The `pulse` command as a user runs it (compiled, from bin/pulse.js).
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

const run = promisify(execFile)
const pulse = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['bin/pulse.js', ...args], { env: { ...process.env, ...env, PULSE_KAFKA_BROKERS: '' } })

t.test('generate to a file, then validate: the validator flags exactly the invalid records', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'pulse-cli-')), 'events.ndjson')
  const gen = JSON.parse((await pulse(['generate', '--count', '30000', '--out', out, '--quiet', '--invalid', '0.03', '--seed', '5'])).stdout)
  const check = JSON.parse((await pulse(['validate', out, '--json'])).stdout)
  t.equal(gen.counts.valid + gen.counts.late, 30_000)
  t.equal(check.records, gen.records)
  t.equal(check.invalid, gen.counts.invalid)
  t.equal(check.repeatedEventIds, gen.counts.duplicate)
  for (const reason of Object.keys(check.reasons)) t.match(reason, /^(value|[a-z_]+(\[\d+\])?): |^event_type [A-Z_]+ does not belong on [a-z_]+$/)
})

t.test('start runs the embedded pipeline and stops cleanly', async (t) => {
  const data = mkdtempSync(join(tmpdir(), 'pulse-cli-start-'))
  const { stdout } = await pulse(['start', '--for', '6s', '--rate', '3000'], { PULSE_HTTP_PORT: '0', PULSE_DATA_DIR: data })
  t.match(stdout, /embedded mode/)
  t.match(stdout, /dashboard at http:\/\/127\.0\.0\.1:\d+\//)
  const stopped = /speed layer: (\d+) records \((\d+) valid, (\d+) duplicates, (\d+) invalid\)/.exec(stdout)
  t.ok(stopped, stdout)
  t.ok(Number(stopped![1]) > 0, 'records flowed through the speed layer')
  t.equal(Number(stopped![2]) + Number(stopped![3]) + Number(stopped![4]), Number(stopped![1]))
})

t.test('usage errors name the flag and exit 2', async (t) => {
  await t.rejects(pulse(['generate', '--count', 'lots']), { code: 2, stderr: /--count: expected an integer >= 1, got "lots"/ })
  await t.rejects(pulse(['generate', '--to', 'carrier-pigeon']), { code: 2, stderr: /--to: expected file, stdout or kafka/ })
  await t.rejects(pulse(['generate', '--wat']), { code: 2, stderr: /Unknown option '--wat'/ })
  await t.rejects(pulse(['frobnicate']), { code: 2, stderr: /unknown command "frobnicate"/ })
  await t.rejects(pulse(['start'], { PULSE_PARTITIONS: 'x' }), { code: 1, stderr: /PULSE_PARTITIONS must be an integer/ })
})

t.test('help lists the commands', async (t) => {
  const { stdout } = await pulse(['help'])
  for (const c of ['start', 'serve', 'generate', 'validate', 'views', 'query', 'replay', 'services']) t.match(stdout, new RegExp(`\\n  ${c} `))
  t.match((await pulse(['help', 'generate'])).stdout, /--duplicates F/)
})

t.test('serve: --help, and it needs Kafka', async (t) => {
  t.match((await pulse(['serve', '--help'])).stdout, /--port P/)
  t.match((await pulse(['help', 'start'])).stdout, /--port P/)
  await t.rejects(pulse(['serve', '--port', '0']), { code: 1, stderr: /pulse serve needs PULSE_KAFKA_BROKERS/ })
  await t.rejects(pulse(['start', '--port', 'x']), { code: 2, stderr: /--port: expected an integer/ })
})
