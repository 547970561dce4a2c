// The native record scanner against JSON.parse: every record it reads must give
// the fields and event time JSON.parse and the validator give, the same verdict
// and the same reason; every other record must take the JSON path. Then whole
// actors: state applied through the scanner is byte for byte the state applied
// through JSON.parse.
import t from 'tap'
import type { Test } from 'tap'
import { RecordScanner, topicFields } from '../../../actors/record-scan.js'
import { PartitionActor } from '../../../actors/partition-actor.js'
import { packRecords } from '../../../actors/record-batch.js'
import type { RawRecord } from '../../../actors/record-batch.js'
import { applyOnOneThread } from '../../../bench/one-thread.js'
import { EventValidator } from '../../../src/events/validate.js'
import { TOPICS } from '../../../src/events/contract.js'
import type { Topic } from '../../../src/events/contract.js'
import { EventGenerator } from '../../../src/generator/generator.js'
import type { GeneratedRecord } from '../../../src/generator/generator.js'
import { MemorySink } from '../../../src/generator/sinks.js'
import { runGenerator } from '../../../src/generator/run.js'
import { Rng } from '../../../src/generator/rng.js'
import { partitionFor } from '../../../src/kafka/partitioner.js'

interface Seen {
  /** the record's fields as the cursor held them (copied: the cursor is reused), or null: JSON path */
  fields: Record<string, unknown> | null
  time: number
  verdict: boolean
  reason: string
}

/** Runs `values` of one topic through a scanner, 500 to a batch, and records what the actor was handed for each. */
function scanAll(topic: Topic, values: readonly (string | Uint8Array)[], scanner = new RecordScanner()): Seen[] {
  const names = topicFields(topic)
  const seen: Seen[] = []
  const v = new EventValidator()
  let base = 0
  // the two ways an actor takes a record, as PartitionActor.applyFields and apply validate them
  const actor = {
    applyFields(e: Record<string, unknown>, time: number, offset: number) {
      const fields: Record<string, unknown> = {}
      for (const n of names) fields[n] = e[n]
      const verdict = v.checkScanned(topic, e, time)
      seen[base + offset] = { fields, time, verdict, reason: verdict ? '' : v.reason }
    },
    apply(value: string | Uint8Array, offset: number) {
      const verdict = v.check(topic, value)
      seen[base + offset] = { fields: null, time: NaN, verdict, reason: verdict ? '' : v.reason }
    },
  } as unknown as PartitionActor
  for (base = 0; base < values.length; base += 500) {
    const b = packRecords(topic, 0, values.slice(base, base + 500).map((value, offset): RawRecord => ({ value, offset })))
    scanner.applyBatch(actor, b, 0, b.ends.length, 0)
  }
  return seen
}

/** What JSON.parse and the validator make of a record: its fields, time, verdict and reason. */
function expected(topic: Topic, value: string | Uint8Array): { parsed: Record<string, unknown> | undefined; time: number; verdict: boolean; reason: string } {
  const v = new EventValidator()
  const verdict = v.check(topic, value)
  let parsed: Record<string, unknown> | undefined
  try {
    const p: unknown = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'))
    if (typeof p === 'object' && p !== null && !Array.isArray(p)) parsed = p as Record<string, unknown>
  } catch {
    parsed = undefined
  }
  return { parsed, time: verdict ? v.eventTime : NaN, verdict, reason: verdict ? '' : v.reason }
}

/** Checks every record; returns how many the scanner read. */
function agree(t: Test, topic: Topic, values: readonly (string | Uint8Array)[], scanner?: RecordScanner): number {
  const seen = scanAll(topic, values, scanner)
  let scanned = 0
  const wrong: string[] = []
  for (const [i, s] of seen.entries()) {
    if (s === undefined) {
      wrong.push(`record ${i}: never handed to the actor`)
      continue
    }
    const want = expected(topic, values[i]!)
    const text = typeof values[i] === 'string' ? (values[i] as string) : `bytes ${Buffer.from(values[i]!).toString('hex')}`
    if (s.verdict !== want.verdict || s.reason !== want.reason) wrong.push(`${text}: ${s.verdict} ${s.reason} / JSON path: ${want.verdict} ${want.reason}`)
    if (s.fields === null) continue
    scanned++
    if (want.parsed === undefined) {
      wrong.push(`${text}: scanned, but JSON.parse makes no object of it`)
      continue
    }
    for (const [name, value] of Object.entries(s.fields)) {
      if (!Object.is(value, want.parsed[name])) wrong.push(`${text}: ${name} scanned as ${String(value)}, JSON.parse ${String(want.parsed[name])}`)
    }
    if (want.verdict && !Object.is(s.time, want.time)) wrong.push(`${text}: time ${s.time}, JSON path ${want.time}`)
  }
  if (seen.length !== values.length) wrong.push(`${seen.length} records handed to the actor, ${values.length} sent`)
  t.same(wrong.slice(0, 5), [], `${topic}: ${values.length} records agree with the JSON path (${scanned} scanned)`)
  return scanned
}

const auth = (fields: string) => `{"event_id":"e1","event_type":"LOGIN","timestamp":"2026-11-22T09:41:12.345Z","user_id":"u1"${fields}}`

t.test('crafted records: what the scanner reads is what JSON.parse reads, and the rest takes the JSON path', async (t) => {
  const scannedCases = [
    auth(''),
    auth(',"session_id":"s1","role":"student","device_type":"web","schema_version":1'),
    `  {  "event_id" : "e1" ,\n\t"event_type":"LOGIN",\r"timestamp":"2026-11-22T09:41:12Z","user_id":"u1"}  \n`,
    auth(',"x":{"y":[1,2,{"z":null}],"w":"v"},"__proto__":{"a":1}'),
    auth(',"schema_version":-0'),
    auth(',"schema_version":1e0'),
    auth(',"schema_version":1.5E-2'),
    auth(',"session_id":null'),
    auth(',"session_id":true'),
    auth(',"session_id":""'),
    auth(',"session_id":"\x7f"'),
    auth(',"failure_reason":"locked"'),
    auth('').replace('.345Z', '.3Z'),
    auth('').replace('2026-11-22', '2024-02-29'),
  ]
  const fallbackCases = [
    auth(',"session_id":"s\\u0031"'),
    auth(',"session_id":"é"'),
    auth(',"user_id":"u2"'),
    auth(',"schema_version":1e400'),
    auth(',"schema_version":01'),
    auth(',"schema_version":1.'),
    auth(',"schema_version":+1'),
    auth(',"schema_version":-'),
    auth(',"session_id":["a"]'),
    auth(',"session_id":{"a":1}'),
    auth('') + 'x',
    auth('') + ',',
    auth(',').replace(',}', ',}'),
    auth('').slice(0, -1),
    auth('').replace('"u1"', '"u\t1"'),
    auth('').replace('event_id', 'event\\u005fid'),
    auth('').replace('2026-11-22', '2026-02-30'),
    auth('').replace('Z"', 'z"'),
    auth('').replace('.345Z', '.3456Z'),
    auth(',"x":"\\n"'),
    auth(',"x":[1,]'),
    '{}',
    '{"event_type":"LOGIN"}',
    '[1]',
    '"text"',
    '42',
    '',
    'not json',
  ]
  const all = [...scannedCases, ...fallbackCases]
  const seen = scanAll('auth_topic', all)
  t.same(
    seen.slice(0, scannedCases.length).map((s) => s.fields !== null),
    scannedCases.map(() => true),
    'the plain records are scanned',
  )
  t.same(
    seen.slice(scannedCases.length).map((s) => s.fields === null),
    fallbackCases.map(() => true),
    'records with escapes, non-ASCII text, repeated fields, numbers out of range, lists, malformed JSON, or no timestamp the scanner can parse, take the JSON path',
  )
  agree(t, 'auth_topic', all)
  // bytes that are not UTF-8 reach the strict decoder
  agree(t, 'auth_topic', [Buffer.from([0xff, 0x7b, 0x7d]), Buffer.concat([Buffer.from(auth('').slice(0, 40)), Buffer.from([0xc3])])])
})

t.test('timestamps: the scanner parses exactly the instants parseInstant does, to the same time', async (t) => {
  const rng = new Rng(9)
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  const stamps: string[] = ['0000-03-01T00:00:00Z', '1999-12-31T23:59:59.999Z', '2000-02-29T12:00:00.5Z', '2100-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-04-31T00:00:00Z', '2024-04-30T24:00:00Z', '2024-04-30T23:60:00Z', '2024-04-30T23:59:60Z', '2024-04-30T23:59:59.Z', '2024-04-30 23:59:59Z', '2024-04-30T23:59:59+00:00']
  for (let i = 0; i < 3000; i++) {
    const year = 1900 + rng.int(250)
    const base = `${pad(year, 4)}-${pad(1 + rng.int(12), 2)}-${pad(1 + rng.int(31), 2)}T${pad(rng.int(25), 2)}:${pad(rng.int(61), 2)}:${pad(rng.int(61), 2)}`
    const digits = rng.int(5)
    stamps.push(`${base}${digits === 0 ? '' : '.' + pad(rng.int(10 ** Math.min(digits, 3)), Math.min(digits, 3)) + (digits > 3 ? '0' : '')}Z`)
  }
  const values = stamps.map((ts) => `{"event_id":"e1","event_type":"SIGNUP","timestamp":"${ts}","user_id":"u1"}`)
  const scanned = agree(t, 'auth_topic', values)
  t.ok(scanned > 1000, `${scanned} of ${values.length} parsed by the scanner`)
})

/** Generated records per topic, with the generator's faults (invalid records, duplicates, late events). */
async function generated(count: number, seed: number): Promise<GeneratedRecord[]> {
  const mem = new MemorySink()
  await runGenerator(new EventGenerator({ seed, intensity: 20, invalid: 0.05 }), mem, { count, quiet: true })
  return mem.records
}

t.test('generated records, and mutations of them, agree with the JSON path on every topic', async (t) => {
  const records = await generated(30_000, 11)
  const rng = new Rng(5)
  const noise = '{}[]:,"\\ 0123456789.eE-+tfnula'
  for (const topic of TOPICS) {
    const values = records.filter((r) => r.topic === topic).map((r) => r.value as string)
    const scanned = agree(t, topic, values)
    // profile updates carry a list (fields_changed): those take the JSON path
    if (topic !== 'profile_topic') t.ok(scanned > 0.9 * values.length, `${topic}: most records are scanned (${scanned} of ${values.length})`)
    const mutated = values.slice(0, 1500).map((v) => {
      const at = rng.int(v.length)
      switch (rng.int(4)) {
        case 0:
          return v.slice(0, at) + v.slice(at + 1)
        case 1:
          return v.slice(0, at) + noise[rng.int(noise.length)]! + v.slice(at)
        case 2:
          return v.slice(0, at)
        default:
          return v.slice(0, at) + noise[rng.int(noise.length)]! + v.slice(at + 1)
      }
    })
    agree(t, topic, mutated)
  }
})

t.test('a dictionary that starts over keeps giving the right strings', async (t) => {
  const records = await generated(6_000, 3)
  const scanner = new RecordScanner(50)
  const values = records.filter((r) => r.topic === 'video_topic').map((r) => r.value as string)
  t.ok(agree(t, 'video_topic', values, scanner) > 0)
})

t.test('actors fed through the scanner hold exactly the state of actors fed through JSON.parse', async (t) => {
  const records = await generated(40_000, 23)
  const viaJson = new Map<string, PartitionActor>()
  const offsets = new Map<string, number>()
  for (const r of records) {
    const p = partitionFor(r.key, 4)
    const id = `${r.topic}/${p}`
    let a = viaJson.get(id)
    if (a === undefined) viaJson.set(id, (a = new PartitionActor(r.topic, p)))
    const o = offsets.get(id) ?? 0
    offsets.set(id, o + 1)
    a.apply(r.value, o)
  }
  const viaScanner = applyOnOneThread(records, 4)
  t.same([...viaScanner.keys()].sort(), [...viaJson.keys()].sort())
  const differing: string[] = []
  for (const [id, a] of viaJson) {
    const b = viaScanner.get(id)!
    t.same(b.counters, a.counters, `${id}: counters`)
    if (!Buffer.from(a.snapshot()).equals(Buffer.from(b.snapshot()))) differing.push(id)
  }
  t.same(differing, [], 'every actor snapshot is the same bytes')
})

t.test('a pairing end kept until its start comes holds its own fields, not the reused cursor', async (t) => {
  // sessions whose end (under another user) arrives before the LOGIN, and ends whose LOGIN never comes
  const values: string[] = []
  const logins = new Map<string, number>()
  let moved = 0
  let orphaned = 0
  for (const r of await generated(20_000, 5)) {
    if (r.topic !== 'auth_topic') continue
    let e: Record<string, unknown>
    try {
      e = JSON.parse(r.value) as Record<string, unknown>
    } catch {
      values.push(r.value)
      continue
    }
    const type = e['event_type']
    const session = String(e['session_id'])
    if (type === 'LOGIN') {
      logins.set(session, values.length)
      values.push(r.value)
    } else if ((type === 'LOGOUT' || type === 'SESSION_TIMEOUT') && logins.has(session)) {
      const at = logins.get(session)!
      logins.delete(session)
      const end = JSON.stringify({ ...e, user_id: `${String(e['user_id'])}-end` })
      if (orphaned < moved) {
        // its LOGIN is dropped: the end waits, and a snapshot writes it
        values[at] = end
        orphaned++
      } else {
        values.push(values[at]!)
        values[at] = end
        moved++
      }
    } else values.push(r.value)
  }
  t.ok(moved > 20 && orphaned > 20, `${moved} ends before their start, ${orphaned} without one`)

  const viaJson = new PartitionActor('auth_topic', 0)
  values.forEach((v, i) => viaJson.apply(v, i))
  const viaScanner = new PartitionActor('auth_topic', 0)
  const b = packRecords('auth_topic', 0, values.map((value, offset): RawRecord => ({ value, offset })))
  new RecordScanner().applyBatch(viaScanner, b, 0, b.ends.length, 0)
  const [a, s] = [Buffer.from(viaJson.snapshot()), Buffer.from(viaScanner.snapshot())]
  t.ok(a.equals(s), `the same snapshot either way (${a.length} and ${s.length} bytes)`)
  // `sessions` (measure 0) holds the pairs' durations; n counts them
  const pairedUnderEndUsers = (actor: PartitionActor) => {
    let n = 0
    for (const g of actor.views.find((v) => v.name === 'auth_user_session_metrics')!.partial().groups.values()) {
      if (String(g.key[0]).endsWith('-end')) n += (g.states[0] as { n: number }).n
    }
    return n
  }
  const paired = pairedUnderEndUsers(viaScanner)
  t.equal(paired, pairedUnderEndUsers(viaJson), 'pairs count for the end event’s user, as through JSON.parse')
  t.ok(paired > moved * 0.9, `${paired} of the ${moved} sessions whose end came first (the rest make no pair through JSON.parse either)`)
})
