// The published batch run, read from the object store and kept in memory until
// `_batch/current.json` names another run. Swapping in a new run first moves the
// speed layer's cutoff: the cutoff tasks are submitted in the same tick as the
// swap, and a query submits its speed tasks in the same tick as it reads the
// batch side, so every query sees either (old run, old cutoff) or (new run, new
// cutoff) and no event is counted twice or missed.
import type { ObjectStore } from '../store/object-store.js'
import { currentRun, loadRunPartials, supersedes } from '../batch/runs.js'
import type { RunManifest } from '../batch/runs.js'
import type { ViewPartial } from '../../views/state/partial.js'
import type { BatchSource } from './sources.js'

export interface StoreBatchOptions {
  prefix?: string
  /** How often current.json is read (ms). */
  pollMs?: number
  /** Called with a new run's cutoff right before the run is swapped in (synchronously; awaited after). */
  beforeSwap?: (run: RunManifest) => Promise<unknown> | void
  onError?: (err: unknown) => void
}

export class StoreBatchSource implements BatchSource {
  private run: RunManifest | null = null
  private partials = new Map<string, ViewPartial>()
  private known = false
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined
  /** The last poll's failure, cleared by the next success (readiness). */
  lastError: unknown

  constructor(
    private readonly store: ObjectStore,
    private readonly options: StoreBatchOptions = {},
  ) {}

  /** Loads the published run once, then polls. */
  async start(): Promise<void> {
    await this.refresh()
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs ?? 5000)
    this.timer.unref()
  }

  current(): RunManifest | null {
    return this.run
  }

  partial(view: string): ViewPartial | undefined {
    return this.partials.get(view)
  }

  loaded(): boolean {
    return this.known
  }

  refresh(): Promise<void> {
    // one poll at a time: a slow load is not started twice
    this.polling ??= this.poll().finally(() => (this.polling = undefined))
    return this.polling
  }

  private async poll(): Promise<void> {
    const prefix = this.options.prefix ?? ''
    try {
      const m = await currentRun(this.store, prefix)
      if (m !== null && m.runId !== this.run?.runId) {
        // the speed layer has already dropped the hours before the served cutoff, and of two runs with
        // one cutoff the later-started read more: a pointer moved back by racing publishers is not followed
        if (this.run !== null && supersedes(this.run, m)) throw new Error(`run ${m.runId} (cutoff ${m.cutoffIso}, started ${m.startedAt}) is superseded by the served run ${this.run.runId}: not served`)
        const partials = await loadRunPartials(this.store, m, prefix)
        const moved = this.options.beforeSwap?.(m)
        this.run = m
        this.partials = partials
        await moved
      }
      this.known = true
      this.lastError = undefined
    } catch (err) {
      this.lastError = err
      this.options.onError?.(err)
    }
  }

  close(): void {
    clearInterval(this.timer)
  }
}
