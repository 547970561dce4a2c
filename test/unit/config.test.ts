import t from 'tap'
import { loadConfig } from '../../src/config.js'

t.test('no configuration means the embedded defaults', async (t) => {
  const c = loadConfig({})
  t.equal(c.kafka, undefined)
  t.equal(c.s3, undefined)
  t.equal(c.partitions, 4)
  t.match(c.dataDir, /\.pulse$/)
  t.equal(c.logLevel, 'info')
})

t.test('Kafka and S3 when configured', async (t) => {
  const c = loadConfig({ PULSE_KAFKA_BROKERS: 'a:9092, b:9092', PULSE_S3_ENDPOINT: 'http://127.0.0.1:9000', PULSE_PARTITIONS: '6' })
  t.same(c.kafka, { brokers: ['a:9092', 'b:9092'], clientId: 'pulse', partitions: 6, topicPrefix: '' })
  t.equal(c.s3?.bucket, 'pulse')
  t.equal(c.s3?.endpoint, 'http://127.0.0.1:9000')
})

t.test('a bad value is an error naming the variable', async (t) => {
  t.throws(() => loadConfig({ PULSE_PARTITIONS: 'many' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_PARTITIONS must be an integer/ })
  t.throws(() => loadConfig({ PULSE_PARTITIONS: '0' }), { message: /PULSE_PARTITIONS/ })
  t.throws(() => loadConfig({ PULSE_S3_ENDPOINT: '127.0.0.1:9000' }), { message: /PULSE_S3_ENDPOINT must be an http\(s\) URL/ })
  t.throws(() => loadConfig({ PULSE_LOG_LEVEL: 'loud' }), { message: /PULSE_LOG_LEVEL must be one of error, warn, info, debug/ })
})

t.test('serving: host, port and the admin token', async (t) => {
  t.same(loadConfig({}).http, { host: '127.0.0.1', port: 8080, adminToken: undefined, speedReuseMs: 250 })
  const c = loadConfig({ PULSE_HTTP_HOST: '0.0.0.0', PULSE_HTTP_PORT: '0', PULSE_ADMIN_TOKEN: 'a-long-enough-token', PULSE_SPEED_REUSE_MS: '0' })
  t.same(c.http, { host: '0.0.0.0', port: 0, adminToken: 'a-long-enough-token', speedReuseMs: 0 })
  t.throws(() => loadConfig({ PULSE_SPEED_REUSE_MS: '-1' }), { message: /PULSE_SPEED_REUSE_MS must be an integer between 0 and 60000/ })
  t.throws(() => loadConfig({ PULSE_HTTP_PORT: '70000' }), { message: /PULSE_HTTP_PORT must be an integer between 0 and 65535/ })
  t.throws(() => loadConfig({ PULSE_ADMIN_TOKEN: 'short' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_ADMIN_TOKEN must be 16 to 256/ })
  t.throws(() => loadConfig({ PULSE_ADMIN_TOKEN: 'has spaces in the middle' }), { message: /PULSE_ADMIN_TOKEN/ })
})

t.test('worker threads run below the main thread: PULSE_WORKER_NICE', async (t) => {
  t.equal(loadConfig({}).workerNice, 0, 'off by default')
  t.equal(loadConfig({ PULSE_WORKER_NICE: '10' }).workerNice, 10)
  t.throws(() => loadConfig({ PULSE_WORKER_NICE: '20' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_WORKER_NICE must be an integer between 0 and 19/ })
  t.throws(() => loadConfig({ PULSE_WORKER_NICE: '-5' }), { message: /PULSE_WORKER_NICE/ })
})

t.test('speed-layer worker threads: PULSE_SPEED_WORKERS, else the command decides', async (t) => {
  t.equal(loadConfig({}).speedWorkers, undefined, 'unset: each command keeps its default')
  t.equal(loadConfig({ PULSE_SPEED_WORKERS: ' ' }).speedWorkers, undefined)
  t.equal(loadConfig({ PULSE_SPEED_WORKERS: '3' }).speedWorkers, 3)
  t.throws(() => loadConfig({ PULSE_SPEED_WORKERS: '0' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_SPEED_WORKERS must be an integer between 1 and 64, got "0"/ })
  t.throws(() => loadConfig({ PULSE_SPEED_WORKERS: 'two' }), { code: 'PULSE_ERR_CONFIG', message: /PULSE_SPEED_WORKERS/ })
})
