import { describe, expect, it } from 'vitest'
import type { Finding } from './check.js'
import type { AcceptedException } from './config.js'
import { applyExceptions, exceptionApplier } from './exceptions.js'

const failing = (check: string, name: string): Finding => ({
  check,
  status: 'fail',
  severity: 'high',
  subject: { kind: 'Deployment', name, namespace: 'shop', file: 'deploy/shop.yaml' },
  message: `${name} runs as root`,
})

const exception = (check: string, name: string, expires: string): AcceptedException =>
  ({
    check,
    subject: { name },
    reason: 'vendor image, replacement ordered',
    approvedBy: 'ciso@example.com',
    expires,
  }) as AcceptedException

describe('accepted exceptions applied a check at a time', () => {
  const exceptions = [
    exception('kubernetes/runs-as-non-root', 'cart', '2027-01-31'),
    exception('kubernetes/drops-all-capabilities', 'cart', '2026-10-31'),
    exception('kubernetes/read-only-root', 'nothing-fails-here', '2027-01-31'),
  ]
  const first = [
    failing('kubernetes/runs-as-non-root', 'cart'),
    failing('kubernetes/runs-as-non-root', 'web'),
  ]
  const second = [failing('kubernetes/drops-all-capabilities', 'cart')]

  it('gives the findings and the outcomes that applying them all at once gives', () => {
    const whole = applyExceptions([...first, ...second], exceptions, '2026-11-30')
    const applier = exceptionApplier(exceptions, '2026-11-30')
    const parts = [...applier.apply(first), ...applier.apply(second)]
    expect(parts).toEqual(whole.findings)
    expect(applier.outcomes()).toEqual(whole.outcomes)
    // Each outcome counts every part: applied, expired (from the second part), unused.
    expect(applier.outcomes().map((o) => o.status)).toEqual(['applied', 'expired', 'unused'])
    expect(parts.map((f) => f.status)).toEqual(['not-applicable', 'fail', 'fail'])
  })
})
