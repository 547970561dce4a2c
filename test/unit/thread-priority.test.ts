// Worker threads run below the main thread (src/thread-priority.ts): on Linux
// the nice value is per thread, so a worker lowers itself and nothing else.
import t from 'tap'
import { getPriority } from 'node:os'
import { Worker } from 'node:worker_threads'
import { runInBackground } from '../../src/thread-priority.js'

// workers run the compiled module, as the pools do (npm test builds dist/ first)
const compiled = new URL('../../dist/src/thread-priority.js', import.meta.url).href

/** In a new worker thread: what runInBackground returned under `env`, and the thread's nice value after it. */
function inWorker(env: Record<string, string>): Promise<{ applied: number; nice: number }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { getPriority } = require('node:os')
    import(workerData.module).then((m) => parentPort.postMessage({ applied: m.runInBackground(workerData.env), nice: getPriority(0) }))`
  const w = new Worker(code, { eval: true, workerData: { module: compiled, env } })
  return new Promise((resolve, reject) => {
    w.once('message', (m: { applied: number; nice: number }) => void w.terminate().then(() => resolve(m)))
    w.once('error', reject)
  })
}

t.test('a worker thread lowers its own priority, not the process', async (t) => {
  const main = getPriority(0)
  const got = await inWorker({ PULSE_WORKER_NICE: '7' })
  if (process.platform === 'linux') {
    t.equal(got.applied, Math.min(19, main + 7) - main)
    t.equal(got.nice, Math.min(19, main + 7), 'the worker runs 7 below where it started')
  } else {
    t.equal(got.applied, 0, 'elsewhere the nice value is the process’s: left alone')
  }
  t.equal(getPriority(0), main, 'the main thread keeps its priority')
})

t.test('off by default: workers stay where they started', async (t) => {
  const main = getPriority(0)
  t.same(await inWorker({}), { applied: 0, nice: main })
  t.same(await inWorker({ PULSE_WORKER_NICE: '0' }), { applied: 0, nice: main })
})

t.test('on the main thread it does nothing (worker modules loaded in-process)', async (t) => {
  const main = getPriority(0)
  t.equal(runInBackground({ PULSE_WORKER_NICE: '5' }), 0)
  t.equal(getPriority(0), main)
})

t.test('a bad value names the variable', async (t) => {
  await t.rejects(inWorker({ PULSE_WORKER_NICE: 'low' }), { message: /PULSE_WORKER_NICE must be an integer between 0 and 19/ })
})
