import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * An access review as a user runs it, through the built CLI (`node bin/trustctl.js`, run `npm run
 * build` first): assess an Okta export, open a campaign over that snapshot, decide, close, assess
 * again. The check passes on a closed review whose revocation shows in the next snapshot, and fails
 * naming the account when a revoked account is still active.
 */

const root = path.resolve(import.meta.dirname, '..')
const cli = path.join(root, 'bin', 'trustctl.js')
const built = existsSync(path.join(root, 'dist', 'src', 'cli', 'run.js'))
const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-access-review-'))
const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(work, 'config'), HOME: work }
delete env.TRUSTCTL_SIGNING_KEY
const dir = path.join(work, 'estate')
// The Okta export of the check's cases: ann (active), bo (deprovisioned), cy (active).
const okta = path.join(
  root,
  'checks',
  'people',
  'access-reviewed-in-period',
  'cases',
  'reviewed-and-revoked',
  'okta',
)
const checkId = 'people/access-reviewed-in-period'
// A GitHub token's shape, made up: what a reviewer might paste by mistake.
const token = `ghp_${'a1B2c3D4e5'.repeat(3)}123456`

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function trustctl(...args: string[]): Run {
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

function ok(...args: string[]): string {
  const run = trustctl(...args)
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0)
  return run.stdout
}

interface Finding {
  check: string
  status: string
  subject: { kind: string; name: string }
  message: string
}

/** The access-review check's findings of a fresh assessment. */
function assessReviews(): Finding[] {
  const run = trustctl('assess', '--format', 'json')
  expect([0, 1, 3], run.stderr).toContain(run.code)
  const model = JSON.parse(run.stdout) as { findings: Finding[] }
  return model.findings.filter((f) => f.check === checkId)
}

const brief = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.status} ${f.subject.kind} ${f.subject.name}`).sort()

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.skipIf(!built)('access reviews through the built CLI', () => {
  it('start → decide → close → assess passes; a revoked account still active fails', () => {
    mkdirSync(dir, { recursive: true })
    cpSync(okta, path.join(dir, 'okta'), { recursive: true })
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      [
        'version: 1',
        'organization: Review Co',
        'system: { name: Reviewed, description: A service whose workforce signs in through Okta. }',
        'scope: { categories: [security], asOf: 2026-11-30 }',
        'sources:',
        '  - { type: okta, path: okta }',
        '',
      ].join('\n'),
    )
    // Before any review: the system is named as never reviewed.
    expect(brief(assessReviews())).toEqual(['fail System okta'])

    const started = JSON.parse(
      ok(
        'access-review',
        'start',
        '--system',
        'okta',
        '--reviewer',
        'dana@example.com',
        '--due',
        '2099-01-31',
        '--format',
        'json',
      ),
    ) as { id: string; accounts: { accountId: string }[] }
    expect(started.accounts.map((a) => a.accountId)).toEqual(['00u1', '00u2', '00u3'])
    const id = started.id
    expect(id).toMatch(/^okta-\d{4}-\d{2}-\d{2}$/)

    // A second campaign of the same system while this one is open is refused.
    const again = trustctl('access-review', 'start', '--system', 'okta', '--reviewer', 'eve@example.com')
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain(`${id} of okta is still open`)

    // Closing with accounts undecided is refused, naming them; so is a decision on a stranger.
    const early = trustctl('access-review', 'close', '--campaign', id)
    expect(early.code).not.toBe(0)
    expect(early.stderr).toContain('00u1, 00u2, 00u3')
    const stranger = trustctl(
      'access-review',
      'decide',
      '--campaign',
      id,
      '--account',
      '00u9',
      '--decision',
      'keep',
      '--reason',
      'x',
    )
    expect(stranger.code).not.toBe(0)
    expect(stranger.stderr).toContain("no account '00u9'")

    ok(
      'access-review',
      'decide',
      '--campaign',
      id,
      '--account',
      '00u1',
      '--decision',
      'keep',
      '--reason',
      `platform engineer, pasted ${token} by mistake`,
    )
    ok(
      'access-review',
      'decide',
      '--campaign',
      id,
      '--account',
      '00u2',
      '--decision',
      'revoke',
      '--reason',
      'contract ended',
    )
    ok(
      'access-review',
      'decide',
      '--campaign',
      id,
      '--account',
      '00u3',
      '--decision',
      'keep',
      '--reason',
      'sales lead',
    )
    expect(ok('access-review', 'close', '--campaign', id)).toContain(
      '3 accounts, 2 kept, 1 revoked, 0 changed',
    )
    // A credential pasted into a reason is masked before it is signed into the ledger.
    const listing = ok('access-review', 'list', '--format', 'json')
    expect(listing).not.toContain(token)
    expect(listing).toContain('platform engineer, pasted [REDACTED] by mistake')
    const listed = JSON.parse(listing) as {
      campaigns: { id: string; closedAt?: string }[]
    }
    expect(listed.campaigns.map((c) => [c.id, c.closedAt !== undefined])).toEqual([[id, true]])

    // Bo's account, revoked, is deprovisioned in the next snapshot: the review passes.
    expect(brief(assessReviews())).toEqual([`pass AccessReview ${id}`, 'pass AccessReviewDecision 00u2'])

    // A second review revokes Cy, whose account stays active in the next snapshot: that fails.
    const second = (
      JSON.parse(
        ok(
          'access-review',
          'start',
          '--system',
          'okta',
          '--reviewer',
          'dana@example.com',
          '--format',
          'json',
        ),
      ) as {
        id: string
      }
    ).id
    expect(second).toBe(`${id}-2`)
    ok(
      'access-review',
      'decide',
      '--campaign',
      second,
      '--account',
      '00u1',
      '--decision',
      'keep',
      '--reason',
      'platform engineer',
    )
    ok(
      'access-review',
      'decide',
      '--campaign',
      second,
      '--account',
      '00u2',
      '--decision',
      'keep',
      '--reason',
      'already off',
    )
    ok(
      'access-review',
      'decide',
      '--campaign',
      second,
      '--account',
      '00u3',
      '--decision',
      'revoke',
      '--reason',
      'left',
    )
    ok('access-review', 'close', '--campaign', second)
    const after = assessReviews()
    expect(brief(after)).toEqual([`pass AccessReview ${second}`, 'fail OktaUser cy@example.com'].sort())
    expect(after.find((f) => f.status === 'fail')?.message).toContain(`revoked in access review ${second}`)

    // Every step was a signed run: the ledger still verifies end to end.
    const verify = trustctl('verify')
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  }, 600_000)
})
