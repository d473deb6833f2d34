/**
 * Where evidence blobs live when they are not in the SQL store: `store.blobs: s3://bucket/prefix`.
 * Parsing only (pure); the store layer does the I/O.
 */

/** A bucket and the key prefix under which blobs are kept (no leading or trailing slash; may be empty). */
export interface BlobLocation {
  bucket: string
  prefix: string
}

// S3's rules for bucket names (3–63 characters, lowercase letters, digits, dots and hyphens, a letter
// or digit at each end). Checked here so a typo fails on load, not at the first upload.
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const ipAddress = /^\d+\.\d+\.\d+\.\d+$/

/** Parses `s3://bucket/prefix`; the error says what is wrong with it, in the file's words. */
export function parseBlobLocation(text: string): { location: BlobLocation } | { error: string } {
  const example = 'write it as s3://bucket or s3://bucket/prefix'
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(text)
  if (match === null) return { error: `${example} (got "${text}")` }
  const bucket = match[1] ?? ''
  const rawPrefix = match[2] ?? ''
  if (bucket === '') return { error: `names no bucket; ${example}` }
  if (bucket.includes('@') || bucket.includes(':'))
    return { error: 'must not carry credentials or a port: the AWS credential chain and AWS_ENDPOINT_URL do' }
  if (!bucketPattern.test(bucket) || bucket.includes('..') || ipAddress.test(bucket))
    return {
      error: `"${bucket}" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots or hyphens, a letter or digit at each end)`,
    }
  if (/[?#]/.test(rawPrefix))
    return { error: 'the prefix must not contain ? or # (a query or fragment is no part of an S3 key)' }
  const prefix = rawPrefix.replace(/^\/+|\/+$/g, '')
  if (prefix !== '' && prefix.split('/').some((part) => part === '.' || part === '..' || part === ''))
    return { error: `the prefix "${rawPrefix}" has an empty, . or .. segment` }
  return { location: { bucket, prefix } }
}

/** The object key of a blob: the prefix, then the blob's algorithm and hash as a path (`sha256/<hex>`). */
export function blobObjectKey(location: BlobLocation, ref: string): string {
  // A colon is legal in S3 keys but must be escaped by many tools; `sha256/<hex>` reads the same.
  const key = ref.replace(':', '/')
  return location.prefix === '' ? key : `${location.prefix}/${key}`
}

/** The location written back as `s3://bucket/prefix`, for messages. */
export function formatBlobLocation(location: BlobLocation): string {
  return `s3://${location.bucket}${location.prefix === '' ? '' : `/${location.prefix}`}`
}
