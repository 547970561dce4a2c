// A cluster query: every member of the speed group answers for the partitions
// the group assigned it (this node from its own workers, the others over HTTP,
// `GET /cluster/partials/:view`), and the parts merge with the view's rules.
// Asking each member for exactly its assigned partitions counts a partition
// once even while a rebalance has it open on two nodes. A partition nobody
// answered for (a member just died, or is still restoring) is retried briefly,
// then reported in the answer's coverage instead of failing the query. The
// coverage also names the partitions whose new owner is still replaying towards
// where the partition ended when it took it over: their part may be short of
// what the previous owner answered, and a complete-looking coverage must not
// hide that.
import { viewNamed } from '../../views/catalog/index.js'
import { mergeSerialized } from '../../views/state/partial.js'
import type { ViewPartial } from '../../views/state/partial.js'
import type { GroupFilter } from '../../actors/live-view.js'
import type { ActorStats } from '../../actors/worker.js'
import type { SnapshotReport } from '../../actors/speed-layer.js'
import { PulseError, pulseError } from '../errors.js'
import type { BatchSource, Coverage, SpeedSource } from '../serve/sources.js'
import type { ClusterMembership, Member } from './membership.js'
import { CutoffMismatch } from './peer.js'
import type { Peer, PeerAnswer, PeerStats } from './peer.js'
import { decodeFrames } from './frames.js'

export interface GatherOptions {
  /** Attempts before answering with partitions missing. */
  attempts: number
  /** Pause between attempts (ms). */
  retryMs: number
  /** One member's answer (ms). */
  timeoutMs: number
}

export const DEFAULT_GATHER_OPTIONS: GatherOptions = { attempts: 4, retryMs: 250, timeoutMs: 5000 }

export class ClusterSpeedSource implements SpeedSource {
  readonly options: GatherOptions

  constructor(
    /** This node's speed source: stats, lag, snapshots and cutoff stay local. */
    private readonly local: SpeedSource,
    private readonly peer: Peer,
    private readonly membership: ClusterMembership,
    private readonly batch: BatchSource,
    /** This node's member id in the group (undefined until it joined). */
    private readonly self: () => string | undefined,
    options: Partial<GatherOptions> = {},
    /**
     * Whether this node's own actors hold all of `partitions`, none of them
     * still replaying, at the cutoff of the batch run it serves.
     */
    private readonly holdsAll: (partitions: readonly string[]) => boolean = () => false,
  ) {
    this.options = { ...DEFAULT_GATHER_OPTIONS, ...options }
  }

  /**
   * Top-N by a threshold read (ranked-read.ts) while this node alone holds the
   * group's state: by the membership read within the last seconds, it is the
   * only member with partitions, and its actors hold every partition. Its own
   * workers' answer is then the cluster's, and the read is submitted in the
   * route's tick like a node's without a cluster. Otherwise undefined: top-N
   * answers gather full reads, as the gather has no threshold protocol.
   */
  get rank(): SpeedSource['rank'] {
    const local = this.local.rank
    const c = this.membership.recent()
    const me = this.self()
    if (local === undefined || c === undefined || me === undefined || c.state !== 'Stable') return undefined
    const holders = c.members.filter((m) => m.partitions.length > 0)
    if (holders.length !== 1 || holders[0]!.memberId !== me || !this.holdsAll(c.partitions)) return undefined
    return async (view, filter, measure, k) => {
      const session = await local(view, filter, measure, k)
      const coverage: Coverage = { nodes: 1, missing: [], unreachable: [], replaying: [] }
      return { ...session, fetch: async (ids) => Object.assign(await session.fetch(ids), { coverage }) }
    }
  }

  async query(view: string, filter: GroupFilter): Promise<ViewPartial & { coverage: Coverage }> {
    const def = viewNamed(view)
    if (def === undefined) throw pulseError('PULSE_ERR_UNKNOWN_VIEW', JSON.stringify(view))
    // the batch run the route read in this tick: every member must answer at its cutoff
    const cutoff = this.batch.current()?.cutoff ?? null
    let best: { answers: PeerAnswer[]; nodes: number; missing: string[]; unreachable: string[]; replaying: string[] } | undefined
    for (let attempt = 0; attempt < this.options.attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.options.retryMs))
      const c = await this.membership.get(attempt > 0)
      const me = this.self()
      const members = c.members.filter((m) => m.partitions.length > 0)
      const unreachable: string[] = []
      const settled = await Promise.allSettled(members.map((m) => (m.memberId === me ? this.peer.partials(view, filter, m.partitions, cutoff) : this.remote(m, view, filter, cutoff))))
      const answers: PeerAnswer[] = []
      for (const [i, s] of settled.entries()) {
        if (s.status === 'fulfilled') answers.push(s.value)
        else if (s.reason instanceof CutoffMismatch) {
          // a node ahead of ours: load the newer run, and the route asks again with it
          if (s.reason.nodeCutoff > (cutoff ?? -Infinity)) await this.batch.refresh()
          throw s.reason
        } else unreachable.push(`${members[i]!.url ?? members[i]!.memberId}: ${(s.reason as Error).message}`)
      }
      const answered = new Set(answers.flatMap((a) => a.partitions))
      const missing = c.partitions.filter((id) => !answered.has(id))
      const replaying = answers.flatMap((a) => a.replaying)
      if (best === undefined || missing.length < best.missing.length) best = { answers, nodes: members.length, missing, unreachable, replaying }
      // not retried for replaying partitions: a replay after a restart can take
      // a while, and every answer meanwhile would wait for nothing
      if (missing.length === 0) break
    }
    // merged in place and in slices, as SpeedLayer.query does with its workers' parts
    const out = await mergeSerialized(def, best!.answers.flatMap((a) => a.parts))
    return Object.assign(out, { coverage: { nodes: best!.nodes, missing: best!.missing, unreachable: best!.unreachable, replaying: best!.replaying } })
  }

  /**
   * Every member's reconciliation stats for its assigned partitions (a batch
   * run compares itself with the whole cluster's speed layer, not this node's).
   * A member that cannot answer is left out: its partitions are missing from
   * the run's queries too, so their views are not compared, and their
   * watermarks do not bound the run's cutoff.
   */
  async clusterStats(): Promise<PeerStats[]> {
    const c = await this.membership.get(true)
    const me = this.self()
    const all = await Promise.allSettled(
      c.members
        .filter((m) => m.partitions.length > 0)
        .map(async (m) => {
          if (m.memberId === me) return this.peer.stats(m.partitions)
          if (m.url === null) throw pulseError('PULSE_ERR_UNAVAILABLE', `member ${m.memberId} advertises no address`)
          const url = new URL(`cluster/stats?${new URLSearchParams({ partitions: m.partitions.join(',') })}`, m.url)
          const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) })
          if (res.status !== 200) throw pulseError('PULSE_ERR_UNAVAILABLE', `${m.url} answered ${res.status} for its stats`)
          return ((await res.json()) as { actors: PeerStats[] }).actors
        }),
    )
    return all.flatMap((s) => (s.status === 'fulfilled' ? s.value : []))
  }

  private async remote(m: Member, view: string, filter: GroupFilter, cutoff: number | null): Promise<PeerAnswer> {
    if (m.url === null) throw new Error('the member advertises no address')
    const params = new URLSearchParams({ filter: JSON.stringify(filter), partitions: m.partitions.join(','), cutoff: cutoff === null ? 'none' : String(cutoff) })
    const url = new URL(`cluster/partials/${encodeURIComponent(view)}?${params}`, m.url)
    const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) })
    if (res.status === 503 && res.headers.get('x-pulse-cutoff') !== null) {
      const at = res.headers.get('x-pulse-cutoff')!
      throw new CutoffMismatch(at === 'none' ? -Infinity : Number(at), cutoff ?? -Infinity)
    }
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`)
    const parts = decodeFrames(new Uint8Array(await res.arrayBuffer()))
    const list = (header: string) => {
      const v = res.headers.get(header) ?? ''
      return v === '' ? [] : v.split(',')
    }
    return { parts, partitions: list('x-pulse-partitions'), replaying: list('x-pulse-replaying') }
  }

  stats(): Promise<ActorStats[]> {
    return this.local.stats()
  }

  setCutoff(cutoff: number): Promise<unknown> {
    return this.local.setCutoff(cutoff)
  }

  lag(): Promise<number | null> {
    return this.local.lag?.() ?? Promise.resolve(null)
  }

  snapshot(): Promise<SnapshotReport> {
    if (this.local.snapshot === undefined) throw new PulseError('PULSE_ERR_UNAVAILABLE', ['this node takes no snapshots'])
    return this.local.snapshot()
  }

  get lastSnapshot(): SnapshotReport | undefined {
    return this.local.lastSnapshot
  }

  close(): Promise<void> {
    return this.membership.close()
  }
}
