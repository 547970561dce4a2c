// Validator throughput on one core.
//
// Takes ~200,000 raw records from the event generator (JSON strings, and the same as
// UTF-8 Buffers as Kafka hands them over) across all 32 event types, plus a variant
// where 5% of the records are the generator's invalid ones. Measures EventValidator.check against its
// floor, a bare JSON.parse of the same corpus (with the same try/catch), warm-up first,
// best of 5 whole-corpus passes, cases interleaved so drift hits all of them alike.
//
//   npx tsc -p tsconfig.json && node dist/bench/validator.js [records]
import { pathToFileURL } from 'node:url'
import { EventValidator } from '../src/events/validate.js'
import { printTable, saveResult } from './report.js'
import { EventGenerator } from '../src/generator/generator.js'
import { EVENTS } from '../src/events/contract.js'
import type { EventType } from '../src/events/contract.js'

const DEFAULT_RECORDS = 200_000
const INVALID_SHARE = 0.05
const RUNS = 5
const WARMUP_PASSES = 2

// ---------------------------------------------------------------------------
// Corpus: the project's own generator, so the mix of types and shapes is the
// realistic one (video heartbeats dominate) and invalid records are its faults.
// ---------------------------------------------------------------------------

interface Corpus {
  topics: string[]
  values: string[]
  buffers: Buffer[]
  bytes: number
  invalid: number
  byType: Record<string, number>
}

function buildCorpus(n: number, invalidShare: number, seed: number): Corpus {
  const gen = new EventGenerator({ seed, invalid: invalidShare / (1 - invalidShare), duplicates: 0, late: 0 })
  const topics: string[] = []
  const values: string[] = []
  const byType: Record<string, number> = {}
  let invalid = 0
  while (values.length < n) {
    const r = gen.next()!
    topics.push(r.topic)
    values.push(r.value)
    if (r.kind === 'invalid') invalid++
    else {
      const type = (JSON.parse(r.value) as { event_type: string }).event_type
      byType[type] = (byType[type] ?? 0) + 1
    }
  }
  const buffers = values.map((v) => Buffer.from(v, 'utf8'))
  const bytes = buffers.reduce((sum, b) => sum + b.length, 0)
  return { topics, values, buffers, bytes, invalid, byType }
}

// ---------------------------------------------------------------------------
// Measured loops (each returns a checksum so no work can be optimised away)
// ---------------------------------------------------------------------------

interface Outcome {
  valid: number
  sink: number
}

function parseStrings(c: Corpus): Outcome {
  const { values } = c
  let valid = 0
  let sink = 0
  for (let i = 0; i < values.length; i++) {
    try {
      const o = JSON.parse(values[i]!) as { event_id?: unknown } | null
      if (o !== null && typeof o === 'object') {
        valid++
        sink += typeof o.event_id === 'string' ? o.event_id.length : 0
      }
    } catch {
      sink--
    }
  }
  return { valid, sink }
}

const decoder = new TextDecoder('utf-8', { fatal: true })

function parseBuffers(c: Corpus): Outcome {
  const { buffers } = c
  let valid = 0
  let sink = 0
  for (let i = 0; i < buffers.length; i++) {
    try {
      const o = JSON.parse(decoder.decode(buffers[i]!)) as { event_id?: unknown } | null
      if (o !== null && typeof o === 'object') {
        valid++
        sink += typeof o.event_id === 'string' ? o.event_id.length : 0
      }
    } catch {
      sink--
    }
  }
  return { valid, sink }
}

const validator = new EventValidator()

function checkStrings(c: Corpus): Outcome {
  const { topics, values } = c
  const v = validator
  let valid = 0
  let sink = 0
  for (let i = 0; i < values.length; i++) {
    if (v.check(topics[i]!, values[i]!)) {
      valid++
      sink += v.eventTime % 1000
    } else sink += v.reason.length
  }
  return { valid, sink }
}

function checkBuffers(c: Corpus): Outcome {
  const { topics, buffers } = c
  const v = validator
  let valid = 0
  let sink = 0
  for (let i = 0; i < buffers.length; i++) {
    if (v.check(topics[i]!, buffers[i]!)) {
      valid++
      sink += v.eventTime % 1000
    } else sink += v.reason.length
  }
  return { valid, sink }
}

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------

interface Case {
  name: string
  input: 'string' | 'Buffer'
  corpus: 'valid' | '5% invalid'
  role: 'floor' | 'validator'
  run: () => Outcome
  /** Valid outcomes the pass must report (a correctness guard on the benchmark itself). */
  expectValid: number
  best: number
  times: number[]
}

export interface ValidatorBenchResult {
  records: number
  rows: Record<string, string | number>[]
}

export function runValidatorBench(records = DEFAULT_RECORDS): ValidatorBenchResult {
  const t0 = performance.now()
  const clean = buildCorpus(records, 0, 0x5eed)
  const dirty = buildCorpus(records, INVALID_SHARE, 0x5eed)
  const buildMs = performance.now() - t0

  const cases: Case[] = []
  const add = (
    name: string,
    input: Case['input'],
    corpus: Case['corpus'],
    role: Case['role'],
    c: Corpus,
    fn: (c: Corpus) => Outcome,
    expectValid: number,
  ) => cases.push({ name, input, corpus, role, run: () => fn(c), expectValid, best: Infinity, times: [] })

  // JSON.parse "valid" = parsed to an object; the truncated records are the only ones it rejects.
  const dirtyParsable = dirty.values.filter((v) => {
    try {
      JSON.parse(v)
      return true
    } catch {
      return false
    }
  }).length
  add('JSON.parse', 'string', 'valid', 'floor', clean, parseStrings, records)
  add('EventValidator.check', 'string', 'valid', 'validator', clean, checkStrings, records)
  add('JSON.parse', 'string', '5% invalid', 'floor', dirty, parseStrings, dirtyParsable)
  add('EventValidator.check', 'string', '5% invalid', 'validator', dirty, checkStrings, records - dirty.invalid)
  add('decode + JSON.parse', 'Buffer', 'valid', 'floor', clean, parseBuffers, records)
  add('EventValidator.check', 'Buffer', 'valid', 'validator', clean, checkBuffers, records)
  add('decode + JSON.parse', 'Buffer', '5% invalid', 'floor', dirty, parseBuffers, dirtyParsable)
  add('EventValidator.check', 'Buffer', '5% invalid', 'validator', dirty, checkBuffers, records - dirty.invalid)

  // Warm-up: let every loop and the compiled field checks reach the optimising tier.
  for (let w = 0; w < WARMUP_PASSES; w++) for (const c of cases) c.run()

  let sink = 0
  for (let r = 0; r < RUNS; r++) {
    for (const c of cases) {
      const start = process.hrtime.bigint()
      const out = c.run()
      const ns = Number(process.hrtime.bigint() - start)
      if (out.valid !== c.expectValid) {
        throw new Error(`${c.name} (${c.input}, ${c.corpus}): ${out.valid} valid, expected ${c.expectValid}`)
      }
      sink += out.sink
      c.times.push(ns)
      if (ns < c.best) c.best = ns
    }
  }

  const floorOf = (c: Case) => cases.find((f) => f.role === 'floor' && f.input === c.input && f.corpus === c.corpus)!
  const eps = (c: Case) => (records * 1e9) / c.best
  const rows = cases.map((c) => {
    const floor = floorOf(c)
    const bytes = c.corpus === 'valid' ? clean.bytes : dirty.bytes
    return {
      case: c.name,
      input: c.input,
      corpus: c.corpus,
      'events/s': Math.round(eps(c)),
      'ns/event': Math.round((c.best / records) * 10) / 10,
      'MB/s': Math.round((bytes / 1e6) * (1e9 / c.best)),
      'best ms': Math.round(c.best / 1e5) / 10,
      'median ms': Math.round([...c.times].sort((a, b) => a - b)[c.times.length >> 1]! / 1e5) / 10,
      'vs floor': c === floor ? 1 : Math.round((eps(c) / eps(floor)) * 1000) / 1000,
    }
  })

  printTable(
    `Validator throughput, one core: ${records.toLocaleString('en-US')} records, ` +
      `avg ${Math.round(clean.bytes / records)} B, best of ${RUNS} (after ${WARMUP_PASSES} warm-up passes); ` +
      `"vs floor" = events/s relative to JSON.parse of the same input`,
    rows,
  )

  const validatorRows = rows.filter((r) => r.case === 'EventValidator.check')
  const summary = validatorRows.map((r) => ({
    input: r.input,
    corpus: r.corpus,
    'validator/JSON.parse (throughput)': r['vs floor'],
    'validator cost over JSON.parse': `${Math.round((1 / (r['vs floor'] as number) - 1) * 1000) / 10}%`,
  }))
  printTable('Ratio validator / JSON.parse', summary)

  const mix = Object.entries(clean.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([type, count]) => ({ type, topic: EVENTS[type as EventType].topic, share: `${((100 * count) / records).toFixed(1)}%` }))
  const path = saveResult('validator', {
    corpus: {
      records,
      invalidShare: INVALID_SHARE,
      invalidRecords: dirty.invalid,
      bytesValid: clean.bytes,
      bytesInvalidVariant: dirty.bytes,
      avgRecordBytes: Math.round(clean.bytes / records),
      buildMs: Math.round(buildMs),
      mix,
    },
    method: {
      runs: RUNS,
      warmupPasses: WARMUP_PASSES,
      statistic: 'best of runs, whole corpus per run, cases interleaved',
      floor: 'JSON.parse in the same try/catch loop (Buffer input: fatal TextDecoder + JSON.parse)',
    },
    results: rows,
    ratios: summary,
    checksum: sink,
  })
  process.stdout.write(`results written to ${path}\n`)
  return { records, rows }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const arg = process.argv[2]
  runValidatorBench(arg ? Number(arg) : DEFAULT_RECORDS)
}
