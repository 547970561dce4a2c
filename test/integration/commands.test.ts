// The single-role commands against the real local Kafka and S3 on a prefix
// whose topics do not exist yet: each creates the six topics (as `pulse start`
// does) instead of failing on the broker's unknown-topic answer, and stops by
// itself once idle. Their default consumer groups take the topic prefix, as
// `pulse start`'s do.
import t from 'tap'
import { execFile } from 'node:child_process'
import { dropTopics, requireServices } from '../helpers/services.js'
import { LOCAL_SERVICES } from '../../src/config.js'
import { createKafka, physicalTopics } from '../../src/kafka/client.js'

t.before(requireServices)

for (const command of ['ingest', 'speed'] as const) {
  t.test(`pulse ${command} creates missing topics and stops once idle`, async (t) => {
    const run = `cmd${command}${Date.now().toString(36)}`
    t.teardown(dropTopics(`${run}.`))
    const env = {
      ...process.env,
      PULSE_KAFKA_BROKERS: LOCAL_SERVICES.kafka.brokers.join(','),
      PULSE_S3_ENDPOINT: LOCAL_SERVICES.s3.endpoint,
      PULSE_TOPIC_PREFIX: `${run}.`,
      PULSE_PARTITIONS: '2',
    }
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/pulse.js', command, '--prefix', `test-runs/${run}/`, '--until-idle', '2s'], { env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      )
    })
    t.equal(out.code, 0, out.code === 0 ? 'exit status 0' : `exit status ${out.code}: ${out.stderr.slice(-600)}`)
    t.match(out.stdout, /"stopped":true/, 'it says it stopped')
    t.match(out.stdout, `group ${run}.pulse-${command}`, 'its default group takes the topic prefix')
    const admin = createKafka({ ...LOCAL_SERVICES.kafka, clientId: 'pulse-test' }).admin()
    await admin.connect()
    try {
      const topics = new Set(await admin.listTopics())
      t.same(physicalTopics(`${run}.`).filter((x) => !topics.has(x)), [], 'the six topics exist')
      const meta = await admin.fetchTopicMetadata({ topics: physicalTopics(`${run}.`) })
      t.same(meta.topics.map((m) => m.partitions.length), [2, 2, 2, 2, 2, 2], 'with PULSE_PARTITIONS partitions')
    } finally {
      await admin.disconnect()
    }
  })
}
