// Loads the C++ addon built by `npm install` (node-gyp) and gives it types.
// Arguments are checked here, before the native call, so the C++ side can trust them.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { existsSync } from 'node:fs'
import { PulseError, pulseError } from './errors.js'

export interface ColumnSum {
  sum: number
  /** values that took part: NaN marks a null and is skipped */
  count: number
}

interface NativeBinding {
  sumFloat64(values: Float64Array): ColumnSum
}

/** The repo root, whether running from src/ (tap) or dist/src/ (compiled). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw pulseError('PULSE_ERR_NATIVE_LOAD', 'package.json not found above ' + dir)
    dir = up
  }
  return dir
}

function load(): NativeBinding {
  const root = projectRoot()
  const path = join(root, 'build', 'Release', 'pulse_native.node')
  try {
    return createRequire(import.meta.url)(path) as NativeBinding
  } catch (err) {
    throw new PulseError('PULSE_ERR_NATIVE_LOAD', [(err as Error).message], { cause: err })
  }
}

let binding: NativeBinding | undefined
function native(): NativeBinding {
  return (binding ??= load())
}

/** Sum of a float64 column, read in place by C++ (no copy). NaN entries are nulls. */
export function sumFloat64(values: Float64Array): ColumnSum {
  if (!(values instanceof Float64Array)) {
    throw pulseError('PULSE_ERR_NATIVE_ARG', 'values: expected a Float64Array')
  }
  return native().sumFloat64(values)
}
