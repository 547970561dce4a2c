// A discrete-event scheduler: processes (generator functions) sleep in event time
// and run in timestamp order. Ties on time run in the order they were scheduled,
// so a run is deterministic.
import { MinHeap } from './heap.js'

/** A simulated activity: yields how many milliseconds to sleep before its next step. */
export type Process = Generator<number, void, void>

interface Entry {
  time: number
  seq: number
  proc: Process
}

export class Scheduler {
  now: number
  private readonly timeline = new MinHeap<Entry>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq))
  private seq = 0

  constructor(start: number) {
    this.now = start
  }

  get size(): number {
    return this.timeline.size
  }

  /** Starts `proc` after `delay` ms of event time. */
  spawn(proc: Process, delay = 0): void {
    this.timeline.push({ time: this.now + Math.max(0, delay), seq: this.seq++, proc })
  }

  /** Runs the earliest process for one step (it may emit events through its context). */
  step(): boolean {
    const top = this.timeline.pop()
    if (top === undefined) return false
    this.now = top.time
    const r = top.proc.next()
    if (!r.done) {
      top.time = this.now + Math.max(1, Math.round(r.value)) // whole ms, strictly after now
      top.seq = this.seq++
      this.timeline.push(top)
    }
    return true
  }
}
