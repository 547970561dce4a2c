// Configuration from the environment. Every variable is listed here with its
// default (docs/configuration.md mirrors this table); a bad value is a
// PULSE_ERR_CONFIG naming the variable. No Kafka or S3 configured means the
// embedded defaults: an in-process event log and a local directory store.
import { resolve } from 'node:path'
import { pulseError } from './errors.js'
import { parseSchedule } from './batch/schedule.js'

export interface KafkaSettings {
  brokers: string[]
  clientId: string
  /** Partitions per topic when Pulse creates the topics. */
  partitions: number
  /** Physical topic = prefix + contract topic name (e.g. `staging.auth_topic`); empty by default. */
  topicPrefix: string
}

export interface S3Settings {
  endpoint: string
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
}

export interface HttpSettings {
  host: string
  /** 0 picks a free port (tests). */
  port: number
  /** Bearer token of the admin routes; undefined: admin routes refuse every call. */
  adminToken: string | undefined
  /** How old a speed read identical view queries share may be (ms; 0: only reads in flight are shared; default 250). */
  speedReuseMs?: number
}

export interface BatchSettings {
  /** Daily run time `HH:MM` (UTC), an interval `every 1h`, or `off`. */
  schedule: string
  /** Largest per-view drift from the speed layer a run may show and still be published (src/batch/reconcile.ts). */
  driftThreshold: number
}

export interface PulseConfig {
  /** undefined: embedded in-process log instead of Kafka. */
  kafka: KafkaSettings | undefined
  /** undefined: local directory store at `dataDir` instead of S3. */
  s3: S3Settings | undefined
  dataDir: string
  /** Nice value of worker threads (thread-priority.ts), checked here so a bad one stops the start. */
  workerNice: number
  /** Speed-layer worker threads; undefined: the command's default (workersFor in actors/speed-layer.ts). */
  speedWorkers: number | undefined
  /** Key prefix of everything Pulse writes in the store (several deployments in one bucket); empty by default. */
  storePrefix: string
  /** This node's HTTP address as other cluster nodes reach it; default http://<PULSE_HTTP_HOST>:<port>/. */
  advertiseUrl: string | undefined
  /** Partitions per topic of the embedded log (mirrors a Kafka topic's). */
  partitions: number
  logLevel: 'error' | 'warn' | 'info' | 'debug'
  http: HttpSettings
  batch: BatchSettings
}

type Env = Record<string, string | undefined>

function text(env: Env, name: string, fallback: string): string {
  const v = env[name]
  return v === undefined || v.trim() === '' ? fallback : v.trim()
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw pulseError('PULSE_ERR_CONFIG', `${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`)
  }
  return n
}

function oneOf<const T extends readonly string[]>(env: Env, name: string, values: T, fallback: T[number]): T[number] {
  const v = text(env, name, fallback)
  if (!(values as readonly string[]).includes(v)) {
    throw pulseError('PULSE_ERR_CONFIG', `${name} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`)
  }
  return v as T[number]
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n > 1) throw pulseError('PULSE_ERR_CONFIG', `${name} must be a number from 0 to 1, got ${JSON.stringify(raw)}`)
  return n
}

function schedule(env: Env, name: string, fallback: string): string {
  const v = text(env, name, fallback)
  parseSchedule(v)
  return v
}

function url(env: Env, name: string): string | undefined {
  const v = text(env, name, '')
  if (v === '') return undefined
  if (!/^https?:\/\/[^/\s]+\/?$/.test(v)) throw pulseError('PULSE_ERR_CONFIG', `${name} must be an http(s) URL of a host and port such as http://10.0.0.5:8080, got ${JSON.stringify(v)}`)
  return v.endsWith('/') ? v : `${v}/`
}

function keyPrefix(env: Env, name: string): string {
  const v = text(env, name, '')
  if (v !== '' && !/^[A-Za-z0-9._\-/]+\/$/.test(v)) throw pulseError('PULSE_ERR_CONFIG', `${name} must be letters, digits, . _ - and /, ending with / (e.g. staging/), got ${JSON.stringify(v)}`)
  return v
}

/** Long enough not to be guessed, printable, no spaces (it travels in an HTTP header). */
function adminToken(env: Env): string | undefined {
  const raw = env.PULSE_ADMIN_TOKEN
  if (raw === undefined || raw === '') return undefined
  if (raw.length < 16 || raw.length > 256 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw pulseError('PULSE_ERR_CONFIG', 'PULSE_ADMIN_TOKEN must be 16 to 256 printable characters without spaces (e.g. `openssl rand -hex 24`)')
  }
  return raw
}

/** PULSE_WORKER_NICE: how far below the main thread worker threads run (thread-priority.ts). */
export function workerNice(env: Env): number {
  return int(env, 'PULSE_WORKER_NICE', 0, 0, 19)
}

/** PULSE_SPEED_WORKERS: undefined when unset, so that each command keeps its own default. */
function speedWorkers(env: Env): number | undefined {
  const raw = env.PULSE_SPEED_WORKERS
  return raw === undefined || raw.trim() === '' ? undefined : int(env, 'PULSE_SPEED_WORKERS', 1, 1, 64)
}

export function loadConfig(env: Env = process.env): PulseConfig {
  const partitions = int(env, 'PULSE_PARTITIONS', 4, 1, 1024)
  const brokers = text(env, 'PULSE_KAFKA_BROKERS', '')
  const endpoint = text(env, 'PULSE_S3_ENDPOINT', '')
  if (endpoint !== '' && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw pulseError('PULSE_ERR_CONFIG', `PULSE_S3_ENDPOINT must be an http(s) URL, got ${JSON.stringify(endpoint)}`)
  }
  return {
    kafka:
      brokers === ''
        ? undefined
        : {
            brokers: brokers.split(',').map((b) => b.trim()),
            clientId: text(env, 'PULSE_KAFKA_CLIENT_ID', 'pulse'),
            partitions,
            topicPrefix: text(env, 'PULSE_TOPIC_PREFIX', ''),
          },
    s3:
      endpoint === ''
        ? undefined
        : {
            endpoint,
            bucket: text(env, 'PULSE_S3_BUCKET', 'pulse'),
            region: text(env, 'PULSE_S3_REGION', 'us-east-1'),
            accessKeyId: text(env, 'PULSE_S3_ACCESS_KEY', 'pulse'),
            secretAccessKey: text(env, 'PULSE_S3_SECRET_KEY', 'pulse-secret'),
          },
    dataDir: resolve(text(env, 'PULSE_DATA_DIR', '.pulse')),
    workerNice: workerNice(env),
    speedWorkers: speedWorkers(env),
    storePrefix: keyPrefix(env, 'PULSE_STORE_PREFIX'),
    advertiseUrl: url(env, 'PULSE_ADVERTISE_URL'),
    partitions,
    logLevel: oneOf(env, 'PULSE_LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    http: {
      host: text(env, 'PULSE_HTTP_HOST', '127.0.0.1'),
      port: int(env, 'PULSE_HTTP_PORT', 8080, 0, 65535),
      adminToken: adminToken(env),
      speedReuseMs: int(env, 'PULSE_SPEED_REUSE_MS', 250, 0, 60_000),
    },
    batch: {
      schedule: schedule(env, 'PULSE_BATCH_SCHEDULE', '00:00'),
      driftThreshold: fraction(env, 'PULSE_BATCH_DRIFT_THRESHOLD', 0.05),
    },
  }
}

/** The local services started by `npm run services:up` (scripts/services.mjs). */
export const LOCAL_SERVICES = {
  kafka: { brokers: ['127.0.0.1:9092'], clientId: 'pulse', partitions: 4, topicPrefix: '' } satisfies KafkaSettings,
  s3: {
    endpoint: 'http://127.0.0.1:9000',
    bucket: 'pulse',
    region: 'us-east-1',
    accessKeyId: 'pulse',
    secretAccessKey: 'pulse-secret',
  } satisfies S3Settings,
}
