// A Kafka node that holds speed actors and answers queries is a member of its
// speed group's cluster, whichever command started it (`pulse start`, `pulse
// serve`): it serves its partials to the other members (the peer routes), its
// answers gather every member's (the gatherer), and its batch runs compare
// with the whole group's speed side. Without this, a node sharing its group
// with others would answer for its own partitions only.
import { hostname } from 'node:os'
import type { Kafka } from 'kafkajs'
import type { SpeedLayer } from '../../actors/speed-layer.js'
import type { SpeedSide } from '../batch/reconcile.js'
import type { BatchSource } from '../serve/sources.js'
import { speedSourceOf } from '../serve/sources.js'
import { ClusterSpeedSource } from './gather.js'
import { ClusterMembership } from './membership.js'
import { localPeer } from './peer.js'
import type { Peer } from './peer.js'

export interface ClusterMember {
  /** what this node serves to the others (`/cluster` routes) */
  peer: Peer
  /** the speed source of this node's answers: every member's partials */
  gatherer: ClusterSpeedSource
  /** the group's speed side, for a batch run's reconciliation */
  side: SpeedSide
}

export interface MemberOptions {
  kafka: Kafka
  layer: SpeedLayer
  batch: BatchSource
  /** the speed layer's consumer group */
  groupId: string
  topicPrefix: string
  /** records not yet applied on this node */
  lag: () => Promise<number | null>
  /** partitions this node took over and is still replaying */
  replaying: () => readonly string[]
  /** this node's member id in the group (undefined until it joined) */
  memberId: () => string | undefined
}

export function clusterMember(o: MemberOptions): ClusterMember {
  const peer = localPeer(o.layer, o.batch, o.replaying)
  const layer = o.layer
  const holdsAll = (partitions: readonly string[]) => {
    if (o.replaying().length > 0 || layer.cutoff !== (o.batch.current()?.cutoff ?? -Infinity)) return false
    const mine = new Set(layer.partitions.map((p) => `${p.topic}/${p.partition}`))
    return partitions.every((id) => mine.has(id))
  }
  const membership = new ClusterMembership(o.kafka, o.groupId, o.topicPrefix)
  const gatherer = new ClusterSpeedSource(speedSourceOf(layer, o.lag), peer, membership, o.batch, o.memberId, {}, holdsAll)
  const side: SpeedSide = {
    get cutoff() {
      return layer.cutoff
    },
    stats: () => gatherer.clusterStats(),
    query: (view, filter) => gatherer.query(view, filter),
  }
  return { peer, gatherer, side }
}

/** The server's URL as other nodes reach it: a wildcard bind advertises the host name. */
export function advertised(url: string): string {
  const u = new URL(url)
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = hostname()
  return u.toString()
}
