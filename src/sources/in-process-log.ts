// The embedded mode's stand-in for Kafka: an in-memory log with the same shape
// (topics → partitions → records at increasing offsets, keys placed by Kafka's
// murmur2 partitioner) so the layers above run the same code either way.
// Bounded: a partition holds at most `capacity` unconsumed records; producers
// wait for the slowest consumer group instead of records being dropped.
// Retention follows consumption, not time: a record is kept until every group
// subscribed so far has read it, so a group that subscribes later starts at the
// oldest record still kept (embedded mode subscribes all groups at start-up).
import { partitionFor } from '../kafka/partitioner.js'
import { TOPICS } from '../events/contract.js'

export interface LogRecord {
  topic: string
  partition: number
  offset: number
  key: string
  value: string
}

class Partition {
  /** Retained records are records[head..]; the prefix is consumed (emptied slots), awaiting compaction. */
  records: Array<LogRecord | undefined> = []
  head = 0
  /** Offset of records[head]. */
  start = 0
  get size(): number {
    return this.records.length - this.head
  }
  get end(): number {
    return this.start + this.size
  }
  /** Forgets records below `offset`; compacts the array only when half of it is dead. */
  dropBelow(offset: number): void {
    const n = offset - this.start
    if (n <= 0) return
    // a consumed record must not live on in its slot until compaction: it would
    // survive young collections and be promoted (embedded mode at 50k events/s)
    this.records.fill(undefined, this.head, this.head + n)
    this.head += n
    this.start = offset
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head)
      this.head = 0
    }
  }
}

interface Waiter {
  resolve: () => void
}

export class InProcessLog {
  readonly partitions: number
  readonly capacity: number
  private readonly topics = new Map<string, Partition[]>()
  private readonly groups = new Map<string, Map<string, number[]>>() // group → topic → next offset per partition
  private dataWaiters: Waiter[] = []
  private spaceWaiters: Waiter[] = []
  private closed = false

  constructor(options: { partitions?: number; capacity?: number; topics?: readonly string[] } = {}) {
    this.partitions = options.partitions ?? 4
    this.capacity = options.capacity ?? 200_000
    for (const t of options.topics ?? TOPICS) {
      this.topics.set(
        t,
        Array.from({ length: this.partitions }, () => new Partition()),
      )
    }
  }

  private partitionsOf(topic: string): Partition[] {
    const p = this.topics.get(topic)
    if (p === undefined) throw new Error(`unknown topic ${topic}`)
    return p
  }

  /** Appends records; resolves once each fits under the capacity. */
  async append(records: Iterable<{ topic: string; key: string; value: string }>): Promise<void> {
    for (const r of records) {
      const partition = partitionFor(r.key, this.partitions)
      const p = this.partitionsOf(r.topic)[partition]!
      while (p.size >= this.capacity && !this.closed) {
        this.trim()
        if (p.size < this.capacity) break
        await new Promise<void>((resolve) => this.spaceWaiters.push({ resolve }))
      }
      p.records.push({ topic: r.topic, partition, offset: p.end, key: r.key, value: r.value })
    }
    this.wake('data')
  }

  /**
   * Starts an empty partition at `offset` instead of 0, so a restarted embedded
   * pipeline continues the offsets its manifests and snapshots recorded. Only
   * before any group subscribes.
   */
  resumeAt(topic: string, partition: number, offset: number): void {
    const p = this.partitionsOf(topic)[partition]!
    if (this.groups.size > 0 || p.size > 0) throw new Error('resumeAt needs an empty log without subscribers')
    p.start = offset
  }

  /** Oldest offset still held in a topic partition. */
  startOffset(topic: string, partition: number): number {
    return this.partitionsOf(topic)[partition]!.start
  }

  /** Topics of the log. */
  get topicNames(): string[] {
    return [...this.topics.keys()]
  }

  /** End offset (next offset to be written) of a topic partition. */
  endOffset(topic: string, partition: number): number {
    return this.partitionsOf(topic)[partition]!.end
  }

  /** A consumer group reading every topic from its committed positions (earliest when new). */
  subscribe(group: string): LogConsumer {
    let positions = this.groups.get(group)
    if (positions === undefined) {
      positions = new Map()
      for (const [topic, parts] of this.topics) positions.set(topic, parts.map((p) => p.start))
      this.groups.set(group, positions)
    }
    return new LogConsumer(this, positions)
  }

  /** @internal records of one partition from `offset`, at most `max`. */
  read(topic: string, partition: number, offset: number, max: number): LogRecord[] {
    const p = this.partitionsOf(topic)[partition]!
    const from = p.head + Math.max(0, offset - p.start)
    return p.records.slice(from, from + max) as LogRecord[]
  }

  /** @internal waits until something is appended (or `ms` passes). */
  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { resolve: () => resolve() }
      const timer = setTimeout(() => {
        this.dataWaiters = this.dataWaiters.filter((w) => w !== waiter)
        resolve()
      }, ms)
      waiter.resolve = () => {
        clearTimeout(timer)
        resolve()
      }
      this.dataWaiters.push(waiter)
    })
  }

  /** @internal called after a group's positions moved: frees space, wakes producers. */
  consumed(): void {
    this.trim()
    this.wake('space')
  }

  /** Drops records every group has consumed. */
  private trim(): void {
    for (const [topic, parts] of this.topics) {
      parts.forEach((p, i) => {
        let low = p.end
        for (const positions of this.groups.values()) low = Math.min(low, positions.get(topic)![i]!)
        if (this.groups.size > 0) p.dropBelow(low) // nobody reads yet: keep everything
      })
    }
  }

  private wake(which: 'data' | 'space'): void {
    const list = which === 'data' ? this.dataWaiters : this.spaceWaiters
    if (list.length === 0) return
    if (which === 'data') this.dataWaiters = []
    else this.spaceWaiters = []
    for (const w of list) w.resolve()
  }

  close(): void {
    this.closed = true
    this.wake('data')
    this.wake('space')
  }
}

export class LogConsumer {
  constructor(
    private readonly log: InProcessLog,
    private readonly positions: Map<string, number[]>,
  ) {}

  /**
   * Up to `max` records per partition from every topic, advancing the group's
   * positions. Waits up to `waitMs` when nothing is available.
   */
  async poll(max = 1000, waitMs = 100): Promise<LogRecord[]> {
    let out = this.take(max)
    if (out.length === 0 && waitMs > 0) {
      await this.log.waitForData(waitMs)
      out = this.take(max)
    }
    if (out.length > 0) this.log.consumed()
    return out
  }

  /** Moves the group's position in one partition (e.g. to a restored actor's next offset). */
  seek(topic: string, partition: number, offset: number): void {
    const offsets = this.positions.get(topic)
    if (offsets === undefined || partition < 0 || partition >= offsets.length) throw new Error(`unknown partition ${topic}/${partition}`)
    offsets[partition] = Math.max(offset, this.log.startOffset(topic, partition))
  }

  /** Records not yet consumed by this group, summed over partitions. */
  lag(): number {
    let lag = 0
    for (const [topic, offsets] of this.positions) {
      offsets.forEach((o, p) => (lag += this.log.endOffset(topic, p) - o))
    }
    return lag
  }

  private take(max: number): LogRecord[] {
    const out: LogRecord[] = []
    for (const [topic, offsets] of this.positions) {
      for (let p = 0; p < offsets.length; p++) {
        const batch = this.log.read(topic, p, offsets[p]!, max)
        if (batch.length === 0) continue
        offsets[p] = batch[batch.length - 1]!.offset + 1
        for (const r of batch) out.push(r)
      }
    }
    return out
  }
}
