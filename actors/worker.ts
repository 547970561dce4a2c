// A Piscina worker hosting partition actors. Each worker runs one thread, so an
// actor is only ever touched by one thread. Tasks that change state (apply,
// open, close, cutoff, snapshot) run one at a time in arrival order from a
// queue of the worker's own, so an actor sees its batches in offset order.
// Reads (query, stats) run as they arrive: the host counts the reads it has sent
// in a shared counter, and a batch being applied looks at it every READ_CHECK
// records and yields to the event loop (where the read's message waits) when it
// is not zero. A query waits for a few dozen records, not for a whole batch,
// and for one view of an actor's snapshot being written, not the whole actor.
//
// A threshold read (views/state/rank.ts) takes three reads, and all three must
// see one state: from its first until its last, state tasks wait. A hold ends
// after rankHoldMs at the latest (an idle worker sleeps in Piscina's
// Atomics.wait and keeps it until a task wakes it: nothing waits on it then).
// A later phase that finds its hold expired answers null, and the reader falls
// back to a full query.
import { getHeapStatistics } from 'node:v8'
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina'
import { watchGcPauses } from './gc-pauses.js'
import { runInBackground } from '../src/thread-priority.js'
import { PartitionActor } from './partition-actor.js'
import type { ActorCounters, ActorOptions } from './partition-actor.js'
import { RecordScanner } from './record-scan.js'
import type { RecordBatch } from './record-batch.js'
import type { GroupFilter } from './live-view.js'
import { viewNamed } from '../views/catalog/index.js'
import { GroupCollector, serializeGroups } from '../views/state/partial.js'
import type { Group } from '../views/state/partial.js'
import type { RankedGroups } from '../views/state/rank.js'
import { SlotRanking } from './slot-rank.js'
import type { RankList } from '../views/state/rank.js'
import type { ViewDef } from '../views/dsl.js'
import type { KeyTuple } from '../views/semantics.js'

export type Task =
  | { op: 'open'; topic: string; partition: number; snapshot: Uint8Array | null; startOffset?: number }
  | { op: 'close'; topic: string; partition: number }
  | ({ op: 'apply' } & RecordBatch)
  /** `unless`: the actor's last stored snapshot; an actor still at it (same offset and cutoff, nothing to evict) answers bytes: null */
  | { op: 'snapshot'; topic: string; partition: number; unless?: { nextOffset: number; cutoff: number } }
  | { op: 'query'; view: string; filter: GroupFilter; partitions?: readonly string[] }
  | { op: 'cutoff'; cutoff: number }
  | { op: 'stats' }
  /** the worker's heap in use, in bytes (after a full collection when the process runs with --expose-gc) */
  | { op: 'heap' }
  /** the worker's threshold-read holds since it started (HoldStats) */
  | { op: 'holds' }
  /** the worker's garbage-collection pauses since it started (gc-pauses.ts) */
  | { op: 'gc' }
  /** phase 1 of a threshold read: holds the state, answers a RankOpened (null: no group selected) */
  | { op: 'rank'; view: string; filter: GroupFilter; measure: number; k: number; ties?: boolean }
  /** phase 2: the held groups at or above their window's threshold (null: hold expired) */
  | { op: 'rankAbove'; token: number; thresholds: Array<[number | null, number]> }
  /** phase 3: the named held groups, serialized, ending the hold (null: hold expired) */
  | { op: 'rankFetch'; token: number; ids: readonly string[] }
  | { op: 'rankRelease'; token: number }

/** Reads that bypass the state queue. */
const READS: ReadonlySet<Task['op']> = new Set(['query', 'stats', 'heap', 'holds', 'gc', 'rank', 'rankAbove', 'rankFetch', 'rankRelease'])

/** A worker's threshold-read holds since it started. */
export interface HoldStats {
  holds: number
  /** time state tasks could not run, summed over holds (ms) */
  heldMs: number
  /** holds that ended at rankHoldMs, before their read's last phase */
  expired: number
}

export interface RankOpened {
  token: number
  top: RankList
}

export interface ActorStats {
  topic: string
  partition: number
  nextOffset: number
  maxTime: number
  watermark: number
  cutoff: number
  counters: ActorCounters
  groups: number
  entities: number
  /** Oldest event-time hour held (see PartitionActor.heldFrom). */
  heldFrom: number | null
  /** [hour start, events] dropped from windowed views since the cutoff. */
  droppedByHour: Array<[number, number]>
}

export interface ActorSnapshot {
  topic: string
  partition: number
  nextOffset: number
  cutoff: number
  /** null: unchanged since the snapshot the task named (nothing to write) */
  bytes: Uint8Array | null
  /** time spent writing it (ms), applying nothing meanwhile (reads answered between its views not counted) */
  ms: number
  /** times it let waiting reads run between two of its views */
  readTurns: number
}

runInBackground()
const data = workerData as { actor: ActorOptions; reads: SharedArrayBuffer; rankHoldMs: number }
const options = data.actor
/** Reads sent by the host and not yet begun here. */
const readsWaiting = new Int32Array(data.reads)
const actors = new Map<string, PartitionActor>()
/** records → actors, without JSON.parse for the common record (one batch at a time: state tasks run in turn) */
const scanner = new RecordScanner()
const idOf = (topic: string, partition: number) => `${topic}/${partition}`

function actor(topic: string, partition: number): PartitionActor {
  const a = actors.get(idOf(topic, partition))
  if (a === undefined) throw new Error(`no actor for ${topic}/${partition} on this worker`)
  return a
}

/** Records applied between two looks at the read counter. */
const READ_CHECK = 16

const ordered: Array<{ task: Task; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = []
let draining = false

/** Threshold reads in progress, by token. */
const holds = new Map<number, { view: ViewDef; held: SlotRanking; ranked: RankedGroups; timer: ReturnType<typeof setTimeout>; since: number }>()
const holdStats: HoldStats = { holds: 0, heldMs: 0, expired: 0 }
/** this worker's collections, read as the `gc` op (metrics, bench/speed-reads) */
const gcPauses = watchGcPauses()
let nextToken = 1
let released: Promise<void> | undefined
let release: (() => void) | undefined

/** Resolves once no threshold read holds the state. */
async function unheld(): Promise<void> {
  while (holds.size > 0) await (released ??= new Promise<void>((r) => (release = r)))
}

function endHold(token: number, expired = false): void {
  const h = holds.get(token)
  if (h === undefined) return
  clearTimeout(h.timer)
  holds.delete(token)
  holdStats.holds++
  holdStats.heldMs += performance.now() - h.since
  if (expired) holdStats.expired++
  if (holds.size === 0 && release !== undefined) {
    release()
    release = released = undefined
  }
}

async function drain(): Promise<void> {
  draining = true
  for (let item = ordered.shift(); item !== undefined; item = ordered.shift()) {
    try {
      if (holds.size > 0) await unheld()
      item.resolve(await run(item.task))
    } catch (err) {
      item.reject(err)
    }
  }
  draining = false
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

async function applySliced(task: Extract<Task, { op: 'apply' }>): Promise<number> {
  const a = actor(task.topic, task.partition)
  const n = task.ends.length
  let now = Date.now()
  for (let from = 0; from < n; from += READ_CHECK) {
    if (from > 0) {
      if (Atomics.load(readsWaiting, 0) > 0) await turn()
      if (holds.size > 0) await unheld()
      now = Date.now()
    }
    scanner.applyBatch(a, task, from, Math.min(n, from + READ_CHECK), now)
  }
  return a.nextOffset
}

/**
 * An actor's snapshot, written view by view: between two views a waiting read
 * is answered (state tasks stay queued meanwhile, so the snapshot is of one
 * state), instead of waiting for the whole actor, tens to hundreds of ms.
 */
async function snapshotSliced(task: Extract<Task, { op: 'snapshot' }>): Promise<unknown> {
  const a = actors.get(idOf(task.topic, task.partition))
  if (a === undefined) return null
  let t0 = performance.now()
  const evicted = a.evict()
  // state changes only by applying records, a cutoff move or an eviction
  const unchanged = evicted === 0 && task.unless !== undefined && task.unless.nextOffset === a.nextOffset && task.unless.cutoff === a.cutoff
  let bytes: Uint8Array | null = null
  let ms = 0
  let readTurns = 0
  if (!unchanged) {
    const steps = a.snapshotSteps()
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) {
        bytes = step.value
        break
      }
      if (Atomics.load(readsWaiting, 0) > 0) {
        ms += performance.now() - t0
        readTurns++
        await turn()
        t0 = performance.now()
      }
    }
  }
  ms += performance.now() - t0
  const out: ActorSnapshot = { topic: a.topic, partition: a.partition, nextOffset: a.nextOffset, cutoff: a.cutoff, bytes, ms, readTurns }
  if (bytes === null) return out
  // the bytes are transferred, not copied
  return move({ [transferableSymbol]: bytes.buffer, [valueSymbol]: out })
}

export default function handle(task: Task): unknown {
  if (READS.has(task.op)) {
    Atomics.sub(readsWaiting, 0, 1)
    return run(task)
  }
  return new Promise((resolve, reject) => {
    ordered.push({ task, resolve, reject })
    if (!draining) void drain()
  })
}

function run(task: Task): unknown {
  switch (task.op) {
    case 'open': {
      const a = new PartitionActor(task.topic, task.partition, options)
      if (task.snapshot !== null) a.restore(task.snapshot)
      else if (task.startOffset !== undefined) a.nextOffset = task.startOffset
      actors.set(idOf(task.topic, task.partition), a)
      return a.nextOffset
    }
    case 'close':
      return actors.delete(idOf(task.topic, task.partition))
    case 'apply':
      return applySliced(task)
    case 'snapshot':
      return snapshotSliced(task)
    case 'query': {
      const view = viewNamed(task.view)
      if (view === undefined) return null
      // a cluster gather names the partitions each node answers for (the group's assignment)
      const only = task.partitions === undefined ? undefined : new Set(task.partitions)
      const owners = [...actors.values()].filter((a) => a.topic === view.topic && (only === undefined || only.has(idOf(a.topic, a.partition))))
      // the live groups are written as they are; only a group that two actors
      // hold is merged (into a copy), so the serving thread reads each once
      const collect = new GroupCollector(view, owners.length > 1)
      for (const a of owners) a.select(view.name, task.filter, collect.add)
      return move(serializeGroups(view, collect.groups))
    }
    case 'rank': {
      const view = viewNamed(task.view)
      if (view === undefined) return null
      // groups as (table, slot), built only when fetched: the hold keeps the state as it is meanwhile
      const held = new SlotRanking(view, task.measure)
      for (const a of actors.values()) if (a.topic === view.topic) a.view(view.name)?.selectSlots(task.filter, held.add)
      if (held.size === 0) return null
      const ranked = held.ranked()
      const token = nextToken++
      holds.set(token, { view, held, ranked, timer: setTimeout(() => endHold(token, true), data.rankHoldMs), since: performance.now() })
      return { token, top: ranked.top(task.k, task.ties === true) } satisfies RankOpened
    }
    case 'rankAbove': {
      const h = holds.get(task.token)
      return h === undefined ? null : h.ranked.above(new Map(task.thresholds))
    }
    case 'rankFetch': {
      const h = holds.get(task.token)
      if (h === undefined) return null
      const groups: Group[] = []
      for (const id of task.ids) {
        const [window, key] = JSON.parse(id) as [number | null, KeyTuple]
        const g = h.held.group(window, key)
        if (g !== undefined) groups.push(g)
      }
      const bytes = serializeGroups(h.view, groups)
      endHold(task.token)
      return move(bytes)
    }
    case 'heap': {
      ;(globalThis as { gc?: () => void }).gc?.()
      // the state's typed-array columns live outside the heap (external memory)
      const heap = getHeapStatistics()
      return heap.used_heap_size + heap.external_memory
    }
    case 'holds':
      return { ...holdStats }
    case 'gc':
      return structuredClone(gcPauses)
    case 'rankRelease':
      endHold(task.token)
      return null
    case 'cutoff': {
      let removed = 0
      for (const a of actors.values()) removed += a.setCutoff(task.cutoff)
      return removed
    }
    case 'stats': {
      const now = Date.now()
      const out: ActorStats[] = []
      for (const a of actors.values()) {
        out.push({ topic: a.topic, partition: a.partition, nextOffset: a.nextOffset, maxTime: a.maxTime, watermark: a.watermark(now), cutoff: a.cutoff, counters: { ...a.counters }, ...a.size, heldFrom: a.heldFrom, droppedByHour: [...a.droppedByHour] })
      }
      return out
    }
  }
}
