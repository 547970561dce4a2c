#!/usr/bin/env node
// Local services for development and tests, on loopback:
//   - Apache Kafka 3.9.1, one node in KRaft mode (broker + controller), 127.0.0.1:9092
//   - S3Proxy 2.9.0 with its filesystem backend, an S3-compatible server, 127.0.0.1:9000
// Jars come from Maven Central through services/pom.xml; data, logs and pid files
// live under services/.data/ (git-ignored).
//
//   node scripts/services.mjs up | down | status | reset
//
// Environment: PULSE_SERVICES_DIR (data folder, default services/.data),
// PULSE_KAFKA_PORT (9092), PULSE_S3_PORT (9000), PULSE_KAFKA_HEAP (1g).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const POM = join(ROOT, 'services', 'pom.xml')
const LIB = join(ROOT, 'services', '.cache', 'lib')
const DATA = resolve(process.env.PULSE_SERVICES_DIR ?? join(ROOT, 'services', '.data'))
const HOST = '127.0.0.1'
const KAFKA_PORT = Number(process.env.PULSE_KAFKA_PORT ?? 9092)
const S3_PORT = Number(process.env.PULSE_S3_PORT ?? 9000)
const KAFKA_HEAP = process.env.PULSE_KAFKA_HEAP ?? '1g'
const BUCKET = 'pulse'
// A service that writes nothing to its log for this long is given up on; one
// still logging (a broker recovering many partitions) gets up to READY_LIMIT_MS.
const READY_TIMEOUT_MS = 90_000
const READY_LIMIT_MS = 15 * 60_000

const say = (msg) => console.log(`services: ${msg}`)

function fail(msg) {
  console.error(`services: ${msg}`)
  process.exit(1)
}

// ------------------------------------------------------------------ prerequisites

function requireTool(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.error || r.status !== 0) fail(`${what} is required but \`${cmd}\` was not found on PATH; install it and retry`)
}

/** Copies the jars of a pom profile into services/.cache/lib/<profile> unless present. */
function ensureJars(profile) {
  const dir = join(LIB, profile)
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.jar'))) return dir
  requireTool('java', ['-version'], 'Java 17+')
  requireTool('mvn', ['-v'], 'Maven')
  say(`fetching ${profile} jars from Maven Central (first run only)…`)
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, `-P${profile}`, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`],
    { stdio: 'inherit' },
  )
  if (r.status !== 0) fail(`mvn could not fetch the ${profile} jars (exit ${r.status})`)
  return dir
}

// ------------------------------------------------------------------ process bookkeeping

const pidFile = (name) => join(DATA, `${name}.pid`)
const logFile = (name) => join(DATA, `${name}.log`)

function readPid(name) {
  try {
    const pid = Number(readFileSync(pidFile(name), 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function alive(pid) {
  if (pid === undefined) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function portAnswers(port) {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port })
    const finish = (ok) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(1000)
    socket.once('connect', () => finish(true))
    socket.once('error', () => finish(false))
    socket.once('timeout', () => finish(false))
  })
}

/** Starts a detached child whose output goes to its log file; it outlives this script. */
function launch(name, cmd, args) {
  const out = openSync(logFile(name), 'a')
  const child = spawn(cmd, args, { cwd: DATA, detached: true, stdio: ['ignore', out, out] })
  child.unref()
  writeFileSync(pidFile(name), String(child.pid))
  return child.pid
}

function tail(path, lines = 30) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Bytes in a file, 0 when absent. */
const sizeOf = (path) => (existsSync(path) ? statSync(path).size : 0)

/**
 * Waits until `check` passes. `progressLog` is the file the service writes its
 * progress to (also tailed when it fails): while it grows, the wait goes on.
 */
async function waitReady(name, pid, check, progressLog = logFile(name)) {
  const started = Date.now()
  let lastProgress = started
  let lastSize = sizeOf(progressLog)
  let dots = 0
  const why = (what) => `${name} ${what}; last lines of ${progressLog}:\n${tail(progressLog)}`
  while (Date.now() - lastProgress < READY_TIMEOUT_MS && Date.now() - started < READY_LIMIT_MS) {
    if (!alive(pid)) fail(why('exited during start-up'))
    if (await check()) {
      say(`${name} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`)
      return
    }
    const size = sizeOf(progressLog)
    if (size !== lastSize) {
      lastSize = size
      lastProgress = Date.now()
    }
    if (++dots % 10 === 0) say(`waiting for ${name}… ${Math.round((Date.now() - started) / 1000)}s`)
    await sleep(500)
  }
  const stalled = Date.now() - lastProgress >= READY_TIMEOUT_MS
  fail(why(stalled ? `did not become ready and logged nothing for ${READY_TIMEOUT_MS / 1000}s` : `did not become ready within ${READY_LIMIT_MS / 60_000} min`))
}

// ------------------------------------------------------------------ Kafka

function kafkaFiles() {
  const dir = join(DATA, 'kafka')
  const props = join(dir, 'server.properties')
  const log4j = join(dir, 'log4j.properties')
  mkdirSync(join(dir, 'data'), { recursive: true })
  mkdirSync(join(dir, 'logs'), { recursive: true })
  const controllerPort = KAFKA_PORT + 1
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${HOST}:${controllerPort}`,
      `listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=4',
      'auto.create.topics.enable=true',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=8',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=168',
      '',
    ].join('\n'),
  )
  // INFO to a file (server.log names "Kafka Server started"), nothing on the console.
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${join(dir, 'logs', 'server.log')}`,
      'log4j.appender.file.MaxFileSize=20MB',
      'log4j.appender.file.MaxBackupIndex=2',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=INFO',
      '',
    ].join('\n'),
  )
  return { dir, props, log4j }
}

async function kafkaUp() {
  const pid = readPid('kafka')
  if (alive(pid) && (await portAnswers(KAFKA_PORT))) return say(`kafka already running (pid ${pid}, ${HOST}:${KAFKA_PORT})`)
  if (await portAnswers(KAFKA_PORT)) {
    return say(`kafka: ${HOST}:${KAFKA_PORT} already answers (not started by this script); using it`)
  }
  requireTool('java', ['-version'], 'Java 17+')
  const cp = join(ensureJars('kafka'), '*')
  const { dir, props, log4j } = kafkaFiles()
  const idFile = join(dir, 'cluster.id')
  if (!existsSync(idFile)) {
    const r = spawnSync('java', ['-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' })
    if (r.status !== 0) fail(`kafka StorageTool random-uuid failed:\n${r.stderr}`)
    writeFileSync(idFile, r.stdout.trim())
  }
  const id = readFileSync(idFile, 'utf8').trim()
  const fmt = spawnSync(
    'java',
    ['-cp', cp, `-Dlog4j.configuration=file:${log4j}`, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props, '--ignore-formatted'],
    { encoding: 'utf8' },
  )
  if (fmt.status !== 0) fail(`kafka storage format failed:\n${fmt.stdout}\n${fmt.stderr}`)
  // The log is appended across runs: only lines written after this launch count.
  const serverLog = join(dir, 'logs', 'server.log')
  const logStart = existsSync(serverLog) ? statSync(serverLog).size : 0
  const started = launch('kafka', 'java', [
    `-Xms256m`,
    `-Xmx${KAFKA_HEAP}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4j}`,
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    '-cp',
    cp,
    'kafka.Kafka',
    props,
  ])
  say(`kafka starting (pid ${started})`)
  const startedLine = () => {
    try {
      return readFileSync(serverLog).subarray(logStart).includes('Kafka Server started')
    } catch {
      return false
    }
  }
  // a broker with many partitions on disk takes minutes to load them; it logs as it goes
  await waitReady('kafka', started, async () => startedLine() && (await portAnswers(KAFKA_PORT)), serverLog)
}

// ------------------------------------------------------------------ S3Proxy

async function s3Up() {
  const pid = readPid('s3')
  if (alive(pid) && (await portAnswers(S3_PORT))) return say(`s3 already running (pid ${pid}, http://${HOST}:${S3_PORT})`)
  if (await portAnswers(S3_PORT)) {
    return say(`s3: ${HOST}:${S3_PORT} already answers (not started by this script); using it`)
  }
  requireTool('java', ['-version'], 'Java 17+')
  const jarDir = ensureJars('s3proxy')
  const jar = readdirSync(jarDir).find((f) => f.startsWith('s3proxy') && f.endsWith('.jar'))
  if (jar === undefined) fail(`no s3proxy jar in ${jarDir}`)
  const dir = join(DATA, 's3')
  const blobs = join(dir, 'blobs')
  // The filesystem backend treats each top-level folder as a bucket.
  mkdirSync(join(blobs, BUCKET), { recursive: true })
  const props = join(dir, 's3proxy.properties')
  writeFileSync(
    props,
    [
      `s3proxy.endpoint=http://${HOST}:${S3_PORT}`,
      's3proxy.authorization=aws-v2-or-v4',
      's3proxy.identity=pulse',
      's3proxy.credential=pulse-secret',
      'jclouds.provider=filesystem-nio2',
      `jclouds.filesystem.basedir=${blobs}`,
      '',
    ].join('\n'),
  )
  const started = launch('s3', 'java', ['-Xmx512m', '-jar', join(jarDir, jar), '--properties', props])
  say(`s3 starting (pid ${started})`)
  await waitReady('s3', started, () => httpAnswers(`http://${HOST}:${S3_PORT}/`))
}

/**
 * The bucket must exist on whichever server answers, also one reused from an
 * earlier start whose data folder was deleted since (S3Proxy then answers
 * every request on the bucket with NoSuchBucket): create it when missing.
 */
async function ensureBucket() {
  let s3
  // the SDK's notice about its future Node versions says nothing about the services
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  try {
    s3 = await import('@aws-sdk/client-s3')
  } catch {
    return say('s3: @aws-sdk/client-s3 not installed yet (npm install); bucket not checked')
  }
  const client = new s3.S3Client({
    endpoint: `http://${HOST}:${S3_PORT}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'pulse', secretAccessKey: 'pulse-secret' },
  })
  try {
    await client.send(new s3.HeadBucketCommand({ Bucket: BUCKET }))
  } catch (err) {
    if (err?.$metadata?.httpStatusCode !== 404) fail(`s3: bucket ${BUCKET} at http://${HOST}:${S3_PORT} cannot be checked: ${err?.name ?? err}`)
    try {
      await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }))
      say(`s3: bucket ${BUCKET} was missing; created it`)
    } catch (e) {
      fail(`s3: bucket ${BUCKET} is missing at http://${HOST}:${S3_PORT} and cannot be created: ${e?.name ?? e}`)
    }
  } finally {
    client.destroy()
  }
}

async function httpAnswers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) })
    return true // any HTTP status (403 for an unsigned request) means the server is up
  } catch {
    return false
  }
}

// ------------------------------------------------------------------ commands

async function stop(name) {
  const pid = readPid(name)
  if (!alive(pid)) {
    rmSync(pidFile(name), { force: true })
    return say(`${name} not running`)
  }
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 60 && alive(pid); i++) await sleep(500)
  if (alive(pid)) {
    say(`${name} did not stop in 30s; killing`)
    process.kill(pid, 'SIGKILL')
  }
  rmSync(pidFile(name), { force: true })
  say(`${name} stopped`)
}

async function status() {
  let up = 0
  for (const [name, port, addr] of [
    ['kafka', KAFKA_PORT, `${HOST}:${KAFKA_PORT}`],
    ['s3', S3_PORT, `http://${HOST}:${S3_PORT}`],
  ]) {
    const pid = readPid(name)
    const answering = await portAnswers(port)
    if (answering) up++
    const state = answering ? (alive(pid) ? `running (pid ${pid}, ${addr})` : `answering at ${addr} (not started here)`) : 'stopped'
    console.log(`${name.padEnd(6)} ${state}`)
  }
  return up === 2 ? 0 : 1
}

async function main(cmd) {
  mkdirSync(DATA, { recursive: true })
  switch (cmd) {
    case 'up':
      await kafkaUp()
      await s3Up()
      await ensureBucket()
      return 0
    case 'down':
      await stop('kafka')
      await stop('s3')
      return 0
    case 'status':
      return status()
    case 'reset':
      await stop('kafka')
      await stop('s3')
      rmSync(DATA, { recursive: true, force: true })
      say(`removed ${DATA}`)
      return 0
    default:
      console.error('usage: node scripts/services.mjs up | down | status | reset')
      return 2
  }
}

process.exitCode = await main(process.argv[2])
