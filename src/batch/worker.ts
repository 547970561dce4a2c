// A Piscina worker of the batch layer. It keeps one native engine per topic it
// has been given files of; `scan` feeds a file (its bytes transferred from the
// main thread), `finish` returns the engine's serialized
// partial of every view of the topic. Each worker is its own single-thread pool,
// so an engine is only ever touched by its thread.
import { createBatchEngine } from '../native.js'
import type { NativeBatchEngine, BatchEngineStats } from '../native.js'
import { compilePlan } from './plan.js'
import type { NativePlan } from './plan.js'
import { decodeParquet, scanTable } from './scan.js'
import { CATALOG } from '../../views/catalog/index.js'
import type { Topic } from '../events/contract.js'

export type BatchTask =
  | { op: 'scan'; topic: Topic; key: string; bytes: Uint8Array }
  | { op: 'finish'; topic: Topic }

export interface FinishResult {
  topic: Topic
  views: string[]
  partials: Uint8Array[]
  stats: BatchEngineStats
}

const engines = new Map<Topic, { plan: NativePlan; engine: NativeBatchEngine }>()

function engineFor(topic: Topic): { plan: NativePlan; engine: NativeBatchEngine } {
  let e = engines.get(topic)
  if (e === undefined) {
    const plan = compilePlan(topic, CATALOG.filter((v) => v.topic === topic))
    e = { plan, engine: createBatchEngine(plan) }
    engines.set(topic, e)
  }
  return e
}

export default function run(task: BatchTask): number | FinishResult {
  if (task.op === 'scan') {
    const { plan, engine } = engineFor(task.topic)
    return scanTable(engine, plan, decodeParquet(task.bytes, task.key), task.key)
  }
  const { plan, engine } = engineFor(task.topic)
  engines.delete(task.topic)
  const partials = engine.finish()
  // copied back by structured clone: the buffers are native memory, which cannot be transferred
  return { topic: task.topic, views: plan.views.map((v) => v.name), partials, stats: engine.stats() }
}
