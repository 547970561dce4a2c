// When batch runs happen: on a daily UTC schedule (`HH:MM`, default 00:00) or an
// interval (`every 1h`), and on demand (CLI, the serving layer's admin endpoint). One run at a time: asking
// while a run is going gives PULSE_ERR_BATCH_BUSY. A failed run leaves the last
// good run published and is kept as `lastError` for whoever asks.
import type { ObjectStore } from '../store/object-store.js'
import { pulseError } from '../errors.js'
import { runBatch } from './runner.js'
import type { BatchOptions, BatchResult } from './runner.js'
import { nextDaily } from './schedule.js'
import type { Schedule } from './schedule.js'

export { nextDaily, parseDailyTime, parseSchedule } from './schedule.js'
export type { Schedule } from './schedule.js'

export class BatchScheduler {
  private running: Promise<BatchResult> | undefined
  private timer: NodeJS.Timeout | undefined
  lastResult: BatchResult | undefined
  lastError: Error | undefined
  nextRunAt: number | undefined

  constructor(
    private readonly store: ObjectStore,
    private readonly options: Partial<BatchOptions> = {},
    private readonly log: (line: string) => void = () => {},
  ) {}

  get busy(): boolean {
    return this.running !== undefined
  }

  /** Starts a run now; rejects with PULSE_ERR_BATCH_BUSY while one is going. */
  run(overrides: Partial<BatchOptions> = {}): Promise<BatchResult> {
    if (this.running !== undefined) throw pulseError('PULSE_ERR_BATCH_BUSY', 'started earlier')
    const started = Date.now()
    this.running = runBatch(this.store, { ...this.options, ...overrides })
      .then((r) => {
        this.lastResult = r
        this.lastError = undefined
        const uncovered = r.manifest.reconciliation?.uncovered?.length ?? 0
        const unchecked = uncovered === 0 ? '' : `; ${uncovered} view(s) not compared with the speed layer, which lacked some of their partitions`
        this.log(
          r.published
            ? `batch run ${r.manifest.runId} published: cutoff ${r.manifest.cutoffIso}, ${r.manifest.input.events} events, ${Date.now() - started} ms${unchecked}`
            : `batch run ${r.manifest.runId} not published: ${r.reason ?? 'publishing disabled'}${unchecked}`,
        )
        return r
      })
      .catch((err: Error) => {
        this.lastError = err
        this.log(`batch run failed, the previous run stays published: ${err.message}`)
        throw err
      })
      .finally(() => (this.running = undefined))
    return this.running
  }

  /** Runs every day at `minutes` past midnight UTC until `stop`. */
  startDaily(minutes: number): void {
    this.start({ kind: 'daily', minutes })
  }

  /**
   * Runs on `schedule` until `stop`. `leads` is asked at each scheduled time: in
   * a cluster only the node leading the speed group runs (start.ts), the others
   * skip that time.
   */
  start(schedule: Schedule, leads: () => boolean = () => true): void {
    const arm = () => {
      const now = Date.now()
      this.nextRunAt = schedule.kind === 'daily' ? nextDaily(now, schedule.minutes) : now + schedule.ms
      this.timer = setTimeout(() => {
        if (this.running === undefined && leads()) this.run().catch(() => undefined)
        arm()
      }, this.nextRunAt - now)
      this.timer.unref()
    }
    arm()
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.nextRunAt = undefined
    await this.running?.catch(() => undefined)
  }
}
