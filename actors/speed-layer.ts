// The speed layer on one node: partition actors spread over worker threads,
// fed by a source (Kafka or the embedded log), snapshotted to the object store,
// and queried for mergeable partial state.
//
// Each worker is its own single-thread Piscina pool, so a partition always lands
// on the same thread (its actor's home) and its batches run in order. A worker's
// mailbox is bounded: `apply` waits for room, and the source stops consuming
// while it waits (backpressure instead of memory growth).
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { ObjectStore } from '../src/store/object-store.js'
import { TOPICS } from '../src/events/contract.js'
import { viewNamed } from '../views/catalog/index.js'
import { mergeSerialized } from '../views/state/partial.js'
import type { ViewPartial } from '../views/state/partial.js'
import { pulseError } from '../src/errors.js'
import { DEFAULT_ACTOR_OPTIONS } from './partition-actor.js'
import type { ActorOptions } from './partition-actor.js'
import { packRecords, transferList } from './record-batch.js'
import type { RawRecord } from './record-batch.js'
import type { GroupFilter } from './live-view.js'
import type { ActorSnapshot, ActorStats, HoldStats, RankOpened, Task } from './worker.js'
import type { GcPauses } from './gc-pauses.js'
import type { RankList, RankSession } from '../views/state/rank.js'

export interface SpeedOptions {
  /** Worker threads hosting actors. */
  workers: number
  /** Batches queued per worker before `apply` waits. */
  mailbox: number
  /** Object-store key prefix of the snapshots. */
  prefix: string
  /** Restore actors from their snapshots when they open. */
  restore: boolean
  /** How long a threshold read may hold a worker's state tasks (ms; see worker.ts). */
  rankHoldMs: number
  actor: ActorOptions
}

export const DEFAULT_SPEED_OPTIONS: SpeedOptions = {
  workers: Math.max(1, Math.min(4, availableParallelism())),
  mailbox: 8,
  prefix: '',
  restore: true,
  rankHoldMs: 100,
  actor: DEFAULT_ACTOR_OPTIONS,
}

/**
 * Worker threads for a node that also answers queries: one core fewer than the
 * machine has, at least one, at most four. A worker applying events keeps its
 * core busy; with one per core, the serving thread waits for a core behind
 * them, and on 2 cores a point query's p99 under 50k events/s was 164-1,086 ms
 * with 2 workers against 67-210 ms with 1, which still applied the 50k/s
 * (docs/serving.md, "A core for the serving thread").
 */
export function servingWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1))
}

/** A command's speed workers: `configured` (PULSE_SPEED_WORKERS) when set, else servingWorkers where the node serves, else one per core. */
export function workersFor(configured: number | undefined, serves: boolean): number {
  return configured ?? (serves ? servingWorkers() : DEFAULT_SPEED_OPTIONS.workers)
}

/** Reads a worker takes while two state tasks are there; more wait in the pool's queue. */
const READS_AT_WORKER = 16

export const snapshotKey = (prefix: string, topic: string, partition: number): string =>
  `${prefix}_speed/snapshots/${topic}/${partition}.snap`

/** The compiled worker module (tests run the TypeScript sources; workers always run dist/). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.js') ? join(dirname(here), 'worker.js') : resolve(dirname(here), '..', 'dist', 'actors', 'worker.js')
}

class Host {
  readonly pool: Piscina
  inflight = 0
  /** the last task submitted, settled */
  private tail: Promise<unknown> = Promise.resolve()
  /** the task submitted before it, settled */
  private gate: Promise<unknown> = Promise.resolve()
  private fence: Promise<unknown> = Promise.resolve()
  private waiters: Array<() => void> = []
  /** reads out at the worker, settled */
  private readonly reads = new Set<Promise<void>>()
  /** Reads sent to the worker and not yet begun there (shared with it: see worker.ts). */
  private readonly readsWaiting = new Int32Array(new SharedArrayBuffer(4))

  constructor(options: SpeedOptions) {
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: 1,
      maxThreads: 1,
      // two state tasks at the worker (see run), and reads beside them: the
      // worker queues state tasks itself and runs reads as they come (see read)
      concurrentTasksPerWorker: 2 + READS_AT_WORKER,
      idleTimeout: Infinity,
      workerData: { actor: options.actor, reads: this.readsWaiting.buffer, rankHoldMs: options.rankHoldMs },
    })
  }

  /**
   * Tasks run strictly in submission order, at most two at the worker: each
   * goes to the pool when the one two places before it has finished. The
   * worker takes its second task from its own port as soon as the first ends,
   * instead of idling until this thread, which may be busy, hands it the next;
   * a port delivers in order and the worker queues state tasks in that order.
   */
  run<T>(task: Task, transfer?: ArrayBuffer[]): Promise<T> {
    this.inflight++
    const done = this.gate.then(() => this.pool.run(task, transfer === undefined ? undefined : { transferList: transfer }) as Promise<T>)
    this.gate = this.tail
    this.tail = done.catch(() => undefined)
    // reads skip the queue (below), but not a state change they must see
    if (task.op === 'cutoff' || task.op === 'open' || task.op === 'close') this.fence = this.tail
    return done.finally(() => {
      this.inflight--
      const w = this.waiters.shift()
      if (w !== undefined) w()
    })
  }

  /**
   * A read (query, stats) goes straight to the pool instead of behind every
   * queued batch, and is counted where the worker sees it: the batch being
   * applied yields to it within a few dozen records (worker.ts). Reads change no
   * state, so they need no place in the actors' order; only a cutoff move,
   * an open or a close submitted before a read is waited for, so that a read
   * sees the cutoff that was set when it was submitted.
   */
  read<T>(task: Task): Promise<T> {
    return this.fence.then(() => this.direct<T>(task))
  }

  /** A read sent at once, behind no fence: `read` after its fence, and the later phases of a threshold read (a cutoff queued behind their hold would wait for them). */
  direct<T>(task: Task): Promise<T> {
    Atomics.add(this.readsWaiting, 0, 1)
    const answer = this.pool.run(task) as Promise<T>
    const settled = answer.then(
      () => void this.reads.delete(settled),
      () => void this.reads.delete(settled),
    )
    this.reads.add(settled)
    return answer
  }

  /**
   * Resolves once every task sent to the worker has been answered. A pool
   * destroyed with a task out crashes the process when the worker's answer
   * comes back (Piscina emits 'error' for a task it no longer knows).
   */
  async settled(): Promise<void> {
    for (;;) {
      const tail = this.tail
      await Promise.all([tail, ...this.reads])
      // a read behind the fence is sent in a later microtask
      await new Promise<void>((r) => setImmediate(r))
      if (tail === this.tail && this.reads.size === 0) return
    }
  }

  async room(limit: number): Promise<void> {
    while (this.inflight >= limit) await new Promise<void>((r) => this.waiters.push(r))
  }
}

export interface SnapshotReport {
  /** actors whose stored snapshot is now current: written, or unchanged since their last one */
  actors: number
  /** of those, the ones left as they were (no record applied, no cutoff move since their last snapshot) */
  unchanged: number
  bytes: number
  ms: number
  /** the longest a worker stopped applying records to write one actor's state (ms) */
  pauseMs: number
  /** times a worker let waiting reads run between two views of an actor it was writing */
  readTurns: number
  /** each snapshotted actor's next offset */
  offsets: Array<{ topic: string; partition: number; nextOffset: number }>
}

/**
 * Calls `take` every `everyMs` with the spread of a periodic snapshot: half the
 * period, so the workers pause for one actor at a time, now and then. A tick
 * that finds the previous snapshot still being written is skipped (no queue of
 * them); a failed one is logged, the previous snapshot stays the truth and the
 * next tick tries again. Returns what stops it.
 */
export function snapshotPeriodically(everyMs: number, take: (spreadMs: number) => Promise<unknown>): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    take(everyMs / 2)
      .catch((err: Error) => console.error(`pulse: snapshot failed: ${err.message}`))
      .finally(() => (busy = false))
  }, everyMs)
  return () => clearInterval(timer)
}

export class SpeedLayer {
  readonly options: SpeedOptions
  private readonly hosts: Host[]
  /** `applied`: the first offset its actor has not yet applied, as of the last batch it finished */
  private readonly owned = new Map<string, { topic: string; partition: number; host: Host; applied: number }>()
  /** per owned actor, what its last snapshot known stored holds (a snapshot skips an actor still there) */
  private readonly stored = new Map<string, { nextOffset: number; cutoff: number }>()
  /** In-flight applies; the first failure stops the layer. */
  private readonly pending = new Set<Promise<unknown>>()
  failure: Error | undefined
  cutoff = -Infinity
  lastSnapshot: SnapshotReport | undefined
  private snapshotting: Promise<unknown> = Promise.resolve()
  /** snapshots asked for now and not yet written: a spread one in progress stops waiting */
  private urgent = 0
  private closed = false
  private readonly sleepers = new Set<() => void>()

  constructor(
    private readonly store: ObjectStore,
    options: Partial<Omit<SpeedOptions, 'actor'>> & { actor?: Partial<ActorOptions> } = {},
  ) {
    this.options = { ...DEFAULT_SPEED_OPTIONS, ...options, actor: { ...DEFAULT_ACTOR_OPTIONS, ...options.actor } }
    if (this.options.workers < 1) throw pulseError('PULSE_ERR_CONFIG', 'speed layer workers must be at least 1')
    this.hosts = Array.from({ length: this.options.workers }, () => new Host(this.options))
  }

  private hostFor(topic: string, partition: number): Host {
    const t = TOPICS.indexOf(topic as never)
    return this.hosts[((t < 0 ? 0 : t) * 131 + partition) % this.hosts.length]!
  }

  /** Partitions with an actor on this node. */
  get partitions(): Array<{ topic: string; partition: number }> {
    return [...this.owned.values()].map(({ topic, partition }) => ({ topic, partition }))
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.has(`${topic}/${partition}`)
  }

  /** The first offset of the partition its actor has not applied (batches handed over but not finished are not counted); undefined when not open here. */
  applied(topic: string, partition: number): number | undefined {
    return this.owned.get(`${topic}/${partition}`)?.applied
  }

  /**
   * Creates the partition's actor (from its snapshot when restoring); returns the
   * offset to consume from. An actor without a snapshot starts at `startOffset`
   * (a replay that measures only what it sends starts at the partition's end).
   */
  async open(topic: string, partition: number, startOffset = 0): Promise<number> {
    const id = `${topic}/${partition}`
    const host = this.hostFor(topic, partition)
    const raw = this.options.restore ? await this.store.tryGet(snapshotKey(this.options.prefix, topic, partition)) : undefined
    const snapshot = raw === undefined ? null : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
    await this.drain()
    const next = await host.run<number>({ op: 'open', topic, partition, snapshot, startOffset })
    this.owned.set(id, { topic, partition, host, applied: next })
    // a restored actor keeps its own cutoff; a newer one published since applies now
    if (this.cutoff > -Infinity) await host.run({ op: 'cutoff', cutoff: this.cutoff })
    return next
  }

  /** Forgets a partition that moved to another node (its new owner restores the last snapshot). */
  async release(topic: string, partition: number): Promise<void> {
    const o = this.owned.get(`${topic}/${partition}`)
    if (o === undefined) return
    this.owned.delete(`${topic}/${partition}`)
    this.stored.delete(`${topic}/${partition}`)
    await this.drain()
    await o.host.run({ op: 'close', topic, partition })
  }

  /** Hands records of one partition (in offset order) to its actor; waits while the actor's mailbox is full. */
  async apply(topic: string, partition: number, records: readonly RawRecord[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    if (records.length === 0) return
    const o = this.owned.get(`${topic}/${partition}`)
    if (o === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `partition ${topic}/${partition} is not open on this node`)
    await o.host.room(this.options.mailbox)
    const batch = packRecords(topic, partition, records)
    const job = o.host.run<number>({ op: 'apply', ...batch }, transferList(batch))
    this.pending.add(job)
    job.then(
      (next) => {
        this.pending.delete(job)
        o.applied = next
      },
      (err: Error) => {
        this.pending.delete(job)
        this.failure ??= err
      },
    )
  }

  /** Waits until every batch handed over so far is applied. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    if (this.failure !== undefined) throw this.failure
  }

  /**
   * Writes every actor's snapshot (state + next offset) to the store. Calls
   * queue behind one another, so a slower, older snapshot never lands last.
   * With `spreadMs`, a worker's actors are written spread over that time
   * instead of back to back (periodic snapshots: the workers never stop for
   * long stretches); a snapshot asked without it (shutdown, admin) makes one
   * in progress finish at once.
   */
  snapshot(options: { spreadMs?: number } = {}): Promise<SnapshotReport> {
    const spreadMs = options.spreadMs ?? 0
    const urgent = spreadMs === 0
    if (urgent) this.hurry()
    const next = this.snapshotting.then(() => this.snapshotNow(spreadMs)).finally(() => {
      if (urgent) this.urgent--
    })
    this.snapshotting = next.catch(() => undefined)
    return next
  }

  /** A spread snapshot in progress stops waiting between actors (until `urgent` is back to 0). */
  private hurry(): void {
    this.urgent++
    for (const wake of this.sleepers) wake()
  }

  /** Waits `ms`, or less when a snapshot is asked for now. */
  private spreadPause(ms: number): Promise<void> {
    if (this.urgent > 0) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.sleepers.add(wake)
    })
  }

  /**
   * Each worker writes its actors one at a time, each as its own task in the
   * worker's queue: the batches handed over meanwhile run between two actors'
   * snapshots, so a worker stops applying for one actor's state at a time,
   * not for all of its actors'. Every actor's snapshot is its own consistent
   * (state, next offset) pair; they need not be of one instant. An actor's
   * PUT overlaps the next actor's serialization.
   */
  private async snapshotNow(spreadMs: number): Promise<SnapshotReport> {
    const t0 = performance.now()
    const byHost = new Map<Host, Array<{ topic: string; partition: number }>>()
    for (const { topic, partition, host } of this.owned.values()) {
      const list = byHost.get(host)
      if (list === undefined) byHost.set(host, [{ topic, partition }])
      else list.push({ topic, partition })
    }
    const report: SnapshotReport = { actors: 0, unchanged: 0, bytes: 0, ms: 0, pauseMs: 0, readTurns: 0, offsets: [] }
    const puts: Array<Promise<unknown>> = []
    const written = await Promise.allSettled(
      [...byHost].map(async ([host, list]) => {
        for (const [i, { topic, partition }] of list.entries()) {
          if (i > 0 && spreadMs > 0) await this.spreadPause(spreadMs / list.length)
          if (this.closed && spreadMs > 0) break
          const id = `${topic}/${partition}`
          const s = await host.run<ActorSnapshot | null>({ op: 'snapshot', topic, partition, unless: this.stored.get(id) })
          if (s === null) continue // released meanwhile: its new owner has it
          report.actors++
          report.pauseMs = Math.max(report.pauseMs, s.ms)
          report.readTurns += s.readTurns
          report.offsets.push({ topic, partition, nextOffset: s.nextOffset })
          if (s.bytes === null) {
            report.unchanged++
            continue
          }
          report.bytes += s.bytes.length
          // a PUT replaces the object whole: a reader sees the previous snapshot or this one
          const put = this.store.put(snapshotKey(this.options.prefix, topic, partition), s.bytes, { contentType: 'application/octet-stream' })
          // a quiet actor is written again only once this one is known stored
          put.then(() => this.owned.has(id) && this.stored.set(id, { nextOffset: s.nextOffset, cutoff: s.cutoff }), () => undefined) // failures reported below, once every actor is done
          puts.push(put)
        }
      }),
    )
    const stored = await Promise.allSettled(puts)
    const failed = [...written, ...stored].find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    report.ms = performance.now() - t0
    this.lastSnapshot = report
    return report
  }

  /** The view's partial state over every actor on this node, for the groups `filter` selects. */
  async query(name: string, filter: GroupFilter = {}): Promise<ViewPartial> {
    const view = viewNamed(name)
    if (view === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `unknown view ${name}`)
    // merged on this thread, which also serves HTTP: a read of thousands of
    // groups takes tens of ms, so mergeSerialized yields between slices
    return mergeSerialized(view, await this.queryBytes(name, filter))
  }

  /**
   * The serialized partial of each worker (what crosses nodes); with
   * `partitions` (`topic/partition` ids), only those actors contribute.
   */
  async queryBytes(name: string, filter: GroupFilter = {}, partitions?: readonly string[]): Promise<Uint8Array[]> {
    const task: Task = partitions === undefined ? { op: 'query', view: name, filter } : { op: 'query', view: name, filter, partitions }
    const parts = await Promise.all(this.hosts.map((h) => h.read<Uint8Array | null>(task)))
    return parts.filter((p): p is Uint8Array => p !== null)
  }

  /**
   * Opens a threshold top-k read of the view's groups that `filter` selects,
   * ranked by measure `measure` (views/state/rank.ts): each worker holding
   * some is one holder, its state held until the session ends. A lone
   * worker lists its ties at the k-th place too: its list is then the
   * candidates (RankSession.candidates), one round trip fewer.
   */
  async rank(name: string, filter: GroupFilter, measure: number, k: number): Promise<RankSession> {
    const view = viewNamed(name)
    if (view === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `unknown view ${name}`)
    const ties = this.hosts.length === 1
    const settled = await Promise.allSettled(this.hosts.map((h) => h.read<RankOpened | null>({ op: 'rank', view: name, filter, measure, k, ties })))
    const opened = settled.map((r) => (r.status === 'fulfilled' ? r.value : null))
    const held = opened.flatMap((o, i) => (o === null ? [] : [{ host: this.hosts[i]!, token: o.token }]))
    let open = true
    const release = () => {
      if (!open) return
      open = false
      for (const { host, token } of held) host.direct({ op: 'rankRelease', token }).catch(() => undefined)
    }
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) {
      release()
      throw failed.reason
    }
    const expired = (phase: string) => pulseError('PULSE_ERR_READ_EXPIRED', `${name}, ${phase}`)
    const tops = opened.flatMap((o) => (o === null ? [] : [o.top]))
    return {
      tops,
      candidates: ties && tops.length === 1 ? tops[0]!.ids : undefined,
      above: async (thresholds) => {
        const lists = await Promise.all(held.map(({ host, token }) => host.direct<RankList | null>({ op: 'rankAbove', token, thresholds: [...thresholds] })))
        if (lists.some((l) => l === null)) {
          release()
          throw expired('phase 2')
        }
        return lists as RankList[]
      },
      fetch: async (ids) => {
        const parts = await Promise.all(held.map(({ host, token }) => host.direct<Uint8Array | null>({ op: 'rankFetch', token, ids })))
        open = false // each worker ended its hold in answering
        if (parts.some((p) => p === null)) throw expired('phase 3')
        return mergeSerialized(view, parts as Uint8Array[])
      },
      release,
    }
  }

  /** A new batch cutoff (an hour boundary): every actor drops what the batch layer now holds. */
  async setCutoff(cutoff: number): Promise<number> {
    if (cutoff <= this.cutoff) return 0
    this.cutoff = cutoff
    const removed = await Promise.all(this.hosts.map((h) => h.run<number>({ op: 'cutoff', cutoff })))
    return removed.reduce((a, b) => a + b, 0)
  }

  /** Per worker, its threshold-read holds since it started (how long they kept batches waiting). */
  async holdStats(): Promise<HoldStats[]> {
    return Promise.all(this.hosts.map((h) => h.read<HoldStats>({ op: 'holds' })))
  }

  /** Per worker, its garbage-collection pauses since it started (a read reaching a worker in one waits for it). */
  async gcPauses(): Promise<GcPauses[]> {
    return Promise.all(this.hosts.map((h) => h.read<GcPauses>({ op: 'gc' })))
  }

  /**
   * Bytes of memory in use per worker, where the actors' state lives: its heap
   * and its external memory (the state's typed-array columns), after a full
   * collection when the process runs with --expose-gc.
   */
  async heapUsed(): Promise<number[]> {
    return Promise.all(this.hosts.map((h) => h.read<number>({ op: 'heap' })))
  }

  async stats(): Promise<ActorStats[]> {
    return (await Promise.all(this.hosts.map((h) => h.read<ActorStats[]>({ op: 'stats' })))).flat()
  }

  /** Stops the workers (after a final snapshot when `snapshot`). */
  async close(options: { snapshot?: boolean } = {}): Promise<void> {
    // a spread snapshot in progress stops waiting and writes no further actor
    this.closed = true
    this.hurry()
    try {
      await this.drain()
      if (options.snapshot) await this.snapshot()
    } finally {
      await Promise.all(this.hosts.map(async (h) => (await h.settled(), h.pool.destroy())))
    }
  }
}
