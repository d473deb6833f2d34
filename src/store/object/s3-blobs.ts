import {
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { type BlobLocation, blobObjectKey, formatBlobLocation } from '../../core/blob-location.js'
import { StoreError } from '../../core/errors.js'

/**
 * Content-addressed blobs kept outside the SQL store. The SQL store keeps each blob's reference and
 * size, so the chain, dedup and verify work as before; bytes read back are raw (whoever reads them
 * re-hashes: an altered object must be reported as altered, not as missing).
 */
export interface ObjectBlobs {
  /** Where the blobs are (`s3://bucket/prefix`), for messages. */
  readonly where: string
  /** Writes blobs, several at a time; an object that exists is simply written again (same bytes). */
  put(blobs: readonly { ref: string; bytes: Uint8Array }[]): Promise<void>
  /** The bytes of each ref found; a ref whose object does not exist is absent from the map. */
  get(refs: readonly string[]): Promise<Map<string, Uint8Array>>
  /** Where one blob's object is, for messages (`s3://bucket/prefix/sha256/<hex>`). */
  objectUrl(ref: string): string
  close(): void
}

/** Requests in flight at once: enough to hide round trips, few enough not to flood a small endpoint. */
const concurrency = 16

/** Runs `fn` over `items`, at most `limit` at a time; the first failure rejects (the rest still settle). */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next
      next += 1
      await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The endpoint AWS_ENDPOINT_URL_S3 (first) or AWS_ENDPOINT_URL names, as the AWS CLI reads them. */
function customEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return [env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL].find((v) => v !== undefined && v !== '')
}

/**
 * The S3 client settings from the environment: the standard credential chain (the SDK's own), the
 * region, and a custom endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL. A custom endpoint (MinIO,
 * moto, a proxy) gets path-style addressing: virtual-hosted names would need DNS per bucket.
 */
export function s3ClientConfig(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = customEndpoint(env)
  // The chain's first links read from the run's environment (which may not be this process's: the
  // server and tests pass their own); the rest (profile files, SSO, container and instance roles)
  // are the SDK's default chain.
  const key = env.AWS_ACCESS_KEY_ID
  const secret = env.AWS_SECRET_ACCESS_KEY
  const token = env.AWS_SESSION_TOKEN
  const credentials =
    key !== undefined && key !== '' && secret !== undefined && secret !== ''
      ? {
          accessKeyId: key,
          secretAccessKey: secret,
          ...(token === undefined || token === '' ? {} : { sessionToken: token }),
        }
      : undefined
  const profile = env.AWS_PROFILE
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(credentials !== undefined
      ? { credentials }
      : profile !== undefined && profile !== ''
        ? { profile }
        : {}),
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    // A request that cannot connect fails after a few quick tries, not after minutes.
    maxAttempts: 3,
  }
}

/** The AWS SDK's error name or HTTP status, for telling "no such object" from everything else. */
function errorFacts(error: unknown): { name: string; status: number | undefined; message: string } {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number }; message?: unknown }
  return {
    name: typeof e?.name === 'string' ? e.name : '',
    status: e?.$metadata?.httpStatusCode,
    message: error instanceof Error ? error.message || error.name : String(error),
  }
}

/** Blobs in an S3 bucket (or any S3-compatible store) under a key prefix. */
export class S3Blobs implements ObjectBlobs {
  readonly where: string
  private readonly client: S3Client
  private bucketChecked: Promise<void> | undefined

  constructor(
    private readonly location: BlobLocation,
    env: NodeJS.ProcessEnv,
    private readonly endpoint = [env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL].find(
      (v) => v !== undefined && v !== '',
    ),
  ) {
    this.where = formatBlobLocation(location)
    this.client = new S3Client(s3ClientConfig(env))
  }

  objectUrl(ref: string): string {
    return `s3://${this.location.bucket}/${blobObjectKey(this.location, ref)}`
  }

  /** A store error naming the bucket, what failed and the likely fix. */
  private failure(what: string, error: unknown): StoreError {
    const { name, status, message } = errorFacts(error)
    const hint =
      name === 'NoSuchBucket' || status === 404
        ? `create the bucket, or point store.blobs in trustctl.yaml at one that exists`
        : status === 403 || name === 'AccessDenied' || name === 'CredentialsProviderError'
          ? 'the AWS credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, a role) must allow s3:GetObject and s3:PutObject on the prefix'
          : `is the endpoint reachable? (${this.endpoint ?? 'AWS S3 in the configured region'})`
    const why =
      name === 'NoSuchBucket' || (status === 404 && what === 'cannot reach the bucket')
        ? 'no such bucket'
        : message
    return new StoreError(`${this.where}: ${what}: ${why}`, { cause: error, hint })
  }

  /** Once per store: a missing bucket or an unreachable endpoint is one clear error, not one per blob. */
  private checkBucket(): Promise<void> {
    this.bucketChecked ??= this.client
      .send(new HeadBucketCommand({ Bucket: this.location.bucket }))
      .then(() => undefined)
      .catch((error: unknown) => {
        this.bucketChecked = undefined
        throw this.failure('cannot reach the bucket', error)
      })
    return this.bucketChecked
  }

  async put(blobs: readonly { ref: string; bytes: Uint8Array }[]): Promise<void> {
    if (blobs.length === 0) return
    await this.checkBucket()
    await forEachLimited(blobs, concurrency, async ({ ref, bytes }) => {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.location.bucket,
            Key: blobObjectKey(this.location, ref),
            Body: bytes,
            ContentLength: bytes.byteLength,
          }),
        )
      } catch (error) {
        throw this.failure(`cannot write ${this.objectUrl(ref)}`, error)
      }
    })
  }

  async get(refs: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>()
    if (refs.length === 0) return found
    await this.checkBucket()
    await forEachLimited([...new Set(refs)], concurrency, async (ref) => {
      try {
        const response = await this.client.send(
          new GetObjectCommand({ Bucket: this.location.bucket, Key: blobObjectKey(this.location, ref) }),
        )
        if (response.Body === undefined) return
        found.set(ref, await response.Body.transformToByteArray())
      } catch (error) {
        const { name } = errorFacts(error)
        // A deleted object is a missing blob (verify reports it); anything else is an error.
        if (name === 'NoSuchKey' || name === 'NotFound') return
        throw this.failure(`cannot read ${this.objectUrl(ref)}`, error)
      }
    })
    return found
  }

  close(): void {
    this.client.destroy()
  }
}
