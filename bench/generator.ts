// Generator throughput: records/s from the simulation alone, and through the
// NDJSON file sink (the `pulse generate --to file` path). Peer: writing the
// same bytes with no simulation behind them, the floor of the file path.
//
//   npx tsc -p tsconfig.json && node dist/bench/generator.js [records]
import { pathToFileURL } from 'node:url'
import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { EventGenerator } from '../src/generator/generator.js'
import { FileSink } from '../src/generator/sinks.js'
import { runGenerator } from '../src/generator/run.js'
import { encodeRecordLine } from '../src/generator/record-file.js'
import { printTable, saveResult } from './report.js'

const DEFAULT_RECORDS = 1_000_000

export async function runGeneratorBench(records = DEFAULT_RECORDS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-'))
  try {
    // 1. simulation + JSON encoding, nothing written
    let t = performance.now()
    const gen = new EventGenerator({ seed: 11 })
    let sink = 0
    for (let i = 0; i < records; i++) sink += gen.next()!.value.length
    const simSeconds = (performance.now() - t) / 1000
    const span = (gen.clock - gen.options.start) / 3_600_000

    // 2. the full `generate --to file` path
    const path = join(dir, 'events.ndjson')
    const summary = await runGenerator(new EventGenerator({ seed: 11 }), new FileSink(path), { count: records, quiet: true })
    const bytes = statSync(path).size

    // 3. peer: the same lines written with no simulation (the I/O + encoding floor)
    const lines: string[] = []
    const g2 = new EventGenerator({ seed: 11 })
    for (let i = 0; i < records; i++) {
      const r = g2.next()!
      lines.push(encodeRecordLine(r.topic, r.key, r.value))
    }
    t = performance.now()
    const out = createWriteStream(join(dir, 'floor.ndjson'))
    for (let i = 0; i < lines.length; i += 1000) {
      if (!out.write(lines.slice(i, i + 1000).join('\n') + '\n')) await once(out, 'drain')
    }
    out.end()
    await once(out, 'finish')
    const floorSeconds = (performance.now() - t) / 1000

    const rows = [
      { path: 'simulate + encode (memory)', records, 'records/s': Math.round(records / simSeconds), 'MB/s': null, seconds: simSeconds },
      {
        path: 'pulse generate --to file',
        records: summary.records,
        'records/s': summary.recordsPerSecond,
        'MB/s': Math.round(bytes / 1e6 / summary.seconds),
        seconds: summary.seconds,
      },
      { path: 'peer: write the same lines only', records, 'records/s': Math.round(records / floorSeconds), 'MB/s': Math.round(bytes / 1e6 / floorSeconds), seconds: floorSeconds },
    ]
    printTable(`Generator throughput, one core (${span.toFixed(1)} h of event time, default population of 5,000 students)`, rows)
    const file = saveResult('generator', { records, eventTimeHours: span, bytes, rows, checksum: sink })
    process.stdout.write(`results written to ${file}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const arg = process.argv[2]
  await runGeneratorBench(arg ? Number(arg) : DEFAULT_RECORDS)
}
