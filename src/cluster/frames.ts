// The partials a node sends for a cluster query: its workers' serialized
// partials as they are, length-prefixed, so the answering node neither decodes
// nor re-encodes them: [u32 count] then per part [u32 length][bytes], little-endian.
import { pulseError } from '../errors.js'

export function encodeFrames(parts: readonly Uint8Array[]): Buffer {
  const size = 4 + parts.reduce((s, p) => s + 4 + p.byteLength, 0)
  const out = Buffer.allocUnsafe(size)
  out.writeUInt32LE(parts.length, 0)
  let at = 4
  for (const p of parts) {
    out.writeUInt32LE(p.byteLength, at)
    out.set(p, at + 4)
    at += 4 + p.byteLength
  }
  return out
}

export function decodeFrames(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fail = () => pulseError('PULSE_ERR_INVALID_STATE', `partial frames: truncated at byte ${at} of ${bytes.byteLength}`)
  let at = 0
  if (bytes.byteLength < 4) throw fail()
  const count = view.getUint32(0, true)
  at = 4
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength) throw fail()
    const len = view.getUint32(at, true)
    if (at + 4 + len > bytes.byteLength) throw fail()
    out.push(bytes.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  if (at !== bytes.byteLength) throw pulseError('PULSE_ERR_INVALID_STATE', `partial frames: ${bytes.byteLength - at} bytes after the last part`)
  return out
}
