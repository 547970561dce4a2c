// Progress lines for long work on stderr: rewritten in place on a terminal,
// one line every few seconds otherwise (CI logs), nothing when quiet.

export interface ProgressOptions {
  quiet?: boolean
  stream?: NodeJS.WriteStream
}

export class Progress {
  private readonly stream: NodeJS.WriteStream
  private readonly tty: boolean
  private readonly quiet: boolean
  private readonly started = performance.now()
  private last = 0

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr
    this.tty = this.stream.isTTY === true
    this.quiet = options.quiet === true
  }

  /** Reports `done` units so far; cheap to call often (throttled). */
  update(done: number, detail = ''): void {
    if (this.quiet) return
    const now = performance.now()
    if (now - this.last < (this.tty ? 250 : 5000)) return
    this.last = now
    const line = this.format(done, detail, now)
    this.stream.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`)
  }

  /** Ends the progress line with a final summary. */
  finish(summary: string): void {
    if (this.quiet) return
    this.stream.write(this.tty ? `\r\x1b[K${this.label}: ${summary}\n` : `${this.label}: ${summary}\n`)
  }

  private format(done: number, detail: string, now: number): string {
    const secs = (now - this.started) / 1000
    const rate = secs > 0 ? Math.round(done / secs) : 0
    let head = `${this.label}: ${done.toLocaleString('en-US')}`
    if (this.total !== undefined && this.total > 0) {
      const frac = Math.min(1, done / this.total)
      const eta = frac > 0 ? secs / frac - secs : 0
      head += ` / ${this.total.toLocaleString('en-US')} (${(frac * 100).toFixed(1)}%, eta ${eta.toFixed(0)}s)`
    }
    return `${head}, ${rate.toLocaleString('en-US')}/s${detail ? ', ' + detail : ''}`
  }
}
