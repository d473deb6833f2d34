/**
 * The live AWS collector against a real AWS API: moto_server (Python moto, a stateful AWS API over
 * HTTP) on a free port, an account built through the API, the collector pointed at it only through
 * the AWS SDK's own variables (AWS_ENDPOINT_URL and fake credentials). The same account, exported as
 * the AWS CLI would, must give the same verdicts offline. In CI a missing moto_server fails the
 * suite (`.ci/run` only checks it is on PATH: each test starts its own server on a free port).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadChecks } from '../checks/load-checks.js'
import { collectAwsJson } from '../src/collectors/aws/collect-json.js'
import { collectAwsLive } from '../src/collectors/aws/collect-live.js'
import type { FileCollection } from '../src/collectors/source-collector.js'
import type { Check, Finding } from '../src/core/check.js'
import { evaluateChecks, unreadKinds } from '../src/core/engine.js'
import { groupEvidence } from '../src/core/evidence.js'
import { type BuiltAccount, buildAccount, region } from './aws-live/build-account.js'
import { exportAccount } from './aws-live/export-account.js'
import { type MotoServer, motoAvailable, startMoto } from './aws-live/moto-server.js'

const available = motoAvailable()
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0'
/** moto's account: every resource it creates belongs to it. */
const account = '123456789012'

let moto: MotoServer
let built: BuiltAccount
let checks: Check[]
const folders: string[] = []

beforeAll(async () => {
  checks = (await loadChecks()).filter((c) => c.id.startsWith('aws/'))
  if (!available) return
  moto = await startMoto()
  built = await buildAccount(moto.endpoint)
}, 120_000)

afterAll(async () => {
  await moto?.stop()
  for (const folder of folders) await rm(folder, { recursive: true, force: true })
})

/** The run's environment: the collector learns the endpoint and credentials from it alone. */
const liveEnv = (extra: Record<string, string> = {}) => ({
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  ...extra,
})

const context = (env: Record<string, string>, root = '/') => ({
  root,
  where: 'sources[0]',
  now: new Date('2026-12-01T00:00:00Z'),
  env,
})

function judge(collection: FileCollection): Finding[] {
  const runs = checks.map((check) => ({ check, params: check.params.parse({}) as Record<string, unknown> }))
  return evaluateChecks(runs, groupEvidence(collection.evidence), unreadKinds(collection.errors))
}

/** `check subject status`, sorted: the verdicts without the wording. */
const verdicts = (findings: Finding[]) =>
  findings.map((f) => `${f.check} ${f.subject.name} ${f.status}`).sort()

const statusOf = (findings: Finding[], check: string, subject: string) =>
  findings.filter((f) => f.check === check && f.subject.name === subject).map((f) => f.status)

async function exported(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'trustctl-moto-export-'))
  folders.push(root)
  await exportAccount(moto.endpoint, path.join(root, 'aws'), account)
  return root
}

describe.runIf(available)('the live AWS collector against moto_server', () => {
  it('reads the account it was pointed at and judges every planted resource', {
    timeout: 120_000,
  }, async () => {
    const live = await collectAwsLive({ type: 'aws', regions: [region] }, context(liveEnv()))
    // Authorization details (a policy item without PolicyName), the account-level public access
    // block (S3 Control's host prefix on a local endpoint) and the credential report (generated on
    // the fly) all read cleanly.
    expect(live.errors).toEqual([])
    const findings = judge(live)
    const expected: [string, string, string][] = [
      ['aws/iam-policy-grants-no-full-admin', 'break-glass-admin', 'fail'],
      ['aws/iam-policy-grants-no-full-admin', 'read-audit-logs', 'pass'],
      ['aws/console-users-use-mfa', 'dana', 'fail'],
      ['aws/console-users-use-mfa', 'eli', 'pass'],
      ['aws/console-users-use-mfa', 'ci-deployer', 'not-applicable'],
      ['aws/access-keys-rotated-and-used', 'ci-deployer', 'pass'],
      ['aws/bucket-blocks-public-access', 'acme-audit-logs', 'pass'],
      // No bucket-level block and no account-level block: the account read said so (not unknown).
      ['aws/bucket-blocks-public-access', 'acme-marketing-drops', 'fail'],
      ['aws/bucket-encrypted', 'acme-audit-logs', 'pass'],
      ['aws/bucket-encrypted', 'acme-marketing-drops', 'fail'],
      ['aws/bucket-versioning-enabled', 'acme-audit-logs', 'pass'],
      ['aws/bucket-versioning-enabled', 'acme-marketing-drops', 'fail'],
      ['aws/bucket-access-logging-enabled', 'acme-marketing-drops', 'fail'],
      ['aws/security-group-restricts-admin-ports', built.openSshGroup, 'fail'],
      ['aws/security-group-restricts-admin-ports', built.closedGroup, 'pass'],
      ['aws/database-not-publicly-accessible', 'orders-db', 'fail'],
      ['aws/database-storage-encrypted', 'orders-db', 'fail'],
      ['aws/database-deletion-protected', 'orders-db', 'fail'],
      ['aws/database-backups-retained', 'orders-db', 'fail'],
      ['aws/cloudtrail-multi-region-validated', 'org-audit', 'pass'],
      ['aws/kms-customer-keys-rotate', built.rotatingKey, 'pass'],
      ['aws/kms-customer-keys-rotate', built.staticKey, 'fail'],
      ['aws/password-policy-is-strong', account, 'fail'],
      ['aws/guardduty-enabled-in-every-region', region, 'fail'],
      ['aws/vpc-flow-logs-enabled', built.vpcId, 'fail'],
    ]
    for (const [check, subject, status] of expected)
      expect({ check, subject, statuses: statusOf(findings, check, subject) }).toEqual({
        check,
        subject,
        statuses: [status],
      })
    // Nothing in this account is judged "nothing to test" for IAM: the false negatives.
    expect(findings.filter((f) => f.check.startsWith('aws/iam') && f.status === 'not-applicable')).toEqual([])
  })

  it('gives the same verdicts from the AWS CLI export of the same account', {
    timeout: 120_000,
  }, async () => {
    const live = await collectAwsLive({ type: 'aws', regions: [region] }, context(liveEnv()))
    const root = await exported()
    const offline = await collectAwsJson({ type: 'aws-json', path: 'aws', account }, context({}, root))
    expect(offline.errors).toEqual([])
    expect(verdicts(judge(offline))).toEqual(verdicts(judge(live)))
    expect(judge(offline).filter((f) => f.status === 'fail').length).toBeGreaterThan(15)
  })

  it('names an odd item of the authorization details and keeps the rest of the list', {
    timeout: 120_000,
  }, async () => {
    const root = await exported()
    const file = path.join(root, 'aws', 'get-account-authorization-details.json')
    const details = JSON.parse(await readFile(file, 'utf8'))
    details.UserDetailList.splice(1, 0, { Arn: `arn:aws:iam::${account}:user/ghost`, UserPolicyList: 'odd' })
    await writeFile(file, JSON.stringify(details, null, 4))
    const offline = await collectAwsJson({ type: 'aws-json', path: 'aws', account }, context({}, root))
    expect(offline.errors).toEqual([
      expect.objectContaining({
        file: 'aws/get-account-authorization-details.json',
        message: expect.stringMatching(
          /^UserDetailList\[1\] \(arn:aws:iam::123456789012:user\/ghost\)\.UserName: .*left out$/,
        ),
        kinds: ['aws.iam-user', 'aws.iam-policy'],
      }),
    ])
    const findings = judge(offline)
    // The other users and policies are still judged...
    expect(statusOf(findings, 'aws/iam-policy-grants-no-full-admin', 'break-glass-admin')).toEqual(['fail'])
    // ...and the checks that read the incomplete list say it is incomplete, naming the item.
    const incomplete = findings.filter(
      (f) => f.check === 'aws/iam-policy-grants-no-full-admin' && f.status === 'no-evidence',
    )
    expect(incomplete).toHaveLength(1)
    expect(incomplete[0]?.message).toContain('UserDetailList[1]')
  })

  it('makes the checks of a kind whose export file holds an error no-evidence, offline too', {
    timeout: 120_000,
  }, async () => {
    const root = await exported()
    await writeFile(
      path.join(root, 'aws', region, 'describe-db-instances.json'),
      '\nAn error occurred (AccessDenied) when calling the DescribeDBInstances operation: not authorized\n',
    )
    const offline = await collectAwsJson({ type: 'aws-json', path: 'aws', account }, context({}, root))
    expect(offline.errors).toEqual([
      expect.objectContaining({
        file: `aws/${region}/describe-db-instances.json`,
        kinds: ['aws.db-instance'],
      }),
    ])
    const database = judge(offline).filter((f) => f.check.startsWith('aws/database-'))
    expect(new Set(database.map((f) => f.status))).toEqual(new Set(['no-evidence']))
    for (const finding of database) expect(finding.message).toContain('AccessDenied')
  })

  it('makes every check of a kind it could not read no-evidence with the reason', {
    timeout: 120_000,
  }, async () => {
    // RDS answers from a path moto does not serve: DescribeDBInstances fails, the rest is read.
    const live = await collectAwsLive(
      { type: 'aws', regions: [region] },
      context(liveEnv({ AWS_ENDPOINT_URL_RDS: `${moto.endpoint}/no-such-service/` })),
    )
    expect(live.errors).toEqual([
      expect.objectContaining({
        file: `aws://${account}/${region}/DescribeDBInstances`,
        kinds: ['aws.db-instance'],
      }),
    ])
    for (const error of live.errors) expect(error.message).not.toMatch(/\n\s+at /)
    const findings = judge(live)
    const database = findings.filter((f) => f.check.startsWith('aws/database-'))
    expect(database.length).toBeGreaterThan(3)
    for (const finding of database) {
      expect(finding.status).toBe('no-evidence')
      expect(finding.message).toContain('DescribeDBInstances')
    }
    expect(statusOf(findings, 'aws/bucket-encrypted', 'acme-marketing-drops')).toEqual(['fail'])
  })

  it('reports an unusable endpoint setting once, in one line, and leaves every AWS check no-evidence', async () => {
    const live = await collectAwsLive(
      { type: 'aws', regions: [region] },
      context(liveEnv({ AWS_ENDPOINT_URL_S3_CONTROL: 'moto:5000' })),
    )
    expect(live.evidence).toEqual([])
    expect(live.errors).toHaveLength(1)
    expect(live.errors[0]?.message).toMatch(
      /^could not reach the account: AWS_ENDPOINT_URL_S3_CONTROL: 'moto:5000' is not an http or https URL/,
    )
    expect(live.errors[0]?.message).not.toContain('\n')
    const findings = judge(live)
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set(['no-evidence']))
    expect(findings.filter((f) => f.message.includes('nothing to test'))).toEqual([])
  })
})

it.runIf(!available && inCi)('has moto_server on PATH in CI (.ci/run checks for it)', () => {
  expect.fail(
    'moto_server is not on PATH: the live AWS collector would go untested (pip install "moto[server]==5.2.*")',
  )
})
