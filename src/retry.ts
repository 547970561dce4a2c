// The one retry helper for Kafka and S3 calls: exponential backoff with full
// jitter, retrying only errors marked retriable (PulseError.retriable, or the
// `retriable` flag kafkajs puts on its protocol errors).
import { setTimeout as sleep } from 'node:timers/promises'
import { PulseError } from './errors.js'

export interface RetryOptions {
  /** Attempts after the first (default 8). */
  retries?: number
  /** First backoff ceiling in ms (default 100); doubles per attempt up to maxMs. */
  initialMs?: number
  maxMs?: number
  retriable?: (err: unknown) => boolean
}

export function defaultRetriable(err: unknown): boolean {
  if (err instanceof PulseError) return err.retriable
  return (err as { retriable?: unknown } | null)?.retriable === true
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 8
  const maxMs = options.maxMs ?? 5000
  const retriable = options.retriable ?? defaultRetriable
  let ceiling = options.initialMs ?? 100
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (attempt >= retries || !retriable(err)) throw err
      await sleep(Math.random() * ceiling)
      ceiling = Math.min(maxMs, ceiling * 2)
    }
  }
}
