// The last `capacity` event ids seen, for deduplicating redeliveries within a
// bounded horizon: a ring (to know which id falls out) plus a set (to look up).
export class RecentIds {
  private readonly ring: (string | undefined)[]
  private next = 0
  private readonly set = new Set<string>()

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity)
  }

  get size(): number {
    return this.set.size
  }

  has(id: string): boolean {
    return this.set.has(id)
  }

  /** Remembers `id` unless already known; returns false for a repeat. */
  add(id: string): boolean {
    // one lookup for the test and the insert: the set grows only for a new id
    const size = this.set.size
    this.set.add(id)
    if (this.set.size === size) return false
    const old = this.ring[this.next]
    if (old !== undefined) this.set.delete(old)
    this.ring[this.next] = id
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1
    return true
  }

  /** The most recent `n` (all by default), oldest first. */
  last(n = this.capacity): string[] {
    const out: string[] = []
    for (let i = Math.min(n, this.set.size); i > 0; i--) out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!)
    return out
  }
}
