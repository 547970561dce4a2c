// The object store behind the master dataset, dead letters, snapshots and batch
// output: S3 (or any S3-compatible server) in production, a local directory with
// the same key layout in the embedded mode. Keys use '/' separators.

export interface ObjectInfo {
  key: string
  size: number
}

export interface PutOptions {
  /** Do not overwrite: `put` returns false when the key already exists. */
  ifAbsent?: boolean
  /** Overwrite only the version read with this tag (`tryGetTagged`): `put` returns false when the object is absent or has changed since. */
  ifMatch?: string
  contentType?: string
}

/** An object's bytes and the tag of that version (S3's ETag). */
export interface Tagged {
  body: Buffer
  tag: string
}

export interface ObjectStore {
  /** Human-readable location, for logs: `s3://bucket` or a directory. */
  readonly location: string
  /** Writes the whole object atomically. Returns false when a condition (`ifAbsent`, `ifMatch`) does not hold. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean>
  /** The object's bytes; throws PULSE_ERR_STORE_NOT_FOUND when absent. */
  get(key: string): Promise<Buffer>
  /** The object's bytes, or undefined when absent. */
  tryGet(key: string): Promise<Buffer | undefined>
  /** The object's bytes and a tag of this version of it (for `put`'s `ifMatch`), or undefined when absent. */
  tryGetTagged(key: string): Promise<Tagged | undefined>
  /** Objects whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>
  delete(key: string): Promise<void>
}

/** Collects a listing into an array (for small prefixes and tests). */
export async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = []
  for await (const o of store.list(prefix)) out.push(o)
  return out
}
