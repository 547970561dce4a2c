// Replay into the embedded in-process log, consumed by a speed layer in this
// process (as `pulse start` runs it). The log is bounded, so sending waits for
// the speed layer: the replay goes at the pace the speed layer can apply.
import { TOPICS, isTopic } from '../events/contract.js'
import { InProcessLog } from '../sources/in-process-log.js'
import { SpeedLayer } from '../../actors/speed-layer.js'
import type { SpeedOptions } from '../../actors/speed-layer.js'
import { runEmbedded } from '../../actors/embedded-source.js'
import type { ObjectStore } from '../store/object-store.js'
import { pulseError } from '../errors.js'
import { untilOpen } from './target.js'
import type { ReplayRecord, ReplayTarget, SentBatch } from './target.js'

export class EmbeddedTarget implements ReplayTarget {
  readonly name = 'embedded'
  readonly concurrency = 1
  readonly layer: SpeedLayer
  readonly startOffsets = new Map<string, number>()
  private readonly log: InProcessLog
  private readonly ends: number[]
  private readonly stop = new AbortController()
  private consuming: Promise<number> | undefined

  constructor(store: ObjectStore, options: { partitions: number; speed?: Partial<Omit<SpeedOptions, 'actor'>> }) {
    this.log = new InProcessLog({ partitions: options.partitions })
    // a fresh log and fresh actors: nothing to restore, nothing to snapshot
    this.layer = new SpeedLayer(store, { ...options.speed, restore: false })
    this.ends = new Array<number>(TOPICS.length * options.partitions).fill(0)
    for (const t of TOPICS) for (let p = 0; p < options.partitions; p++) this.startOffsets.set(`${t}/${p}`, 0)
  }

  async open(): Promise<void> {
    // runEmbedded subscribes before its first await: every append after this is kept for it
    this.consuming = runEmbedded(this.log, this.layer, { signal: this.stop.signal })
    this.consuming.catch(() => undefined)
    await untilOpen(this.layer, TOPICS.length * this.log.partitions, 30_000, () => pulseError('PULSE_ERR_INVALID_STATE', 'the embedded speed layer did not open its actors within 30s'))
  }

  accepts(topic: string): boolean {
    return isTopic(topic)
  }

  async send(records: readonly ReplayRecord[]): Promise<SentBatch> {
    await this.log.append(records)
    const at = performance.now()
    // this replay is the log's only producer: a partition that grew ends with this batch
    const last = new Map<string, number>()
    const n = this.log.partitions
    for (let t = 0; t < TOPICS.length; t++) {
      for (let p = 0; p < n; p++) {
        const end = this.log.endOffset(TOPICS[t]!, p)
        if (end !== this.ends[t * n + p]) {
          this.ends[t * n + p] = end
          last.set(`${TOPICS[t]}/${p}`, end - 1)
        }
      }
    }
    return { at, records: records.length, last }
  }

  async endOffsets(): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (const t of TOPICS) for (let p = 0; p < this.log.partitions; p++) out.set(`${t}/${p}`, this.log.endOffset(t, p))
    return out
  }

  async close(): Promise<void> {
    this.stop.abort()
    try {
      await this.consuming
    } finally {
      this.log.close()
      await this.layer.close()
    }
  }
}
