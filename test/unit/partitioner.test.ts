import t from 'tap'
import { Partitioners } from 'kafkajs'
import { partitionFor } from '../../src/kafka/partitioner.js'

t.test('embedded placement equals what a Kafka producer (murmur2) chooses', async (t) => {
  const kafkaPartitioner = Partitioners.DefaultPartitioner()
  for (const n of [1, 3, 4, 12]) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }))
    for (let i = 0; i < 2000; i++) {
      const key = i % 7 === 0 ? `ü-${i}-ß` : `s${i}`
      const expected = kafkaPartitioner({ topic: 'x', partitionMetadata, message: { key, value: '' } } as never)
      if (partitionFor(key, n) !== expected) {
        t.fail(`key ${key}, ${n} partitions`)
        return
      }
    }
  }
  t.pass('2000 keys × 4 partition counts agree')
})

t.test('single partition and empty key', async (t) => {
  t.equal(partitionFor('', 1), 0)
  t.equal(partitionFor('anything', 1), 0)
})
