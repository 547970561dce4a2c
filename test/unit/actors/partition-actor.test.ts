// Partition actors run in-process over a generated stream (invalid, duplicate
// and late records mixed in), split by key like Kafka: their merged partials
// must give the reference evaluator's rows for every view of the catalog.
import t from 'tap'
import { CATALOG } from '../../../views/catalog/index.js'
import { dedupe, evaluate } from '../../../views/evaluate.js'
import type { TimedEvent } from '../../../views/evaluate.js'
import { finalize, mergePartials, partialOf } from '../../../views/state/partial.js'
import type { ViewPartial } from '../../../views/state/partial.js'
import type { GeneratedRecord } from '../../../src/generator/generator.js'
import { EventValidator } from '../../../src/events/validate.js'
import { Writer } from '../../../views/state/codec.js'
import { opsFor } from '../../../views/state/measures.js'
import { writeGroup } from '../../../views/state/partial.js'
import type { Measure } from '../../../views/dsl.js'
import { records, validEvents } from '../../helpers/stream.js'
import { partitionFor } from '../../../src/kafka/partitioner.js'
import { HOUR } from '../../../src/events/time.js'
import { DEFAULT_ACTOR_OPTIONS, PartitionActor } from '../../../actors/partition-actor.js'
import type { ActorOptions } from '../../../actors/partition-actor.js'
import { sameRows } from '../../helpers/rows.js'

const PARTITIONS = 3

/** Feeds records to one actor per topic partition, in arrival order. */
function run(input: GeneratedRecord[], options: ActorOptions): Map<string, PartitionActor> {
  const actors = new Map<string, PartitionActor>()
  const offsets = new Map<string, number>()
  for (const r of input) {
    const id = `${r.topic}/${partitionFor(r.key, PARTITIONS)}`
    let a = actors.get(id)
    if (a === undefined) actors.set(id, (a = new PartitionActor(r.topic, partitionFor(r.key, PARTITIONS), options)))
    const offset = offsets.get(id) ?? 0
    offsets.set(id, offset + 1)
    a.apply(r.value, offset, 0)
  }
  return actors
}

function merged(actors: Iterable<PartitionActor>, view: string): ViewPartial {
  const out: ViewPartial = { view, groups: new Map() }
  for (const a of actors) a.query(view, {}, out)
  return out
}

const input = records(7, 40_000)
const events = validEvents(input)

t.test('every view equals the reference evaluator (retention covers every late event)', async (t) => {
  const actors = run(input, { ...DEFAULT_ACTOR_OPTIONS, retentionMs: 12 * HOUR })
  const total = [...actors.values()].reduce(
    (s, a) => ({ invalid: s.invalid + a.counters.invalid, duplicates: s.duplicates + a.counters.duplicates, late: s.late + a.counters.late, dropped: s.dropped + a.counters.dropped }),
    { invalid: 0, duplicates: 0, late: 0, dropped: 0 },
  )
  t.ok(total.invalid > 0 && total.duplicates > 0 && total.late > 0, `faults seen: ${JSON.stringify(total)}`)
  t.equal(total.dropped, 0)
  for (const view of CATALOG) sameRows(t, view, finalize(view, merged(actors.values(), view.name)), evaluate(view, events), view.name)
})

t.test('events older than the retention leave windowed views only, and are counted', async (t) => {
  const options = DEFAULT_ACTOR_OPTIONS
  const actors = run(input, options)
  // the rule restated: per partition, dropped when older than max event time so far − lateness − retention
  const v = new EventValidator()
  const maxTime = new Map<string, number>()
  const seen = new Set<string>()
  const kept: TimedEvent[] = []
  let dropped = 0
  for (const r of input) {
    if (!v.check(r.topic, r.value)) continue
    const id = String(v.event.event_id)
    if (seen.has(id)) continue
    seen.add(id)
    const p = `${r.topic}/${partitionFor(r.key, PARTITIONS)}`
    const max = maxTime.get(p) ?? -Infinity
    if (v.eventTime < max - options.latenessMs - options.retentionMs) dropped++
    else kept.push({ topic: r.topic, event: v.event as never, time: v.eventTime })
    maxTime.set(p, Math.max(max, v.eventTime))
  }
  t.ok(dropped > 0, `${dropped} events beyond the retention`)
  t.equal([...actors.values()].reduce((s, a) => s + a.counters.dropped, 0), dropped)
  for (const view of CATALOG) {
    if (view.window === undefined) continue
    sameRows(t, view, finalize(view, merged(actors.values(), view.name)), evaluate(view, kept), view.name)
  }
  const daily = CATALOG.find((x) => x.window === undefined && x.topic === 'auth_topic')!
  sameRows(t, daily, finalize(daily, merged(actors.values(), daily.name)), evaluate(daily, events), `${daily.name} (not windowed) takes every event`)
})

t.test('a snapshot restores the same state; replayed offsets are skipped', async (t) => {
  const first = input.slice(0, 20_000)
  const actors = run(first, DEFAULT_ACTOR_OPTIONS)
  const restored = new Map<string, PartitionActor>()
  for (const [id, a] of actors) {
    const b = new PartitionActor(a.topic, a.partition)
    b.restore(a.snapshot())
    t.same(b.snapshot(), a.snapshot(), `${id}: snapshot round trip`)
    restored.set(id, b)
  }
  // replay everything: offsets already applied are skipped, the rest applied
  const offsets = new Map<string, number>()
  for (const r of input) {
    const id = `${r.topic}/${partitionFor(r.key, PARTITIONS)}`
    const offset = offsets.get(id) ?? 0
    offsets.set(id, offset + 1)
    let a = restored.get(id)
    if (a === undefined) restored.set(id, (a = new PartitionActor(r.topic, partitionFor(r.key, PARTITIONS))))
    a.apply(r.value, offset, 0)
  }
  const straight = run(input, DEFAULT_ACTOR_OPTIONS)
  for (const [id, a] of straight) {
    const b = restored.get(id)!
    t.equal(b.counters.replayed, actors.get(id)?.counters.records ?? 0, `${id}: replayed records skipped`)
    b.counters.replayed = 0
    t.same(b.snapshot(), a.snapshot(), `${id}: restored + replayed = uninterrupted`)
  }
})

/**
 * An actor's snapshot in version 3's form: the same bytes up to the views,
 * then each view's groups one by one (window, key, states), as versions 1-3
 * wrote them.
 */
function version3(a: PartitionActor): Uint8Array {
  const bytes = a.snapshot()
  const columns = new Writer().varint(a.views.length)
  const rows = new Writer().varint(a.views.length)
  for (const v of a.views) {
    columns.string(v.name)
    v.write(columns)
    rows.string(v.name).varint(v.buckets.size)
    const ops = Object.values<Measure>(v.def.measures).map(opsFor)
    for (const [hour, b] of v.buckets) {
      rows.f64(hour).varint(b.table.n)
      for (let slot = 0; slot < b.table.n; slot++) writeGroup(rows, ops, b.table.group(slot))
    }
  }
  const head = bytes.subarray(1, bytes.length - columns.finish().length)
  return new Writer().u8(3).raw(head).raw(rows.finish()).finish()
}

t.test('version 3 and version 2 snapshots (groups one by one; recent ids as strings) restore to the same state', async (t) => {
  const first = input.slice(0, 5_000)
  const actors = run(first, DEFAULT_ACTOR_OPTIONS)
  const v = new EventValidator()
  for (const [id, a] of actors) {
    const bytes = a.snapshot()
    const v3 = version3(a)
    const from3 = new PartitionActor(a.topic, a.partition)
    from3.restore(v3)
    t.same(from3.snapshot(), bytes, `${id}: same state from version 3`)

    // the ids version 2 wrote: the actor's valid, distinct ones (fewer than its horizon), oldest first
    const ids: string[] = []
    const seen = new Set<string>()
    for (const r of first) {
      if (`${r.topic}/${partitionFor(r.key, PARTITIONS)}` !== id || !v.check(r.topic, r.value)) continue
      const eid = v.event.event_id
      if (!seen.has(eid)) ids.push(eid), seen.add(eid)
    }
    // version 3's bytes, with the fingerprint block replaced by the strings
    const head = new Writer().u8(3).string(a.topic).varint(a.partition).f64(a.nextOffset).f64(a.maxTime).f64(a.cutoff)
    for (const n of Object.values(a.counters)) head.varint(n)
    head.varint(a.droppedByHour.size)
    for (const [hour, n] of a.droppedByHour) head.f64(hour).varint(n)
    const at = head.finish().length
    const prints = new Writer().varint(ids.length).finish().length + 12 * ids.length
    const old = new Writer().u8(2).raw(v3.subarray(1, at)).varint(ids.length)
    for (const eid of ids) old.string(eid)
    old.raw(v3.subarray(at + prints))
    const b = new PartitionActor(a.topic, a.partition)
    b.restore(old.finish())
    t.same(b.snapshot(), bytes, `${id}: same state from version 2`)
  }
})

t.test('batch (before the cutoff) ⊕ speed (after it) counts every event once', async (t) => {
  // the cutoff arrives mid-stream, at the end of the hour being received: events before it
  // already applied are dropped, those still to come are skipped
  const options = { ...DEFAULT_ACTOR_OPTIONS, retentionMs: 12 * HOUR }
  const half = Math.floor(input.length * 0.7)
  const cutoff = Math.ceil(validEvents(input.slice(half - 100, half)).at(-1)!.time / HOUR) * HOUR
  const actors = run(input.slice(0, half), options)
  let removed = 0
  for (const a of actors.values()) removed += a.setCutoff(cutoff)
  t.ok(removed > 0, `${removed} groups dropped at the cutoff`)
  const offsets = new Map<string, number>()
  for (const r of input) {
    const id = `${r.topic}/${partitionFor(r.key, PARTITIONS)}`
    const offset = offsets.get(id) ?? 0
    offsets.set(id, offset + 1)
    let a = actors.get(id)
    if (a === undefined) actors.set(id, (a = new PartitionActor(r.topic, partitionFor(r.key, PARTITIONS), options)))
    a.apply(r.value, offset, 0)
  }
  t.ok([...actors.values()].some((a) => a.counters.beforeCutoff > 0), 'events before the cutoff were skipped')
  const batchSide = dedupe(events).filter((e) => e.time < cutoff)
  for (const view of CATALOG) {
    const speed = merged(actors.values(), view.name)
    const both = mergePartials(view, partialOf(view, batchSide), speed)
    sameRows(t, view, finalize(view, both), evaluate(view, events), view.name)
  }
  t.throws(() => actors.values().next().value!.setCutoff(cutoff + 1), { code: 'PULSE_ERR_INVALID_STATE' })
})
