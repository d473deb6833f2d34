import type { Finding } from '../check.js'
import type { AccessReview } from '../evidence-people.js'
import type { PackageTest } from './model.js'

/**
 * Each access-review campaign a control's tests judged, as a test of control of its own: the
 * population is the accounts the campaign covered, the exceptions are what the assessment failed
 * about it (overdue, or an account it revoked that is still active). An auditor reads a review the
 * way they would read the signed user list of a traditional quarterly review.
 */
export function accessReviewTests(
  checks: readonly string[],
  findingsByCheck: ReadonlyMap<string, readonly Finding[]>,
  evidence: readonly { kind: string }[],
): PackageTest[] {
  const campaigns = new Map(
    evidence
      .filter((e): e is AccessReview => e.kind === 'people.access-review')
      .map((c) => [c.name, c] as const),
  )
  const tests: PackageTest[] = []
  for (const check of checks) {
    const findings = findingsByCheck.get(check) ?? []
    const judged = new Set(
      findings.filter((f) => f.subject.kind === 'AccessReview').map((f) => f.subject.name),
    )
    for (const name of [...judged].sort()) {
      const campaign = campaigns.get(name)
      if (campaign === undefined) continue
      // The check names the campaign as the subject (overdue) or in the message (a revocation not done).
      const exceptions = findings.filter(
        (f) =>
          f.status === 'fail' &&
          (f.subject.name === name
            ? f.subject.kind === 'AccessReview'
            : f.message.includes(`access review ${name} `)),
      )
      tests.push(campaignTest(check, campaign, exceptions))
    }
  }
  return tests
}

function campaignTest(check: string, campaign: AccessReview, exceptions: readonly Finding[]): PackageTest {
  const count = (d: string) => campaign.decisions.filter((x) => x.decision === d).length
  const decided = new Set(campaign.decisions.map((d) => d.accountId)).size
  const state =
    campaign.closedAt === undefined
      ? `open${campaign.dueDate === undefined ? '' : `, due ${campaign.dueDate}`}, ${campaign.accounts.length - decided} undecided`
      : `closed ${campaign.closedAt.slice(0, 10)}`
  const inProgress = campaign.closedAt === undefined && exceptions.length === 0
  return {
    id: `${check}:${campaign.name}`,
    kind: 'inspection',
    what: `Access review ${campaign.name} of ${campaign.system} (${state})`,
    how: `Inspection of the campaign recorded by ${campaign.reviewer}: one decision (keep, revoke or change) with a reason per account; ${count('keep')} kept, ${count('revoke')} revoked, ${count('change')} changed.`,
    population: `Every ${campaign.system} account in the snapshot the review was opened over (${campaign.accounts.length})`,
    populationSize: campaign.accounts.length,
    sample: 'None: every account in the population was reviewed',
    result:
      exceptions.length === 0
        ? inProgress
          ? 'In progress: not yet closed'
          : 'No exceptions noted'
        : `${exceptions.length} exception${exceptions.length === 1 ? '' : 's'} noted: ${exceptions.map((e) => e.message).join('; ')}`,
    status: exceptions.length > 0 ? 'fail' : inProgress ? 'not-applicable' : 'pass',
    exceptions: exceptions.length,
    procedure: [
      `Obtain the campaign from the ledger (\`trustctl access-review list --campaign ${campaign.name}\`) and confirm \`trustctl verify\` passes.`,
      'Confirm every account of the population has a decision with a reason, made by the reviewer before the close.',
      'For each revoked account, confirm in the next snapshot of the system that it can no longer sign in.',
    ],
    evidence: [],
  }
}
