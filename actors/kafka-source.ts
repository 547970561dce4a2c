// Feeds the speed layer from Kafka: the consumer group `pulse-speed` over the
// six topics. A partition's actor opens, restored from its snapshot, as soon as
// the partition is assigned; on its first batch the consumer seeks to the
// actor's next offset if the group's position differs (back to a snapshot's
// offset; ahead for an actor that starts at a given offset, as a replay's does,
// so history below it is not fetched again and again). The snapshot is the
// truth; the group's committed offsets are written from the snapshots, as a
// hint and for lag.
import type { Consumer, Kafka } from '../src/kafka/client.js'
import { physicalTopics } from '../src/kafka/client.js'
import { advertisingAssigner } from '../src/cluster/assigner.js'
import { snapshotPeriodically } from './speed-layer.js'
import type { SpeedLayer } from './speed-layer.js'
import type { RawRecord } from './record-batch.js'

export interface KafkaSourceOptions {
  groupId: string
  topicPrefix: string
  /** Write every actor's snapshot this often (ms); 0: only on stop. */
  snapshotEveryMs: number
  /** Snapshot (and commit) on stop; a replay's throwaway speed layer skips it. */
  snapshotOnStop: boolean
  /** Where an actor without a snapshot starts, by `topic/partition` (logical topic); 0 when absent. */
  startOffsets?: ReadonlyMap<string, number>
  /** This node's HTTP address, advertised to the other members in the group metadata (src/cluster/). */
  advertise?: string
}

export const DEFAULT_KAFKA_SOURCE_OPTIONS: KafkaSourceOptions = {
  groupId: 'pulse-speed',
  topicPrefix: '',
  snapshotEveryMs: 30_000,
  snapshotOnStop: true,
}

export class KafkaSource {
  readonly options: KafkaSourceOptions
  private consumer: Consumer | undefined
  private stopSnapshots: (() => void) | undefined
  private snapshotting: Promise<unknown> = Promise.resolve()
  /** Partitions assigned here: their actor's opening (restore), resolving to the offset it resumes at. */
  private readonly opening = new Map<string, Promise<number>>()
  /** Partitions whose fetch position was checked against their actor since assignment. */
  private readonly positioned = new Set<string>()
  /**
   * Partitions assigned here that are still replaying: by id, the partition's
   * end offset when it was assigned (undefined until read). Whoever owned it
   * before got at most that far, so an actor short of it may answer for fewer
   * records than its previous owner did (it restored an older snapshot).
   */
  private readonly catchingUp = new Map<string, { topic: string; partition: number; end: number | undefined }>()
  /** The next read of the end offsets still unknown. */
  private endsTimer: ReturnType<typeof setTimeout> | undefined
  /** Records handed to the layer. */
  consumed = 0
  /** This member's id in the group and whether it leads the group (since the last join). */
  memberId: string | undefined
  isLeader = false

  constructor(
    private readonly kafka: Kafka,
    private readonly layer: SpeedLayer,
    options: Partial<KafkaSourceOptions> = {},
  ) {
    this.options = { ...DEFAULT_KAFKA_SOURCE_OPTIONS, ...options }
  }

  private logical(physical: string): string {
    return physical.slice(this.options.topicPrefix.length)
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      maxBytes: 32 << 20,
      maxBytesPerPartition: 8 << 20,
      // a member that died keeps its partitions until its session expires: keep that short
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1_000,
      ...(this.options.advertise === undefined ? {} : { partitionAssigners: [advertisingAssigner(this.options.advertise)] }),
    })
    this.consumer = consumer
    await consumer.connect()
    await consumer.subscribe({ topics: physicalTopics(this.options.topicPrefix), fromBeginning: true })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.memberId = payload.memberId
      this.isLeader = payload.isLeader
      this.onAssignment(payload.memberAssignment as Record<string, number[]>).catch((err: Error) => (this.layer.failure ??= err))
    })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isStale }) => {
        if (isStale() || batch.messages.length === 0) return
        const topic = this.logical(batch.topic)
        const id = `${topic}/${batch.partition}`
        const next = await this.open(topic, batch.partition)
        if (!this.positioned.has(id)) {
          this.positioned.add(id)
          if (Number(batch.firstOffset()) !== next) {
            // the snapshot is older than where the group's offset points: go back to it;
            // or the actor starts further on (a replay's, at the end): skip ahead
            this.consumer!.seek({ topic: batch.topic, partition: batch.partition, offset: String(next) })
            return
          }
        }
        const records: RawRecord[] = new Array(batch.messages.length)
        for (let i = 0; i < batch.messages.length; i++) {
          const m = batch.messages[i]!
          records[i] = { value: m.value, offset: Number(m.offset) }
        }
        // offsets already in the actor's state are skipped by the actor itself
        await this.layer.apply(topic, batch.partition, records)
        this.consumed += records.length
        resolveOffset(batch.lastOffset())
        await heartbeat()
      },
    })
    if (this.options.snapshotEveryMs > 0) this.stopSnapshots = snapshotPeriodically(this.options.snapshotEveryMs, (spreadMs) => this.snapshot({ spreadMs }))
  }

  /** Opens a partition's actor once per assignment; it counts as replaying until it reaches the partition's end as of now. */
  private open(topic: string, partition: number): Promise<number> {
    const id = `${topic}/${partition}`
    let p = this.opening.get(id)
    if (p === undefined) {
      this.opening.set(id, (p = this.layer.open(topic, partition, this.options.startOffsets?.get(id) ?? 0)))
      this.catchingUp.set(id, { topic, partition, end: undefined })
      // one read of the end offsets for every partition a rebalance assigns at once
      this.endsTimer ??= setTimeout(() => void this.readEnds(), 0)
    }
    return p
  }

  /**
   * The partitions assigned here whose actor has not yet reached where the
   * partition ended when it was assigned (`topic/partition`, logical topic).
   * Their answers may be short of what the previous owner's were; a cluster
   * answer reports them in its coverage.
   */
  replaying(): string[] {
    for (const [id, c] of this.catchingUp) {
      // once there, for the rest of the assignment
      if (c.end !== undefined && (this.layer.applied(c.topic, c.partition) ?? -1) >= c.end) this.catchingUp.delete(id)
    }
    return [...this.catchingUp.keys()]
  }

  /** Reads the end offsets of the partitions assigned here that are still unknown. */
  private async readEnds(attempt = 1): Promise<void> {
    this.endsTimer = undefined
    // the entries as of now: one assigned after this read began (a new entry, even for the
    // same partition) waits for the next read, so an end is never older than its assignment
    const unknown = new Set([...this.catchingUp.values()].filter((c) => c.end === undefined))
    if (unknown.size === 0) return
    const admin = this.kafka.admin()
    try {
      await admin.connect()
      for (const topic of new Set([...unknown].map((c) => c.topic))) {
        for (const p of await admin.fetchTopicOffsets(`${this.options.topicPrefix}${topic}`)) {
          const c = this.catchingUp.get(`${topic}/${p.partition}`)
          if (c !== undefined && unknown.has(c)) c.end = Number(p.high)
        }
      }
    } catch {
      // asked again shortly; after a few failures the partitions stop counting
      // as replaying: an answer must not be marked short for ever on a guess
      if (attempt < 5) this.endsTimer ??= setTimeout(() => void this.readEnds(attempt + 1), 1000)
      else for (const [id, c] of this.catchingUp) if (unknown.has(c) && c.end === undefined) this.catchingUp.delete(id)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }

  /**
   * A new assignment: partitions that moved away are forgotten (their new owner
   * restores the last snapshot); the ones assigned here open at once, so that
   * an actor restored at the end of its partition answers queries too.
   */
  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    const owned = new Set<string>()
    for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) owned.add(`${this.logical(topic)}/${p}`)
    for (const id of [...this.opening.keys()]) {
      if (owned.has(id)) continue
      const [topic, partition] = [id.slice(0, id.lastIndexOf('/')), Number(id.slice(id.lastIndexOf('/') + 1))]
      await this.opening.get(id)!.catch(() => undefined)
      this.opening.delete(id)
      this.positioned.delete(id)
      this.catchingUp.delete(id)
      await this.layer.release(topic, partition)
    }
    await Promise.all([...owned].map((id) => this.open(id.slice(0, id.lastIndexOf('/')), Number(id.slice(id.lastIndexOf('/') + 1)))))
  }

  /**
   * Snapshots every actor, then commits the snapshots' offsets to the group.
   * The layer queues snapshots in call order (and one asked without
   * `spreadMs` hurries a spread one along); commits follow in the same order.
   */
  snapshot(options: { spreadMs?: number } = {}): Promise<unknown> {
    const taken = this.layer.snapshot(options)
    taken.catch(() => undefined) // observed here; its failure is the chain's
    // after a failed one too: a failure must not stop every later snapshot
    this.snapshotting = this.snapshotting.catch(() => undefined).then(async () => {
      const report = await taken
      const consumer = this.consumer
      if (consumer === undefined || report.offsets.length === 0) return
      await consumer
        .commitOffsets(report.offsets.map((o) => ({ topic: `${this.options.topicPrefix}${o.topic}`, partition: o.partition, offset: String(o.nextOffset) })))
        .catch(() => undefined) // a commit refused during a rebalance is only a missed hint
    })
    return this.snapshotting
  }

  /**
   * Records not yet applied, over every partition of the topics: for an actor
   * here its next offset, otherwise the group's committed offset.
   */
  async lag(): Promise<number> {
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      const next = new Map<string, number>()
      for (const s of await this.layer.stats()) next.set(`${this.options.topicPrefix}${s.topic}/${s.partition}`, s.nextOffset)
      let lag = 0
      for (const topic of physicalTopics(this.options.topicPrefix)) {
        const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] })
        const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]) ?? [])
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const at = next.get(`${topic}/${p.partition}`) ?? done.get(p.partition) ?? 0
          lag += Math.max(0, Number(p.high) - at)
        }
      }
      return lag
    } finally {
      await admin.disconnect()
    }
  }

  /** Stops consuming, applies what was handed over, snapshots and commits (unless `snapshotOnStop` is off) and leaves the group. */
  async stop(): Promise<void> {
    this.stopSnapshots?.()
    clearTimeout(this.endsTimer)
    this.endsTimer = undefined
    const consumer = this.consumer
    if (consumer === undefined) return
    consumer.pause(physicalTopics(this.options.topicPrefix).map((topic) => ({ topic })))
    await this.layer.drain()
    // commits need a member of the group: snapshot before leaving it
    if (this.options.snapshotOnStop) await this.snapshot()
    await consumer.stop()
    await consumer.disconnect()
    this.consumer = undefined
    this.isLeader = false
  }
}
