// Runs every benchmark in turn: `npm run bench` (after `npm install`). The
// ones that need Kafka and S3 run when the local services answer.
import { connect } from 'node:net'
import { runValidatorBench } from './validator.js'
import { runGeneratorBench } from './generator.js'
import { runHllBench } from './hll.js'
import { runSpeedBench } from './speed.js'
import { runBatchBench } from './batch.js'
import { runIngestBench } from './ingest.js'
import { runSpeedKafkaBench } from './speed-kafka.js'
import { runServeBench } from './serve.js'
import { runSpeedReadsBench } from './speed-reads.js'
import { runSnapshotBench } from './snapshot.js'

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })

runValidatorBench()
await runGeneratorBench()
runHllBench()
await runSpeedBench()
await runSnapshotBench()
await runBatchBench()
await runSpeedReadsBench()
await runServeBench()
if ((await answers(9092)) && (await answers(9000))) {
  await runIngestBench(1_000_000, 50)
  await runSpeedKafkaBench()
} else {
  process.stdout.write('\nKafka or S3 not running (npm run services:up): skipping the ingestion and Kafka speed-layer benchmarks\n')
}
