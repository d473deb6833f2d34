import { describe, expect, it } from 'vitest'
import type { Finding } from './check.js'
import type { EvidenceItem } from './evidence.js'
import { freshnessDays, noteStaleEvidence, staleEvidenceNoter, staleness } from './freshness.js'

const bucket = (observedAt?: string): EvidenceItem =>
  ({
    kind: 'aws.s3-bucket',
    resourceKind: 'S3Bucket',
    name: 'logs',
    file: 'aws/s3.json',
    ...(observedAt === undefined ? {} : { observedAt }),
  }) as unknown as EvidenceItem

const finding: Finding = {
  check: 'aws/bucket-blocks-public-access',
  status: 'pass',
  severity: 'high',
  subject: { kind: 'S3Bucket', name: 'logs', file: 'aws/s3.json' },
  message: 'public access is blocked',
}

describe('evidence freshness', () => {
  it('uses the family default unless trustctl.yaml overrides it', () => {
    expect(freshnessDays('aws.s3-bucket')).toBe(7)
    expect(freshnessDays('aws.s3-bucket', { aws: 2 })).toBe(2)
    expect(freshnessDays('something.new')).toBe(30)
  })

  it('calls evidence stale past its limit, and never evidence without an observation time', () => {
    expect(staleness(bucket('2026-11-25T10:00:00Z'), '2026-11-30')).toBeUndefined()
    expect(staleness(bucket('2026-11-01T10:00:00Z'), '2026-11-30')).toMatchObject({
      ageDays: 29,
      limitDays: 7,
    })
    expect(staleness(bucket(), '2026-11-30')).toBeUndefined()
  })

  it('makes a pass on stale evidence no-evidence, saying why, and leaves fresh findings alone', () => {
    const [stale] = noteStaleEvidence([finding], [bucket('2026-10-01T00:00:00Z')], '2026-11-30')
    expect(stale?.status).toBe('no-evidence')
    expect(stale?.message).toMatch(
      /public access is blocked, but only as of 2026-10-01 \(stale evidence: observed 2026-10-01, 60 days .* limit .* 7 days\): collect it again/,
    )
    expect(noteStaleEvidence([finding], [bucket('2026-11-29T00:00:00Z')], '2026-11-30')).toEqual([finding])
  })

  it('keeps a fail on stale evidence a fail, noted: nothing shows the fault gone', () => {
    const failed: Finding = { ...finding, status: 'fail', message: 'public access is allowed' }
    const [stale] = noteStaleEvidence([failed], [bucket('2026-10-01T00:00:00Z')], '2026-11-30')
    expect(stale?.status).toBe('fail')
    expect(stale?.message).toMatch(/public access is allowed \(stale evidence: observed 2026-10-01/)
  })

  it('notes findings handed over a check at a time as it notes them all at once', () => {
    const other: Finding = { ...finding, subject: { ...finding.subject, name: 'assets' } }
    const evidence = [bucket('2026-10-01T00:00:00Z')]
    const note = staleEvidenceNoter(evidence, '2026-11-30')
    expect([...note([finding]), ...note([other])]).toEqual(
      noteStaleEvidence([finding, other], evidence, '2026-11-30'),
    )
    // Nothing stale: the part comes back as it is, not copied.
    const part = [finding, other]
    expect(staleEvidenceNoter([bucket('2026-11-29T00:00:00Z')], '2026-11-30')(part)).toBe(part)
  })
})
