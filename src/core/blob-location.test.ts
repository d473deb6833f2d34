import { describe, expect, it } from 'vitest'
import { blobObjectKey, formatBlobLocation, parseBlobLocation } from './blob-location.js'

describe('store.blobs locations', () => {
  it('reads a bucket and a prefix, trimming slashes', () => {
    expect(parseBlobLocation('s3://acme-evidence/trustctl/prod/')).toEqual({
      location: { bucket: 'acme-evidence', prefix: 'trustctl/prod' },
    })
    expect(parseBlobLocation('s3://acme-evidence')).toEqual({
      location: { bucket: 'acme-evidence', prefix: '' },
    })
  })

  it('keys an object by the prefix and the hash, and writes the location back', () => {
    const hex = 'ab'.repeat(32)
    expect(blobObjectKey({ bucket: 'b-1', prefix: 'p/q' }, `sha256:${hex}`)).toBe(`p/q/sha256/${hex}`)
    expect(blobObjectKey({ bucket: 'b-1', prefix: '' }, `sha256:${hex}`)).toBe(`sha256/${hex}`)
    expect(formatBlobLocation({ bucket: 'b-1', prefix: 'p' })).toBe('s3://b-1/p')
  })

  it.each([
    ['acme-evidence/prefix', /write it as s3:\/\/bucket/],
    ['https://acme-evidence.s3.amazonaws.com/x', /write it as s3:\/\/bucket/],
    ['s3:///prefix', /names no bucket/],
    ['s3://Acme_Evidence/x', /"Acme_Evidence" is not a valid S3 bucket name/],
    ['s3://ab', /"ab" is not a valid S3 bucket name/],
    ['s3://192.168.1.10/x', /is not a valid S3 bucket name/],
    ['s3://key:secret@bucket/x', /must not carry credentials/],
    ['s3://bucket-ok/a//b', /empty, \. or \.\. segment/],
    ['s3://bucket-ok/a/../b', /empty, \. or \.\. segment/],
    ['s3://bucket-ok/a?versionId=1', /must not contain \? or #/],
  ])('refuses %s', (text, message) => {
    const parsed = parseBlobLocation(text)
    expect('error' in parsed && parsed.error).toMatch(message)
  })
})
