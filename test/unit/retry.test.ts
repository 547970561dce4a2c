import t from 'tap'
import { retry } from '../../src/retry.js'
import { pulseError } from '../../src/errors.js'

t.test('retries retriable errors until success', async (t) => {
  let calls = 0
  const v = await retry(
    async () => {
      if (++calls < 3) throw pulseError('PULSE_ERR_KAFKA', 'leader not available')
      return 'ok'
    },
    { initialMs: 1 },
  )
  t.equal(v, 'ok')
  t.equal(calls, 3)
})

t.test('kafkajs-style errors with retriable: true are retried too', async (t) => {
  let calls = 0
  await retry(
    async () => {
      if (++calls < 2) throw Object.assign(new Error('NOT_LEADER'), { retriable: true })
    },
    { initialMs: 1 },
  )
  t.equal(calls, 2)
})

t.test('non-retriable errors fail at once; retriable ones after the last attempt', async (t) => {
  let calls = 0
  await t.rejects(retry(async () => { calls++; throw pulseError('PULSE_ERR_CONFIG', 'bad') }, { initialMs: 1 }), { code: 'PULSE_ERR_CONFIG' })
  t.equal(calls, 1)
  calls = 0
  await t.rejects(retry(async () => { calls++; throw pulseError('PULSE_ERR_STORE', 'down') }, { retries: 2, initialMs: 1 }), { code: 'PULSE_ERR_STORE' })
  t.equal(calls, 3)
})
