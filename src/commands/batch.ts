// `pulse batch run`: one batch run now, with a progress line; `pulse batch status`:
// the published run.
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import type { PulseConfig } from '../config.js'
import { pulseError } from '../errors.js'
import { openStore } from '../store/open-store.js'
import { Progress } from '../progress.js'
import { parseInstant } from '../events/time.js'
import { DEFAULT_BATCH_OPTIONS } from '../batch/runner.js'
import { BatchScheduler } from '../batch/scheduler.js'
import { currentRun } from '../batch/runs.js'
import { intArg } from '../cli-args.js'

export const BATCH_HELP = `pulse batch — recompute every view from the master dataset

usage: pulse batch run [options]
       pulse batch status [--prefix P]

  --cutoff ISO     exclusive hour boundary (default: the start of the newest hour with data)
  --workers N      worker threads (default ${availableParallelism()})
  --keep N         runs kept in the store, the published one always (default ${DEFAULT_BATCH_OPTIONS.keepRuns})
  --prefix P       store key prefix (default PULSE_STORE_PREFIX, else none)
  --quiet          no progress line

Reads <store>/master_dataset/, writes <store>/_batch/runs/<run>/ and publishes
<store>/_batch/current.json. The store is PULSE_S3_ENDPOINT's bucket, or the local
store under PULSE_DATA_DIR. Exit status 1 when the run fails or is not published.`

export async function batchCommand(args: string[], config: PulseConfig): Promise<number> {
  const [sub, ...rest] = args
  const { values: v } = parseArgs({
    args: rest,
    strict: true,
    options: {
      cutoff: { type: 'string' },
      workers: { type: 'string' },
      keep: { type: 'string' },
      prefix: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  })
  const store = openStore(config)
  const prefix = v.prefix ?? config.storePrefix
  if (sub === 'status') {
    const run = await currentRun(store, prefix)
    console.log(run === null ? 'no batch run published yet' : JSON.stringify(run, null, 2))
    return 0
  }
  if (sub !== 'run') throw pulseError('PULSE_ERR_CLI_USAGE', `pulse batch needs "run" or "status", got ${JSON.stringify(sub ?? '')}`)
  const cutoff = v.cutoff === undefined ? undefined : parseInstant(v.cutoff)
  if (cutoff !== undefined && Number.isNaN(cutoff)) {
    throw pulseError('PULSE_ERR_CLI_USAGE', `--cutoff must be an ISO-8601 UTC instant such as 2026-11-22T00:00:00Z, got ${JSON.stringify(v.cutoff)}`)
  }
  let progress: Progress | undefined
  const scheduler = new BatchScheduler(store, {
    prefix,
    topicPrefix: config.kafka?.topicPrefix ?? '',
    workers: intArg('workers', v.workers, availableParallelism(), 1),
    keepRuns: intArg('keep', v.keep, DEFAULT_BATCH_OPTIONS.keepRuns, 1),
    ...(cutoff === undefined ? {} : { cutoff }),
    onProgress: (p) => {
      if (p.phase === 'scan') {
        progress ??= new Progress('batch: files', p.filesTotal, { quiet: v.quiet === true })
        progress.update(p.files, `${p.rows.toLocaleString('en-US')} rows`)
      } else if (p.phase !== 'list' && v.quiet !== true) progress?.update(p.files, p.phase)
    },
  })
  try {
    const r = await scheduler.run()
    progress?.finish(`${r.manifest.input.files} files, ${r.manifest.input.events.toLocaleString('en-US')} events`)
    console.log(JSON.stringify({ runId: r.manifest.runId, cutoff: r.manifest.cutoffIso, published: r.published, reason: r.reason, input: r.manifest.input, durationMs: r.manifest.durationMs }))
    return r.published ? 0 : 1
  } catch (err) {
    console.error(`pulse batch: the run failed and the previous run stays published: ${(err as Error).message}`)
    return 1
  }
}
