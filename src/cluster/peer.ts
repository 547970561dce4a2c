// What one node contributes to a cluster query: the serialized partials of the
// actors it owns among the partitions asked for, taken at the batch cutoff the
// asking node serves. A node behind that cutoff reloads the published run first
// (it may not have polled since the run was published); a node at another
// cutoff refuses, so that no event is counted by both the batch run and a
// speed partial, or by neither.
import type { SpeedLayer } from '../../actors/speed-layer.js'
import type { GroupFilter } from '../../actors/live-view.js'
import type { ActorStats } from '../../actors/worker.js'
import type { BatchSource } from '../serve/sources.js'
import { formatInstant } from '../events/time.js'
import { PulseError } from '../errors.js'

export interface PeerAnswer {
  /** each worker's serialized partial */
  parts: Uint8Array[]
  /** the `topic/partition` ids the parts cover */
  partitions: string[]
  /** those of them still replaying towards where the partition ended when assigned here (KafkaSource.replaying) */
  replaying: string[]
}

/**
 * What batch reconciliation needs of each actor (src/batch/reconcile.ts).
 * `watermark` null: the actor holds no valid event yet (JSON has no infinities).
 */
export type PeerStats = Pick<ActorStats, 'topic' | 'partition' | 'nextOffset' | 'heldFrom' | 'droppedByHour'> & { watermark: number | null }

export interface Peer {
  /** `partitions` undefined: every actor on the node; `cutoff` null: no batch run served. */
  partials(view: string, filter: GroupFilter, partitions: readonly string[] | undefined, cutoff: number | null): Promise<PeerAnswer>
  /** The actors' reconciliation stats, for the partitions asked for that are open here. */
  stats(partitions: readonly string[]): Promise<PeerStats[]>
}

const show = (t: number) => (Number.isFinite(t) ? formatInstant(t) : 'none')

/** The node's speed layer is at another cutoff than the query's. */
export class CutoffMismatch extends PulseError {
  constructor(
    readonly nodeCutoff: number,
    wanted: number,
  ) {
    super('PULSE_ERR_CUTOFF_MOVED', [`this node's speed layer starts at ${show(nodeCutoff)}, the query's batch run ends at ${show(wanted)}`])
  }
}

const idOf = (topic: string, partition: number) => `${topic}/${partition}`

/** `replaying`: the partitions whose actors are still catching up after an assignment. */
export function localPeer(layer: SpeedLayer, batch: BatchSource, replaying: () => readonly string[] = () => []): Peer {
  return {
    async partials(view, filter, partitions, cutoff) {
      const wanted = cutoff ?? -Infinity
      if (layer.cutoff < wanted) await batch.refresh()
      if (layer.cutoff !== wanted) throw new CutoffMismatch(layer.cutoff, wanted)
      const mine = layer.partitions.map((p) => idOf(p.topic, p.partition))
      const owned = partitions === undefined ? mine : partitions.filter((id) => mine.includes(id))
      // submitted in the same tick as the cutoff check: a cutoff moved later is fenced behind it (speed-layer.ts)
      const behind = new Set(replaying())
      const parts = await layer.queryBytes(view, filter, owned)
      return { parts, partitions: owned, replaying: owned.filter((id) => behind.has(id)) }
    },
    async stats(partitions) {
      const wanted = new Set(partitions)
      return (await layer.stats())
        .filter((s) => wanted.has(idOf(s.topic, s.partition)))
        .map(({ topic, partition, nextOffset, heldFrom, droppedByHour, watermark }) => ({ topic, partition, nextOffset, heldFrom, droppedByHour, watermark: Number.isFinite(watermark) ? watermark : null }))
    },
  }
}
