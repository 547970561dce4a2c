// Object keys of the master dataset, the dead-letter store and the ingestion
// bookkeeping. Data object names derive from the Kafka partition and the offset
// range they cover, so a replayed range maps to the same names.
import { dateOf, hourOf } from '../events/time.js'

const pad = (n: number) => String(n).padStart(12, '0')

/** `p3-000000001000-000000001999`: partition and first/last offset of a flush. */
export function rangeName(partition: number, first: number, last: number): string {
  return `p${partition}-${pad(first)}-${pad(last)}`
}

export function masterKey(prefix: string, topic: string, time: number, range: string): string {
  const hour = String(hourOf(time)).padStart(2, '0')
  return `${prefix}master_dataset/topic=${topic}/date=${dateOf(time)}/hour=${hour}/${range}.parquet`
}

/** Dead letters are filed by the day they were ingested (their event time may be unreadable). */
export function deadLetterKey(prefix: string, topic: string, now: number, range: string): string {
  return `${prefix}dead_letter/topic=${topic}/date=${dateOf(now)}/${range}.ndjson`
}

export function manifestKey(prefix: string, topic: string, partition: number): string {
  return `${prefix}_ingest/manifests/${topic}/${partition}.json`
}

export function intentKey(prefix: string, topic: string, partition: number): string {
  return `${prefix}_ingest/intents/${topic}/${partition}.json`
}
