// Kafka's round-robin assignment, with the member's HTTP address carried in its
// group metadata. Every member of `pulse-speed` then finds the others, and the
// partitions each one owns, with one DescribeGroups request: the group is the
// cluster's membership, and no other coordination service is needed.
// The protocol keeps kafkajs's name, so members that advertise nothing (older
// `pulse serve`/`pulse speed` processes) can share the group.
import { AssignerProtocol, PartitionAssigners } from 'kafkajs'
import type { PartitionAssigner } from 'kafkajs'

export function advertisingAssigner(url: string): PartitionAssigner {
  return (config) => {
    const base = PartitionAssigners.roundRobin(config)
    return {
      ...base,
      protocol: ({ topics }) => ({
        name: base.name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: base.version, topics, userData: Buffer.from(url) }),
      }),
    }
  }
}

/** The address a member advertised, or null (a member that advertises nothing). */
export function advertisedUrl(metadata: Buffer): string | null {
  const m = metadata.length === 0 ? null : AssignerProtocol.MemberMetadata.decode(metadata)
  const url = m?.userData === undefined || m.userData.length === 0 ? '' : m.userData.toString()
  return /^https?:\/\//.test(url) ? url : null
}
