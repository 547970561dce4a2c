// Who is in the cluster and which partitions each member owns, read from the
// speed layer's consumer group (DescribeGroups): the members' advertised HTTP
// addresses and their current assignments. Cached briefly: a query burst costs
// one request to the broker, and a rebalance in progress is seen within `maxAgeMs`.
import { AssignerProtocol } from 'kafkajs'
import type { Admin, Kafka } from '../kafka/client.js'
import { physicalTopics } from '../kafka/client.js'
import { advertisedUrl } from './assigner.js'

export interface Member {
  memberId: string
  /** null: a member that advertises no address (its partitions cannot be gathered) */
  url: string | null
  /** `topic/partition` ids, logical topic names */
  partitions: string[]
}

export interface ClusterView {
  /** The group's state: only `Stable` has a complete assignment. */
  state: string
  members: Member[]
  /** Every partition of the six topics, `topic/partition` */
  partitions: string[]
  at: number
}

export class ClusterMembership {
  private admin: Admin | undefined
  private view: ClusterView | undefined
  private pending: Promise<ClusterView> | undefined

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topicPrefix: string,
    private readonly maxAgeMs = 1000,
  ) {}

  /** The cached view, or a fresh one when older than `maxAgeMs` or when `fresh`. */
  get(fresh = false): Promise<ClusterView> {
    if (!fresh && this.view !== undefined && performance.now() - this.view.at < this.maxAgeMs) return Promise.resolve(this.view)
    this.pending ??= this.describe().finally(() => (this.pending = undefined))
    return this.pending
  }

  /**
   * The cached view without waiting: while younger than `maxAgeMs` as it is;
   * up to `staleMs` old while a fresh one is asked for; older, undefined.
   */
  recent(staleMs = 5 * this.maxAgeMs): ClusterView | undefined {
    const age = this.view === undefined ? Infinity : performance.now() - this.view.at
    if (age >= this.maxAgeMs) void this.get().catch(() => undefined)
    return age < staleMs ? this.view : undefined
  }

  private async describe(): Promise<ClusterView> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin()
      await admin.connect()
      this.admin = admin
    }
    const topics = physicalTopics(this.topicPrefix)
    const [groups, metadata] = await Promise.all([this.admin.describeGroups([this.groupId]), this.admin.fetchTopicMetadata({ topics })])
    const logical = (physical: string) => physical.slice(this.topicPrefix.length)
    const group = groups.groups[0]
    const members: Member[] = (group?.members ?? []).map((m) => {
      const a = m.memberAssignment.length === 0 ? null : AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
      const partitions = Object.entries(a?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((p) => `${logical(topic)}/${p}`))
      return { memberId: m.memberId, url: advertisedUrl(m.memberMetadata), partitions }
    })
    const partitions = metadata.topics.flatMap((t) => t.partitions.map((p) => `${logical(t.name)}/${p.partitionId}`))
    this.view = { state: group?.state ?? 'Dead', members, partitions, at: performance.now() }
    return this.view
  }

  async close(): Promise<void> {
    const admin = this.admin
    this.admin = undefined
    await admin?.disconnect()
  }
}
