// A small binary codec for partial state (snapshots, worker and node transfer,
// batch output). Layout primitives, little-endian:
//   varint   unsigned LEB128 (7 bits per byte, high bit = more), up to 2^53
//   f64      8 bytes IEEE-754
//   string   varint byte length, then UTF-8 bytes
//   bytes    varint length, then the bytes
//   scalar   tag byte (0 null, 1 false, 2 true, 3 f64, 4 string) then the value
import { pulseError } from '../../src/errors.js'
import type { Scalar } from '../semantics.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export class Writer {
  private buf: Uint8Array
  private view: DataView
  private pos = 0

  /** `capacity`: the bytes expected (a snapshot's last size), so the buffer seldom grows and copies. */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, Math.ceil(capacity)))
    this.view = new DataView(this.buf.buffer)
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): this {
    this.room(1)
    this.buf[this.pos++] = v
    return this
  }

  varint(v: number): this {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`varint: ${v}`)
    this.room(8)
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    this.buf[this.pos++] = v
    return this
  }

  f64(v: number): this {
    this.room(8)
    this.view.setFloat64(this.pos, v, true)
    this.pos += 8
    return this
  }

  /** 4 bytes, little-endian. */
  u32(v: number): this {
    this.room(4)
    this.view.setUint32(this.pos, v, true)
    this.pos += 4
    return this
  }

  bytes(b: Uint8Array): this {
    return this.varint(b.length).raw(b)
  }

  /** The bytes as they are, without a length. */
  raw(b: Uint8Array): this {
    this.room(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    return this
  }

  string(s: string): this {
    const n = s.length
    // ASCII (ids, names: nearly every string here) is written byte by byte: an
    // encoder call and its fresh array cost ~15× more for short strings
    this.room(n + 8)
    const start = this.pos
    this.varint(n)
    const buf = this.buf
    let p = this.pos
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) {
        this.pos = start
        return this.bytes(encoder.encode(s))
      }
      buf[p++] = c
    }
    this.pos = p
    return this
  }

  scalar(v: Scalar): this {
    if (v === null) return this.u8(0)
    if (typeof v === 'boolean') return this.u8(v ? 2 : 1)
    if (typeof v === 'number') return this.u8(3).f64(v)
    return this.u8(4).string(v)
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }
}

export class Reader {
  private pos = 0
  private readonly view: DataView

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw pulseError('PULSE_ERR_INVALID_STATE', `truncated at byte ${this.pos}`)
  }

  u8(): number {
    this.need(1)
    return this.buf[this.pos++]!
  }

  varint(): number {
    let v = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.u8()
      v += (b & 0x7f) * scale
      if (b < 0x80) return v
      scale *= 0x80
    }
    throw pulseError('PULSE_ERR_INVALID_STATE', `varint too long at byte ${this.pos}`)
  }

  f64(): number {
    this.need(8)
    const v = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return v
  }

  /** 4 bytes, little-endian. */
  u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }

  /** The next n bytes as they are (a view, not a copy). */
  raw(n: number): Uint8Array {
    this.need(n)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  bytes(): Uint8Array {
    return this.raw(this.varint())
  }

  string(): string {
    const n = this.varint()
    this.need(n)
    const start = this.pos
    const end = start + n
    this.pos = end
    const buf = this.buf
    // short ASCII is built here: the decoder's call costs more than the loop
    if (n <= 32) {
      let text = ''
      for (let i = start; i < end; i++) {
        const c = buf[i]!
        if (c >= 0x80) return decoder.decode(buf.subarray(start, end))
        text += String.fromCharCode(c)
      }
      return text
    }
    return decoder.decode(buf.subarray(start, end))
  }

  scalar(): Scalar {
    const tag = this.u8()
    switch (tag) {
      case 0:
        return null
      case 1:
        return false
      case 2:
        return true
      case 3:
        return this.f64()
      case 4:
        return this.string()
      default:
        throw pulseError('PULSE_ERR_INVALID_STATE', `unknown scalar tag ${tag} at byte ${this.pos - 1}`)
    }
  }
}
