// The worker half of ingestion without Kafka or a store: raw records in, one
// Parquet file per event-time hour out (streamed in chunks or encoded in one
// call), duplicates dropped, invalid records as dead letters with their key.
import t from 'tap'
import { tableFromIPC } from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { keyAt, packRecords, transferList } from '../../actors/record-batch.js'
import { EventGenerator } from '../../src/generator/generator.js'
import { MemorySink } from '../../src/generator/sinks.js'
import { runGenerator } from '../../src/generator/run.js'
import { PartitionBuffer } from '../../src/ingest/partition-buffer.js'
import { HOUR } from '../../src/events/time.js'

const readRows = (bytes: Uint8Array) => tableFromIPC(readParquet(bytes).intoIPCStream())

t.test('keys travel with the values when asked for, null kept apart from empty', async (t) => {
  const b = packRecords('auth_topic', 1, [
    { value: '{}', offset: '5', key: Buffer.from('u-1') },
    { value: '{}', offset: '6', key: null },
    { value: '{}', offset: '7', key: '' },
  ], true)
  t.same([...b.offsets], [5, 6, 7], 'string offsets as numbers')
  t.same([0, 1, 2].map((i) => keyAt(b, i)), ['u-1', null, ''])
  t.equal(transferList(b).length, 6)
  t.equal(keyAt(packRecords('auth_topic', 1, [{ value: '{}', offset: 0, key: 'k' }]), 0), null, 'no keys unless asked for')
})

t.test('a partition buffer: rows by hour, duplicates dropped, dead letters with keys, ids and the latest time for the manifest', async (t) => {
  const sink = new MemorySink()
  await runGenerator(new EventGenerator({ seed: 77, invalid: 0.02, duplicates: 0.02, intensity: 50 }), sink, { count: 60_000, quiet: true })
  const records = sink.records.filter((r) => r.topic === 'video_topic')
  const buffer = new PartitionBuffer('video_topic', 'x.video_topic', 3, { dedupeWindow: 100_000, persistedIds: 10 }, [])
  const counts = { valid: 0, invalid: 0, duplicates: 0 }
  // several batches, so that hours fill chunks across appends
  for (let from = 0; from < records.length; from += 7000) {
    const slice = records.slice(from, from + 7000).map((r, i) => ({ value: r.value, key: r.key, offset: from + i }))
    const n = buffer.append(packRecords('x.video_topic', 3, slice, true))
    counts.valid += n.valid
    counts.invalid += n.invalid
    counts.duplicates += n.duplicates
  }
  const valid = records.filter((r) => r.kind === 'valid' || r.kind === 'late')
  t.ok(valid.length > 16_384, 'enough rows for an hour to be streamed in chunks')
  t.equal(counts.valid, valid.length)
  t.equal(counts.invalid, records.filter((r) => r.kind === 'invalid').length)
  t.equal(counts.duplicates, records.filter((r) => r.kind === 'duplicate').length)

  const flushed = await buffer.flush()
  const hours = new Set(valid.map((r) => r.eventTime - (r.eventTime % HOUR)))
  t.same(flushed.files.map((f) => f.hour).sort(), [...hours].sort(), 'one file per event-time hour')
  const ids: string[] = []
  for (const f of flushed.files) {
    const table = readRows(f.parquet)
    const times = table.getChild('timestamp')!.toArray() as BigInt64Array
    t.ok([...times].every((ms) => Number(ms) - (Number(ms) % HOUR) === f.hour), 'rows filed under their hour')
    const offsets = [...(table.getChild('kafka_offset')!.toArray() as BigInt64Array)].map(Number)
    t.ok(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!), 'offset order kept')
    ids.push(...(table.getChild('event_id')!.toArray() as string[]))
  }
  t.same(ids.sort(), valid.map((r) => JSON.parse(r.value).event_id as string).sort(), 'every valid event once')

  const letters = flushed.deadLetters.trim().split('\n').map((l) => JSON.parse(l))
  const invalid = records.filter((r) => r.kind === 'invalid')
  t.equal(letters.length, invalid.length)
  t.same(letters.map((l) => l.key), invalid.map((r) => r.key), 'keys kept')
  t.ok(letters.every((l) => l.topic === 'x.video_topic' && l.partition === 3))
  t.equal(flushed.recentIds.length, 10)
  t.equal(flushed.maxTime, Math.max(...valid.map((r) => r.eventTime)), 'the latest event time stored, for the manifest')

  const empty = await buffer.flush()
  t.same(empty.files, [], 'a flush starts new buffers')
  t.equal(empty.deadLetters, '')
  t.equal(empty.maxTime, null, 'no valid event, no time')
})
