// Batches that cross to the workers: what goes in comes out, in order, as text
// when every record is valid UTF-8 on its own and as bytes otherwise.
import t from 'tap'
import { forEachRecord, packRecords, transferList } from '../../../actors/record-batch.js'
import { RecentIds } from '../../../src/events/recent-ids.js'

const unpack = (b: ReturnType<typeof packRecords>) => {
  const out: Array<{ value: Uint8Array | string; offset: number }> = []
  forEachRecord(b, (value, offset) => out.push({ value, offset }))
  return out
}

t.test('text and bytes round trip with their offsets', async (t) => {
  const b = packRecords('auth_topic', 2, [
    { value: '{"a":"é"}', offset: 7 },
    { value: Buffer.from('{"b":1}'), offset: 9 },
    { value: null, offset: 10 },
    { value: '', offset: 11 },
  ])
  t.equal(b.topic, 'auth_topic')
  t.equal(transferList(b).length, 3)
  t.same(unpack(b), [
    { value: '{"a":"é"}', offset: 7 },
    { value: '{"b":1}', offset: 9 },
    { value: '', offset: 10 },
    { value: '', offset: 11 },
  ])
})

t.test('a record that is not valid UTF-8 on its own reaches the validator as bytes', async (t) => {
  // "é" split across two records: the whole buffer is valid UTF-8, neither record is
  const e = Buffer.from('é')
  const b = packRecords('auth_topic', 0, [
    { value: e.subarray(0, 1), offset: 0 },
    { value: e.subarray(1), offset: 1 },
  ])
  const out = unpack(b)
  t.ok(out.every((r) => r.value instanceof Uint8Array), 'bytes, for strict decoding')
  const bad = packRecords('auth_topic', 0, [{ value: Buffer.from([0xff, 0x7b]), offset: 0 }])
  t.ok(unpack(bad)[0]!.value instanceof Uint8Array)
})

t.test('text batches of several hundred records round trip, ASCII or not anywhere in them', async (t) => {
  const ascii = Array.from({ length: 700 }, (_, i) => ({ value: `{"n":${i},"pad":"${'x'.repeat(i % 37)}"}`, offset: 1000 + i }))
  t.same(unpack(packRecords('video_topic', 1, ascii)), ascii, 'all ASCII: joined and encoded a slice at a time')
  for (const at of [0, 127, 128, 699]) {
    const mixed = ascii.map((r, i) => (i === at ? { ...r, value: `{"name":"Zoë ${i}"}` } : r))
    const b = packRecords('video_topic', 1, mixed)
    t.equal(b.data.length, Buffer.byteLength(mixed.map((r) => r.value).join('')), `non-ASCII record ${at}: every byte packed`)
    t.same(unpack(b), mixed, `non-ASCII record ${at}: round trip`)
  }
})

t.test('recent ids: a bounded horizon, oldest first', async (t) => {
  const r = new RecentIds(3)
  t.ok(r.add('a'))
  t.notOk(r.add('a'), 'a repeat')
  for (const id of ['b', 'c', 'd']) r.add(id)
  t.notOk(r.has('a'), 'fell out of the horizon')
  t.same(r.last(), ['b', 'c', 'd'])
  t.same(r.last(2), ['c', 'd'])
  t.equal(r.size, 3)
})
