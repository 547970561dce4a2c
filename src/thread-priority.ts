// With PULSE_WORKER_NICE set, background threads (the speed layer's actors,
// ingestion's encoders, the batch layer's scanners) run at a lower CPU priority
// than the process's main thread, which serves HTTP and feeds them. When the
// cores are all busy, the scheduler then runs the serving thread first instead
// of slicing its time evenly with every worker: queries answer sooner, and the
// workers fall behind whatever else runs at normal priority. Off by default:
// where a broker or producers share the cores, the workers lose to them and the
// speed layer's freshness suffers (docs/operations.md has both measurements).
//
// Linux keeps a nice value per thread, so setPriority(0, …) from a worker
// lowers that worker alone. Elsewhere it would lower the whole process, so it
// is left alone there. (Piscina's niceIncrement does the same through an
// optional native package, and silently nothing without it.)
import { getPriority, setPriority } from 'node:os'
import { isMainThread } from 'node:worker_threads'
import { workerNice } from './config.js'

/**
 * Lowers the calling worker thread's priority by PULSE_WORKER_NICE levels below
 * where it started (the thread that made it: a process started under `nice`
 * keeps its workers below itself); returns the increment applied (0: none).
 * On the main thread (a worker module loaded in-process, as tests do) it does
 * nothing.
 */
export function runInBackground(env: Record<string, string | undefined> = process.env): number {
  const nice = workerNice(env)
  if (nice === 0 || isMainThread || process.platform !== 'linux') return 0
  // an absolute value below the current one would be a raise, which needs privileges
  const from = getPriority(0)
  const to = Math.min(19, from + nice)
  setPriority(0, to)
  return to - from
}
