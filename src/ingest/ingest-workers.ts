// The consumer thread's side of the ingest workers. Each worker is its own
// single-thread Piscina pool, and a partition is pinned to one worker (its
// buffer lives there): the one with the least load placed on it so far,
// weighed by each partition's backlog when it was first seen (partitions of a
// topic can differ tenfold in rate, so counting them would leave a worker idle). A partition's tasks are chained: each goes to the pool
// once the one before it has finished, so they run in offset order whatever
// the pool's queueing. A worker's queue is bounded in bytes: `room` waits while
// it is full, and the consumer stops fetching meanwhile (backpressure instead
// of memory growth).
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { pulseError } from '../errors.js'
import type { IngestTask } from './ingest-worker.js'

/** The compiled worker module (tests run the TypeScript sources; workers always run dist/). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.js') ? join(dirname(here), 'ingest-worker.js') : resolve(dirname(here), '..', '..', 'dist', 'src', 'ingest', 'ingest-worker.js')
}

class Lane {
  readonly pool = new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1, idleTimeout: Infinity })
  queuedBytes = 0
  weight = 0
  waiters: Array<() => void> = []
}

export class IngestWorkers {
  private readonly lanes: Lane[]
  private readonly laneOf = new Map<string, Lane>()
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(
    workers: number,
    /** Raw bytes queued per worker before `room` waits. */
    private readonly maxQueuedBytes: number,
  ) {
    if (!Number.isInteger(workers) || workers < 1) throw pulseError('PULSE_ERR_CONFIG', `ingest workers must be a positive integer, not ${workers}`)
    this.lanes = Array.from({ length: workers }, () => new Lane())
  }

  /** Pins a partition to the least loaded worker, counting `weight` against it; a pinned one keeps its worker. */
  place(id: string, weight: number): void {
    if (this.laneOf.has(id)) return
    const lane = this.lanes.reduce((a, b) => (b.weight < a.weight ? b : a))
    lane.weight += Math.max(1, weight)
    this.laneOf.set(id, lane)
  }

  private lane(id: string): Lane {
    this.place(id, 1)
    return this.laneOf.get(id)!
  }

  /** Runs a partition's task after its previous one; `bytes` counts against the worker's queue. */
  run<T>(task: IngestTask, transferList?: ArrayBuffer[], bytes = 0): Promise<T> {
    const lane = this.lane(task.id)
    lane.queuedBytes += bytes
    const prev = this.chains.get(task.id) ?? Promise.resolve()
    const done = prev.then(() => lane.pool.run(task, transferList === undefined ? undefined : { transferList }) as Promise<T>)
    this.chains.set(task.id, done.catch(() => undefined))
    return done.finally(() => {
      lane.queuedBytes -= bytes
      if (lane.queuedBytes < this.maxQueuedBytes) for (const wake of lane.waiters.splice(0)) wake()
    })
  }

  /** Resolves once the partition's worker has room for more raw bytes. */
  async room(id: string): Promise<void> {
    const lane = this.lane(id)
    while (lane.queuedBytes >= this.maxQueuedBytes) await new Promise<void>((r) => lane.waiters.push(r))
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.pool.destroy()))
  }
}
