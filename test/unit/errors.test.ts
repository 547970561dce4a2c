import t from 'tap'
import { readFileSync } from 'node:fs'
import { ERRORS, PulseError, isRetriable, pulseError } from '../../src/errors.js'

t.test('the error table is pinned', async (t) => {
  t.same(Object.keys(ERRORS).sort(), [
    'PULSE_ERR_BAD_REQUEST',
    'PULSE_ERR_BATCH_BUSY',
    'PULSE_ERR_BATCH_DRIFT',
    'PULSE_ERR_BATCH_INPUT',
    'PULSE_ERR_BATCH_PLAN',
    'PULSE_ERR_BUSY',
    'PULSE_ERR_CLI_USAGE',
    'PULSE_ERR_CONFIG',
    'PULSE_ERR_CUTOFF_MOVED',
    'PULSE_ERR_FILE_FORMAT',
    'PULSE_ERR_INTERNAL',
    'PULSE_ERR_INVALID_EVENT',
    'PULSE_ERR_INVALID_SKETCH',
    'PULSE_ERR_INVALID_STATE',
    'PULSE_ERR_KAFKA',
    'PULSE_ERR_NATIVE_ARG',
    'PULSE_ERR_NATIVE_LOAD',
    'PULSE_ERR_NOT_FOUND',
    'PULSE_ERR_READ_EXPIRED',
    'PULSE_ERR_STORE',
    'PULSE_ERR_STORE_NOT_FOUND',
    'PULSE_ERR_UNAUTHORIZED',
    'PULSE_ERR_UNAVAILABLE',
    'PULSE_ERR_UNKNOWN_VIEW',
    'PULSE_ERR_UNREACHABLE',
  ])
})

t.test('every code is documented in docs/errors.md', async (t) => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  for (const code of Object.keys(ERRORS)) t.ok(doc.includes(`\`${code}\``), code)
})

t.test('coded errors carry message, code, status and retriable', async (t) => {
  const e = pulseError('PULSE_ERR_FILE_FORMAT', 'x.ndjson', 3, 'key: must be a string')
  t.ok(e instanceof PulseError)
  t.equal(e.message, 'x.ndjson:3: key: must be a string')
  t.equal(e.code, 'PULSE_ERR_FILE_FORMAT')
  t.equal(e.status, 400)
  t.equal(isRetriable(e), false)
  t.equal(isRetriable(pulseError('PULSE_ERR_KAFKA', 'broker gone')), true)
  t.equal(isRetriable(new Error('plain')), false)
})
