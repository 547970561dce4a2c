// An ingest worker thread (a single-thread Piscina pool). It hosts the
// PartitionBuffers of the partitions pinned to it; the consumer thread sends
// each partition's tasks one after another, so a buffer sees its batches in
// offset order and a flush covers exactly the batches sent before it.
import type { Topic } from '../events/contract.js'
import { pulseError } from '../errors.js'
import type { RecordBatch } from '../../actors/record-batch.js'
import { PartitionBuffer } from './partition-buffer.js'
import { runInBackground } from '../thread-priority.js'
import type { AppendCounts, BufferOptions, EncodedFlush } from './partition-buffer.js'

export type IngestTask =
  | { op: 'open'; id: string; topic: Topic; physicalTopic: string; partition: number; options: BufferOptions; recentIds: string[] }
  | { op: 'append'; id: string; batch: RecordBatch }
  | { op: 'flush'; id: string }
  | { op: 'close'; id: string }

runInBackground()
const buffers = new Map<string, PartitionBuffer>()

function bufferOf(id: string): PartitionBuffer {
  const b = buffers.get(id)
  if (b === undefined) throw pulseError('PULSE_ERR_INVALID_STATE', `no ingest buffer for ${id} on this worker`)
  return b
}

export default function handle(task: IngestTask): AppendCounts | Promise<EncodedFlush> | boolean {
  switch (task.op) {
    case 'open':
      buffers.set(task.id, new PartitionBuffer(task.topic, task.physicalTopic, task.partition, task.options, task.recentIds))
      return true
    case 'append':
      return bufferOf(task.id).append(task.batch)
    case 'flush':
      return bufferOf(task.id).flush()
    case 'close':
      return buffers.delete(task.id)
  }
}
