// A binary min-heap over a caller-supplied order. Used for the scheduler's
// timeline and the generator's held-back (late) and redelivered records.

export class MinHeap<T> {
  private items: T[] = []

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(item: T): void {
    const h = this.items
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(item, h[p]!)) break
      h[i] = h[p]!
      i = p
    }
    h[i] = item
  }

  pop(): T | undefined {
    const h = this.items
    const top = h[0]
    const last = h.pop()
    if (top === undefined || last === undefined || h.length === 0) return top
    let i = 0
    const n = h.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && this.before(h[r]!, h[l]!) ? r : l
      if (!this.before(h[c]!, last)) break
      h[i] = h[c]!
      i = c
    }
    h[i] = last
    return top
  }
}
