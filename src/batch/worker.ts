// A Piscina worker of the batch layer. It keeps one native engine per topic it
// has been given files of; `scan` feeds a file (its bytes cloned from the main
// thread: a small object's Buffer may be a slice of Node's shared pool, which
// must not be transferred), `finish` returns the engine's serialized
// partial of every view of the topic. Each worker is its own single-thread pool,
// so an engine is only ever touched by its thread.
import { createBatchEngine } from '../native.js'
import { runInBackground } from '../thread-priority.js'
import type { NativeBatchEngine, BatchEngineStats } from '../native.js'
import { compilePlan } from './plan.js'
import type { NativePlan } from './plan.js'
import { decodeParquet, scanTable } from './scan.js'
import { CATALOG } from '../../views/catalog/index.js'
import type { Topic } from '../events/contract.js'

export type BatchTask =
  /** `since`: the file also feeds the topic's reconciliation engine, which counts events from that time on */
  | { op: 'scan'; topic: Topic; key: string; bytes: Uint8Array; since?: number }
  | { op: 'finish'; topic: Topic }

export interface FinishResult {
  topic: Topic
  views: string[]
  partials: Uint8Array[]
  /** The reconciliation engine's partials (events from `since` on), when it was fed. */
  overlap?: Uint8Array[]
  stats: BatchEngineStats
}

interface TopicEngines {
  plan: NativePlan
  engine: NativeBatchEngine
  overlap?: NativeBatchEngine
}

runInBackground()
const engines = new Map<Topic, TopicEngines>()

function enginesFor(topic: Topic): TopicEngines {
  let e = engines.get(topic)
  if (e === undefined) {
    const plan = compilePlan(topic, CATALOG.filter((v) => v.topic === topic))
    e = { plan, engine: createBatchEngine(plan) }
    engines.set(topic, e)
  }
  return e
}

export default function run(task: BatchTask): number | FinishResult {
  const e = enginesFor(task.topic)
  if (task.op === 'scan') {
    if (task.since !== undefined) e.overlap ??= createBatchEngine({ ...e.plan, since: task.since })
    const to = task.since !== undefined && e.overlap !== undefined ? [e.engine, e.overlap] : [e.engine]
    return scanTable(to, e.plan, decodeParquet(task.bytes, task.key), task.key)
  }
  engines.delete(task.topic)
  // copied back by structured clone: the buffers are native memory, which cannot be transferred
  const result: FinishResult = { topic: task.topic, views: e.plan.views.map((v) => v.name), partials: e.engine.finish(), stats: e.engine.stats() }
  if (e.overlap !== undefined) result.overlap = e.overlap.finish()
  return result
}
