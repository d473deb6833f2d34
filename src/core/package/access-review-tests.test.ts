import { describe, expect, it } from 'vitest'
import { campaignEvidence, openCampaign } from '../access-review.js'
import type { Finding } from '../check.js'
import { accessReviewTests } from './access-review-tests.js'

const check = 'people/access-reviewed-in-period'
const campaign = (id: string, closedAt?: string) =>
  campaignEvidence(
    {
      ...openCampaign({
        id,
        system: 'okta',
        reviewer: 'dana@example.com',
        at: '2026-11-15T09:00:00Z',
        snapshot: {},
        accounts: [
          { accountId: '00u1', active: true },
          { accountId: '00u3', active: true },
        ],
      }),
      decisions: [
        { accountId: '00u1', decision: 'keep', reason: 'engineer', decidedAt: '2026-11-16T09:00:00Z' },
        { accountId: '00u3', decision: 'revoke', reason: 'left', decidedAt: '2026-11-16T09:00:00Z' },
      ],
      ...(closedAt === undefined ? {} : { closedAt }),
    },
    `ledger:access-review/${id}`,
    '2026-11-30T00:00:00Z',
  )
const finding = (status: Finding['status'], kind: string, name: string, message: string): Finding => ({
  check,
  status,
  severity: 'high',
  subject: { kind, name, file: 'f' },
  message,
})

describe('access reviews in the package', () => {
  it('shows each judged campaign with its population and the exceptions that name it', () => {
    const findings = new Map([
      [
        check,
        [
          finding('pass', 'AccessReview', 'okta-a', 'closed'),
          finding(
            'fail',
            'OktaUser',
            'cy@example.com',
            'okta account cy was revoked in access review okta-a (closed …)',
          ),
          finding('fail', 'AccessReview', 'okta-b', 'overdue: due 2026-11-25'),
          // Another campaign's revocation is not this one's exception.
          finding('fail', 'OktaUser', 'bo@example.com', 'revoked in access review okta-a-2 (closed …)'),
        ],
      ],
    ])
    const tests = accessReviewTests([check], findings, [
      campaign('okta-a', '2026-11-20T10:00:00Z'),
      campaign('okta-b'),
    ])
    expect(tests.map((t) => [t.id, t.populationSize, t.exceptions, t.status])).toEqual([
      [`${check}:okta-a`, 2, 1, 'fail'],
      [`${check}:okta-b`, 2, 1, 'fail'],
    ])
    expect(tests[0]?.how).toContain('1 kept, 1 revoked, 0 changed')
  })

  it('adds nothing for a control whose tests judged no campaign', () => {
    expect(accessReviewTests(['people/people-enrolled-in-mfa'], new Map(), [campaign('okta-a')])).toEqual([])
  })
})
