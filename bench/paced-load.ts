// An open-loop HTTP load at a constant rate, in its own process: request i is
// due at start + i/rate, whatever happened to the ones before it, and its
// latency is counted from when it was due, not from when a connection was free
// to send it (so a stall is charged to every request it delayed: no
// coordinated omission). Prints the same JSON as http-load.ts.
//
// Why not autocannon alone: its rate limit lets each connection send back to
// back until it has made its share of the second, then idles until the next
// second, so "2,000 requests/s" arrives as a burst at the server's full speed
// at the top of every second; and its correction for coordinated omission then
// adds a sample per millisecond of every slow response. Against a server that
// answers a constant body in 0.1 ms, that measured p99 8–22 ms at 2,000/s.
//
// Requests are plain keep-alive GETs written on raw sockets; a response is
// read by its Content-Length (what the Pulse server sends).
//
// The pool is fixed (32 connections unless asked): a request due while every
// connection is busy waits here, and its latency still counts from when it was
// due. The answer's `client` block says how long requests waited here (the
// part of the latency spent before the request was written). A pool that
// grows instead moved that queue into the server and made the tail worse
// (docs/serving.md, "Where a slow request waits"). Of that wait, `timerLateP99`
// is the part before this process's timer noticed the request was due: this
// process's own lateness (on a busy machine, waiting for a core), which no
// server could have avoided.
//   node dist/bench/paced-load.js URL REQUESTS_PER_S SECONDS [CONNECTIONS]
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { percentile } from './report.js'

const [target, rateArg, secondsArg, connectionsArg] = process.argv.slice(2)
const rate = Number(rateArg)
const seconds = Number(secondsArg)
const connectionCount = Number(connectionsArg ?? 32)
if (target === undefined || !(rate > 0) || !(seconds > 0) || !Number.isInteger(connectionCount) || connectionCount < 1) {
  process.stderr.write('usage: node dist/bench/paced-load.js URL REQUESTS_PER_S SECONDS [CONNECTIONS=32]\n')
  process.exit(2)
}
const url = new URL(target)
const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`)
const TIMEOUT_MS = 10_000
const HEADER_END = Buffer.from('\r\n\r\n')

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private readonly socket: Socket
  private buffered: Buffer = Buffer.alloc(0)
  /** when the request in flight was due (ms, performance.now()), or NaN when idle */
  due = NaN
  /** how long the request in flight waited here before it was written (ms) */
  clientWait = 0

  constructor(private readonly done: (c: Connection, status: number, due: number) => void) {
    this.socket = connect(Number(url.port || 80), url.hostname)
    this.socket.setNoDelay(true)
    this.socket.on('data', (b: Buffer) => this.read(b))
    this.socket.on('error', (err) => {
      process.stderr.write(`paced-load: ${err.message}\n`)
      process.exit(1)
    })
  }

  get idle(): boolean {
    return Number.isNaN(this.due)
  }

  send(due: number, now: number): void {
    this.due = due
    this.clientWait = now - due
    this.socket.write(request)
  }

  private read(b: Buffer): void {
    this.buffered = this.buffered.length === 0 ? b : Buffer.concat([this.buffered, b])
    const end = this.buffered.indexOf(HEADER_END)
    if (end < 0) return
    const head = this.buffered.subarray(0, end).toString('latin1')
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
    if (length === null) throw new Error(`paced-load: a response without Content-Length: ${head.split('\r\n')[0]}`)
    const total = end + HEADER_END.length + Number(length[1])
    if (this.buffered.length < total) return
    if (this.buffered.length > total) throw new Error('paced-load: bytes after a response (the server answered twice?)')
    this.buffered = Buffer.alloc(0)
    const status = Number(head.slice(9, 12))
    const due = this.due
    this.due = NaN
    this.done(this, status, due)
  }

  close(): void {
    this.socket.destroy()
  }
}

const latencies: number[] = []
/** the highest latency among the requests due in each 100 ms of the run: where in the run the tail was */
const timeline: number[] = []
/** per request, from when it was due to when it was written (timer lateness, waiting for a connection) */
const clientWaits: number[] = []
let non2xx = 0
let timeouts = 0
/**
 * per request, from when it was due to when this process's timer noticed it:
 * the part of the client wait that is this process being late (its own
 * event loop, or waiting for a core), not waiting for a connection
 */
const timerLate: number[] = []
/** requests due but not yet sent: no connection was free */
const waiting: number[] = []
let waitingFrom = 0

const connections = Array.from({ length: connectionCount }, () => new Connection(onResponse))
const idle: Connection[] = [...connections]

function onResponse(c: Connection, status: number, due: number): void {
  const now = performance.now()
  if (now < end) {
    const bucket = Math.floor((due - start) / 100)
    timeline[bucket] = Math.max(timeline[bucket] ?? 0, Math.round(now - due))
    latencies.push(now - due)
    clientWaits.push(c.clientWait)
    if (status < 200 || status > 299) non2xx++
  }
  if (waitingFrom < waiting.length) c.send(waiting[waitingFrom++]!, now)
  else idle.push(c)
}

const interval = 1000 / rate
const start = performance.now() + 200
const end = start + seconds * 1000
let next = 0

/** Sends every request due by now; the timer wakes each millisecond. */
function tick(): void {
  const now = performance.now()
  while (next < rate * seconds && start + next * interval <= now) {
    const due = start + next++ * interval
    timerLate.push(now - due)
    const c = idle.pop()
    if (c === undefined) waiting.push(due)
    else c.send(due, now)
  }
  if (now >= end) void finish()
  else setTimeout(tick, 1)
}

async function finish(): Promise<void> {
  // the last requests get their answer or their timeout
  const deadline = performance.now() + TIMEOUT_MS
  while (connections.some((c) => !c.idle) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  timeouts = connections.filter((c) => !c.idle).length + (waiting.length - waitingFrom)
  for (const c of connections) c.close()
  const ms = (p: number, of = latencies) => Math.round(percentile(of, p) * 100) / 100
  const result = {
    requests: { average: latencies.length / seconds, total: latencies.length },
    latency: { p50: ms(50), p90: ms(90), p99: ms(99), max: ms(100) },
    errors: 0,
    timeouts,
    non2xx,
    client: { waitP99: ms(99, clientWaits), timerLateP99: ms(99, timerLate), waited: waiting.length },
    timeline: Array.from(timeline, (v) => v ?? 0),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

setTimeout(tick, 200)
