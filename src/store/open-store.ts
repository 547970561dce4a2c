import { join } from 'node:path'
import type { PulseConfig } from '../config.js'
import type { ObjectStore } from './object-store.js'
import { LocalStore } from './local-store.js'
import { S3Store } from './s3-store.js'

/** The configured store: S3 when PULSE_S3_ENDPOINT is set, else `<dataDir>/store`. */
export function openStore(config: PulseConfig): ObjectStore {
  return config.s3 !== undefined ? new S3Store(config.s3) : new LocalStore(join(config.dataDir, 'store'))
}
