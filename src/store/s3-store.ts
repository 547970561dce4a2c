// ObjectStore over the S3 API (@aws-sdk/client-s3). Path-style addressing and
// checksums only when required, so S3Proxy and MinIO work as well as AWS S3.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3Settings } from '../config.js'
import { PulseError, pulseError } from '../errors.js'
import type { ObjectInfo, ObjectStore, PutOptions, Tagged } from './object-store.js'

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
}

function storeError(what: string, err: unknown): PulseError {
  return new PulseError('PULSE_ERR_STORE', [`${what}: ${(err as Error).message}`], { cause: err })
}

export class S3Store implements ObjectStore {
  readonly location: string
  private readonly client: S3Client
  private readonly bucket: string

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket
    this.location = `s3://${settings.bucket} at ${settings.endpoint}`
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    })
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          IfNoneMatch: options.ifAbsent ? '*' : undefined,
          IfMatch: options.ifMatch,
        }),
      )
      return true
    } catch (err) {
      // 412: the condition failed; 404: ifMatch on an object deleted meanwhile
      const status = statusOf(err)
      if ((options.ifAbsent || options.ifMatch !== undefined) && (status === 412 || (status === 404 && options.ifMatch !== undefined))) return false
      throw storeError(`put ${key}`, err)
    }
  }

  async tryGet(key: string): Promise<Buffer | undefined> {
    return (await this.tryGetTagged(key))?.body
  }

  async tryGetTagged(key: string): Promise<Tagged | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      return { body: Buffer.from(await r.Body!.transformToByteArray()), tag: r.ETag ?? '' }
    } catch (err) {
      if (statusOf(err) === 404 || (err as Error).name === 'NoSuchKey') return undefined
      throw storeError(`get ${key}`, err)
    }
  }

  async get(key: string): Promise<Buffer> {
    const body = await this.tryGet(key)
    if (body === undefined) throw pulseError('PULSE_ERR_STORE_NOT_FOUND', key)
    return body
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined
    do {
      let page
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        )
      } catch (err) {
        throw storeError(`list ${prefix}`, err)
      }
      for (const o of page.Contents ?? []) yield { key: o.Key!, size: o.Size ?? 0 }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token !== undefined)
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (err) {
      throw storeError(`delete ${key}`, err)
    }
  }
}
