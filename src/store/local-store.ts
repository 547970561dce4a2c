// ObjectStore over a local directory, for the embedded mode: the same keys as
// in S3, one file per object. Writes go to a temporary file first and are
// renamed into place, so a reader never sees half an object. A version's tag
// is the MD5 of its bytes, as S3's ETag of a single-part upload; conditional
// writes on a key run one at a time within the process (the embedded mode is
// one process), so a check and its rename never interleave with another's.
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile, link, unlink } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { PulseError, pulseError } from '../errors.js'
import type { ObjectInfo, ObjectStore, PutOptions, Tagged } from './object-store.js'

const TMP_SUFFIX = '.pulse-tmp'

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT'
}

export class LocalStore implements ObjectStore {
  readonly location: string
  /** The conditional write going on per key: the next waits for it. */
  private readonly conditional = new Map<string, Promise<boolean>>()

  constructor(private readonly root: string) {
    this.location = root
  }

  private path(key: string): string {
    if (key === '' || key.split('/').some((part) => part === '..' || part === '')) {
      throw pulseError('PULSE_ERR_STORE', `invalid key ${JSON.stringify(key)}`)
    }
    return join(this.root, ...key.split('/'))
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    const target = this.path(key)
    await mkdir(dirname(target), { recursive: true })
    const tmp = `${target}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`
    await writeFile(tmp, body)
    const fh = await open(tmp, 'r')
    await fh.sync() // durable before it becomes visible
    await fh.close()
    if (options.ifAbsent) {
      // link() fails when the target exists: an atomic create-if-absent
      try {
        await link(tmp, target)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
        throw new PulseError('PULSE_ERR_STORE', [`put ${key}: ${(err as Error).message}`], { cause: err })
      } finally {
        await unlink(tmp)
      }
      return true
    }
    if (options.ifMatch !== undefined) {
      const wanted = options.ifMatch
      return this.oneAtATime(key, async () => {
        if ((await this.tryGetTagged(key))?.tag !== wanted) {
          await unlink(tmp)
          return false
        }
        await rename(tmp, target)
        return true
      })
    }
    await rename(tmp, target)
    return true
  }

  private oneAtATime(key: string, write: () => Promise<boolean>): Promise<boolean> {
    const next = (this.conditional.get(key) ?? Promise.resolve(true)).then(write, write)
    this.conditional.set(key, next)
    const forget = () => {
      if (this.conditional.get(key) === next) this.conditional.delete(key)
    }
    next.then(forget, forget)
    return next
  }

  async tryGetTagged(key: string): Promise<Tagged | undefined> {
    const body = await this.tryGet(key)
    return body === undefined ? undefined : { body, tag: createHash('md5').update(body).digest('hex') }
  }

  async tryGet(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key))
    } catch (err) {
      if (isMissing(err)) return undefined
      throw new PulseError('PULSE_ERR_STORE', [`get ${key}: ${(err as Error).message}`], { cause: err })
    }
  }

  async get(key: string): Promise<Buffer> {
    const body = await this.tryGet(key)
    if (body === undefined) throw pulseError('PULSE_ERR_STORE_NOT_FOUND', key)
    return body
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk only the directory that can hold the prefix, then filter by full key.
    const cut = prefix.lastIndexOf('/')
    const base = cut < 0 ? this.root : join(this.root, ...prefix.slice(0, cut).split('/'))
    const keys: ObjectInfo[] = []
    await this.walk(base, prefix, keys)
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    yield* keys
  }

  private async walk(dir: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (err) {
      if (isMissing(err)) return
      throw err
    }
    for (const e of entries) {
      const full = join(dir, e.name)
      const key = relative(this.root, full).split(sep).join('/')
      if (e.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key + '/')) await this.walk(full, prefix, out)
      } else if (!e.name.endsWith(TMP_SUFFIX) && key.startsWith(prefix)) {
        out.push({ key, size: (await stat(full)).size })
      }
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true })
  }
}
