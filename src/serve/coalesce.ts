// Identical speed queries share one round trip to the workers: those in flight
// at the same time, and, within a short bounded staleness (maxAgeMs), those
// that arrive after it finished. A read older than refreshAfterMs is still
// served while one refresh runs behind it, so under steady load requests do not
// wait for a worker busy applying a batch; only a read past maxAgeMs is never
// served. A burst of the same dashboard query costs a task per worker every
// refreshAfterMs or so instead of one per request, and each answer says how old
// its speed part is (freshness.speed.ageMs). The key includes the served batch
// run, so a query never pairs a new run with a speed answer from before the
// cutoff moved. Point reads are reused like the rest: one costs the workers
// little, but a request waiting for it waits for a worker that is applying
// a batch, often behind a busy core, and under ingestion that wait was the
// point query's whole tail (docs/serving.md). maxAgeMs 0 gives every request
// its own round trip's freshness instead.
import type { GroupFilter } from '../../actors/live-view.js'
import type { ViewPartial } from '../../views/state/partial.js'
import type { Coverage, SpeedSource } from './sources.js'

/** How old a reused speed read may be by default (ms). */
export const DEFAULT_SPEED_REUSE_MS = 250

export interface SpeedRead {
  /** with a cluster gather's coverage */
  partial: ViewPartial & { coverage?: Coverage }
  /** a threshold read's batch side: the served run's groups among its candidates (a full read: undefined) */
  batch?: ViewPartial | undefined
  /** clock time (ms) the speed query was submitted: its state is at least this recent */
  at: number
}

type Read = () => Promise<Omit<SpeedRead, 'at'>>

export interface CoalescerOptions {
  /** Serve a finished read until it is this old (ms); 0: share queries in flight only. */
  maxAgeMs?: number
  /** Start a refresh once the served read is this old (default: a quarter of maxAgeMs). */
  refreshAfterMs?: number
  /** The same for threshold reads, which hold the workers while they rank (default: half of maxAgeMs). */
  rankedRefreshAfterMs?: number
  /** Keys remembered at most (the least recently asked are forgotten first). */
  maxEntries?: number
  now?: () => number
}

interface Entry {
  /** the newest finished read */
  done?: SpeedRead
  /** a read in flight */
  pending?: Promise<SpeedRead>
}

export class QueryCoalescer {
  private readonly entries = new Map<string, Entry>()
  private readonly maxAgeMs: number
  private readonly refreshAfterMs: number
  private readonly rankedRefreshAfterMs: number
  private readonly maxEntries: number
  private readonly now: () => number
  /** speed queries sent to the workers */
  reads = 0
  /** requests that joined a query in flight */
  joined = 0
  /** requests answered from a finished query */
  reused = 0
  /** of the reads sent, threshold reads (ranked) */
  thresholdReads = 0

  constructor(
    private readonly speed: SpeedSource,
    options: CoalescerOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_SPEED_REUSE_MS
    this.refreshAfterMs = Math.min(this.maxAgeMs, options.refreshAfterMs ?? this.maxAgeMs / 4)
    this.rankedRefreshAfterMs = Math.min(this.maxAgeMs, options.rankedRefreshAfterMs ?? this.maxAgeMs / 2)
    this.maxEntries = options.maxEntries ?? 1024
    this.now = options.now ?? (() => performance.now())
  }

  get size(): number {
    return this.entries.size
  }

  query(view: string, filter: GroupFilter, runId: string | undefined): Promise<SpeedRead> {
    const key = JSON.stringify([runId ?? null, view, filter.keys ?? {}, filter.from ?? null, filter.to ?? null])
    return this.through(key, async () => ({ partial: await this.speed.query(view, filter) }), false)
  }

  /** A threshold read of the top `k` by measure `measure` (see ranked-read.ts), shared like a query. */
  ranked(view: string, filter: GroupFilter, runId: string | undefined, measure: number, k: number, read: Read): Promise<SpeedRead> {
    const key = JSON.stringify([runId ?? null, view, filter.keys ?? {}, filter.from ?? null, filter.to ?? null, 'top', measure, k])
    return this.through(key, read, true)
  }

  /** `threshold`: a threshold read (counted apart, refreshed later). */
  private through(key: string, read: Read, threshold: boolean): Promise<SpeedRead> {
    const now = this.now()
    let e = this.entries.get(key)
    if (e === undefined) e = {}
    // re-inserted at the end: the map stays in order of last use, the least recent first
    this.entries.delete(key)
    this.entries.set(key, e)
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break
      this.entries.delete(k)
    }
    const done = e.done
    if (done !== undefined && this.maxAgeMs > 0 && now - done.at <= this.maxAgeMs) {
      if (now - done.at > (threshold ? this.rankedRefreshAfterMs : this.refreshAfterMs) && e.pending === undefined) void this.start(key, e, read, threshold, now)
      this.reused++
      return Promise.resolve(done)
    }
    if (e.pending !== undefined) {
      this.joined++
      return e.pending
    }
    return this.start(key, e, read, threshold, now)
  }

  private start(key: string, e: Entry, run: Read, threshold: boolean, at: number): Promise<SpeedRead> {
    this.reads++
    if (threshold) this.thresholdReads++
    const read = run().then(
      (got) => {
        const r: SpeedRead = { ...got, at }
        if (e.pending === read) e.pending = undefined
        if (e.done === undefined || e.done.at < at) e.done = r
        this.expire(key, e)
        return r
      },
      (err: unknown) => {
        if (e.pending === read) e.pending = undefined
        this.expire(key, e)
        throw err
      },
    )
    e.pending = read
    // a refresh nobody waits for may fail: the next query asks again
    read.catch(() => undefined)
    return read
  }

  /** Forgets the key once its read is too old to serve (a partial may be large), unless asked again. */
  private expire(key: string, e: Entry): void {
    const left = e.done === undefined || this.maxAgeMs <= 0 ? 0 : e.done.at + this.maxAgeMs - this.now()
    const drop = () => {
      if (this.entries.get(key) !== e || e.pending !== undefined) return
      if (e.done === undefined || this.maxAgeMs <= 0 || this.now() - e.done.at > this.maxAgeMs) this.entries.delete(key)
    }
    if (left <= 0) drop()
    else setTimeout(drop, Math.ceil(left) + 1).unref()
  }
}
