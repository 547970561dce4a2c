// `pulse start` as an operator runs it: every role in one process on embedded
// defaults, stopped with SIGTERM, started again on the same data directory.
// A graceful stop must exit 0 with both consumer groups at the same offsets:
// the master dataset (read by DuckDB) then holds exactly the valid events the
// speed layer counted, once each, and a restart continues both without
// repeating or losing an event.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { queryMaster } from '../helpers/master.js'

const data = mkdtempSync(join(tmpdir(), 'pulse-start-'))
t.teardown(() => rmSync(data, { recursive: true, force: true }))

interface Session {
  code: number | null
  stdout: string
  url: string
  speedValid: number
  ingestedValid: number
}

/** Valid events the speed layer has applied, by the node's own metrics. */
async function validApplied(url: string): Promise<number> {
  const text = await (await fetch(`${url}metrics`)).text()
  let n = 0
  for (const line of text.split('\n')) if (line.startsWith('pulse_speed_events_total{') && line.includes('outcome="valid"')) n += Number(line.slice(line.lastIndexOf(' ') + 1))
  return n
}

/**
 * Starts `pulse start`, waits for the dashboard, `runMs` more and until the
 * speed layer has applied more than `minValid` valid events (a loaded machine
 * generates slower), sends SIGTERM; resolves when it exits.
 */
function session(runMs: number, minValid: number): Promise<Session> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pulse.js', 'start', '--rate', '2000', '--batch-at', 'off'], {
      env: { ...process.env, PULSE_KAFKA_BROKERS: '', PULSE_S3_ENDPOINT: '', PULSE_DATA_DIR: data, PULSE_HTTP_PORT: '0' },
    })
    let stdout = ''
    let url = ''
    let stopAt: number | undefined
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString()
      const m = /dashboard at (http:\/\/\S+)/.exec(stdout)
      if (m !== null && url === '') {
        url = m[1]!
        const stop = () => {
          stopAt = Date.now()
          child.kill('SIGTERM')
        }
        const deadline = Date.now() + runMs + 60_000
        const poll = async (): Promise<void> => {
          const enough = await validApplied(url).then((n) => n > minValid, () => false)
          if (enough || Date.now() > deadline) stop()
          else setTimeout(() => void poll(), 250)
        }
        setTimeout(() => void poll(), runMs)
      }
    })
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      const speed = /speed layer: \d+ records \((\d+) valid/.exec(stdout)
      const ingested = /ingested: (\d+) valid/.exec(stdout)
      t.ok(stopAt === undefined || Date.now() - stopAt < 30_000, 'stopped within the shutdown bound')
      resolve({ code, stdout, url, speedValid: Number(speed?.[1] ?? -1), ingestedValid: Number(ingested?.[1] ?? -1) })
    })
  })
}

const masterCounts = async () => {
  const [[rows, ids]] = (await queryMaster(join(data, 'store'), 'select count(*), count(distinct event_id) from master')) as [[bigint, bigint]]
  return { rows: Number(rows), ids: Number(ids) }
}

t.test('SIGTERM stops every role cleanly; the master dataset holds what the speed layer counted', async (t) => {
  const first = await session(6_000, 1_000)
  t.equal(first.code, 0, 'exit 0: ' + first.stdout.slice(-400))
  t.ok(first.speedValid > 1_000, `${first.speedValid} valid events through the speed layer`)
  t.equal(first.ingestedValid, first.speedValid, 'ingestion and the speed layer took the same events')
  const master = await masterCounts()
  t.equal(master.rows, first.speedValid, 'every valid event is in the master dataset')
  t.equal(master.ids, master.rows, 'once each')

  const second = await session(4_000, first.speedValid + 200)
  t.equal(second.code, 0, 'exit 0: ' + second.stdout.slice(-400))
  t.ok(second.speedValid > first.speedValid, `the restored speed layer continues: ${first.speedValid} → ${second.speedValid}`)
  const after = await masterCounts()
  t.equal(after.rows, second.speedValid, 'the master dataset and the restored speed layer agree after a restart')
  t.equal(after.ids, after.rows, 'no event written twice across the restart')
})
