// When batch runs happen: on a daily UTC schedule (`HH:MM`, default 00:00) and on
// demand (CLI, the serving layer's admin endpoint). One run at a time: asking
// while a run is going gives PULSE_ERR_BATCH_BUSY. A failed run leaves the last
// good run published and is kept as `lastError` for whoever asks.
import type { ObjectStore } from '../store/object-store.js'
import { pulseError } from '../errors.js'
import { runBatch } from './runner.js'
import type { BatchOptions, BatchResult } from './runner.js'

/** Parses `HH:MM` (UTC) into minutes after midnight. */
export function parseDailyTime(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text.trim())
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59) throw pulseError('PULSE_ERR_CONFIG', `PULSE_BATCH_SCHEDULE must be HH:MM in UTC or "off", got ${JSON.stringify(text)}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** The next instant after `now` at `minutes` past a UTC midnight. */
export function nextDaily(now: number, minutes: number): number {
  const day = Math.floor(now / 86_400_000) * 86_400_000
  const today = day + minutes * 60_000
  return today > now ? today : today + 86_400_000
}

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
        this.log(
          r.published
            ? `batch run ${r.manifest.runId} published: cutoff ${r.manifest.cutoffIso}, ${r.manifest.input.events} events, ${Date.now() - started} ms`
            : `batch run ${r.manifest.runId} not published: ${r.reason ?? 'publishing disabled'}`,
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
    const arm = () => {
      this.nextRunAt = nextDaily(Date.now(), minutes)
      this.timer = setTimeout(() => {
        if (this.running === undefined) this.run().catch(() => undefined)
        arm()
      }, this.nextRunAt - Date.now())
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
