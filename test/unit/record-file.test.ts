import t from 'tap'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { decodeRecordLine, encodeRecordLine, readRecordFile } from '../../src/generator/record-file.js'

t.test('raw values survive a round trip byte for byte, malformed JSON included', async (t) => {
  const values = ['{"a":1}', '{"event_id": "x", "broken', '  spaced  \t', 'ünï\u2028code', '']
  for (const v of values) t.equal(decodeRecordLine(encodeRecordLine('auth_topic', 'k', v), 'f', 1).value, v)
})

t.test('bad lines name the file, the line and the field', async (t) => {
  t.throws(() => decodeRecordLine('nope', 'f.ndjson', 7), { code: 'PULSE_ERR_FILE_FORMAT', message: 'f.ndjson:7: not a JSON object' })
  t.throws(() => decodeRecordLine('{"topic":"t","key":1,"value":"v"}', 'f', 2), { message: 'f:2: key: must be a string' })
  t.throws(() => decodeRecordLine('{"topic":"t","key":"k","value":{}}', 'f', 2), { message: /f:2: value: must be a string/ })
  t.throws(() => decodeRecordLine('{"key":"k","value":"v"}', 'f', 2), { message: 'f:2: topic: must be a non-empty string' })
})

t.test('a file streams its records with line numbers, skipping blank lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-'))
  const path = join(dir, 'r.ndjson')
  writeFileSync(path, [encodeRecordLine('a', 'k1', 'v1'), '', encodeRecordLine('b', 'k2', 'v2')].join('\n') + '\n')
  const got = []
  for await (const r of readRecordFile(path)) got.push(r)
  t.same(got, [
    { topic: 'a', key: 'k1', value: 'v1', line: 1 },
    { topic: 'b', key: 'k2', value: 'v2', line: 3 },
  ])
})
