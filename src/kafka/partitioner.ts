// Kafka's default key partitioner (murmur2, as in the Java client and kafkajs's
// DefaultPartitioner), so the embedded log puts a key on the same partition a
// real broker would, and a user's events stay ordered on one partition.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** murmur2 of the first `length` bytes of `data` (all of them by default). */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length
  const blocks = length & ~3
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const tail = length & 3
  if (tail === 3) h ^= data[blocks + 2]! << 16
  if (tail >= 2) h ^= data[blocks + 1]! << 8
  if (tail >= 1) {
    h ^= data[blocks]!
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

const encoder = new TextEncoder()
/** A key's UTF-8 bytes, reused: the embedded log places every appended record. */
let scratch = new Uint8Array(256)

export function partitionFor(key: string, partitions: number): number {
  if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3)
  const { written } = encoder.encodeInto(key, scratch)
  return (murmur2(scratch, written) & 0x7fffffff) % partitions
}
