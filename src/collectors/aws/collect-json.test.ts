import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { collectAwsJson, describeJsonError } from './collect-json.js'

const now = new Date('2026-06-30T00:00:00Z')

async function folderWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'trustctl-aws-json-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, 'aws', name)), { recursive: true })
    await writeFile(path.join(root, 'aws', name), text)
  }
  return root
}

async function collect(files: Record<string, string>, extra: { region?: string; account?: string } = {}) {
  const root = await folderWith(files)
  return collectAwsJson(
    { type: 'aws-json', path: 'aws', ...extra },
    { root, where: 'sources[0]', now, env: {} },
  )
}

const byKind = (evidence: EvidenceItem[], kind: string) => evidence.filter((e) => e.kind === kind)

const trails = JSON.stringify(
  {
    trailList: [
      {
        Name: 'org-audit',
        IsMultiRegionTrail: true,
        HomeRegion: 'eu-west-1',
        TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-audit',
        LogFileValidationEnabled: true,
      },
    ],
  },
  null,
  4,
)

describe('collectAwsJson', () => {
  it('reports a truncated JSON file with its line and column and still reads the other files', async () => {
    const broken = '{\n    "DBInstances": [\n        {\n            "DBInstanceIdentifier": "orders"'
    const result = await collect({ 'describe-db-instances.json': broken, 'describe-trails.json': trails })
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.file).toBe('aws/describe-db-instances.json')
    expect(result.errors[0]?.message).toMatch(/^invalid JSON at line 4, column \d+/)
    expect(byKind(result.evidence, 'aws.cloudtrail').map((e) => e.name)).toEqual(['org-audit'])
  })

  it('names the JSON path when a known output has the wrong shape', async () => {
    const result = await collect({
      'describe-security-groups.json': '{"SecurityGroups": [{"GroupName": "x"}]}',
    })
    expect(result.errors).toEqual([
      {
        file: 'aws/describe-security-groups.json',
        message: expect.stringMatching(
          /^not a `describe-security-groups` output: SecurityGroups\[0\]\.GroupId: /,
        ),
        // The file lists the account's security groups: their checks cannot say "nothing to test".
        kinds: ['aws.security-group'],
      },
    ])
  })

  it('recognises an output by its content when the file has another name, and takes regions from folders', async () => {
    const result = await collect({ 'us-east-1/trails-2026-06-29.json': trails, 'README.md': '# exports' })
    expect(result.errors).toEqual([])
    const [trail] = byKind(result.evidence, 'aws.cloudtrail')
    expect(trail).toMatchObject({
      name: 'org-audit',
      region: 'eu-west-1',
      account: '111122223333',
      origin: 'cli-json',
    })
    expect(result.inputs.map((i) => i.file)).toEqual(['aws/us-east-1/trails-2026-06-29.json'])
  })

  it('reads a CLI error captured with 2>&1 as "no such configuration" where AWS means that', async () => {
    const result = await collect({
      'get-account-password-policy.json':
        'An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 111122223333 cannot be found.\n',
      'get-bucket-versioning-logs.json': '',
      'describe-vpcs.json':
        'An error occurred (UnauthorizedOperation) when calling the DescribeVpcs operation: You are not authorized to perform this operation.',
    })
    expect(byKind(result.evidence, 'aws.account')[0]).toMatchObject({ passwordPolicy: null })
    expect(byKind(result.evidence, 'aws.s3-bucket')[0]).toMatchObject({
      name: 'logs',
      versioning: 'Disabled',
    })
    expect(result.errors).toEqual([
      {
        file: 'aws/describe-vpcs.json',
        message: expect.stringContaining('UnauthorizedOperation'),
        kinds: ['aws.vpc'],
      },
    ])
  })

  it('reads the credential report from the CLI JSON (base64) with its generation time, never a key id', async () => {
    const csv = [
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
      '<root_account>,arn:aws:iam::111122223333:root,2019-03-04T09:12:44+00:00,not_supported,2026-05-02T08:01:13+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
      'ci,arn:aws:iam::111122223333:user/ci,2022-09-12T14:03:27+00:00,false,N/A,N/A,N/A,false,true,2026-04-02T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    ].join('\n')
    const report = JSON.stringify({
      Content: Buffer.from(csv).toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: '2026-06-29T07:15:02+00:00',
    })
    const result = await collect({ 'get-credential-report.json': report })
    expect(result.errors).toEqual([])
    expect(byKind(result.evidence, 'aws.account')[0]).toMatchObject({
      name: '111122223333',
      rootAccessKeysPresent: false,
      rootMfaEnabled: true,
      rootLastUsedAt: '2026-05-02T08:01:13.000Z',
    })
    expect(byKind(result.evidence, 'aws.iam-user')[0]).toEqual(
      expect.objectContaining({
        name: 'ci',
        line: 3,
        consoleAccess: false,
        observedAt: '2026-06-29T07:15:02.000Z',
        accessKeys: [{ active: true, createdAt: '2026-04-02T10:00:00.000Z' }],
      }),
    )
  })

  it('reports a truncated credential report by line', async () => {
    const result = await collect({
      'credential-report.csv':
        'user,arn,password_enabled,mfa_active,access_key_1_active\n<root_account>,arn:aws:iam::1:root,not_supported',
    })
    expect(result.errors).toEqual([
      {
        file: 'aws/credential-report.csv',
        message: expect.stringMatching(/^line 2: 3 fields where the header has 5/),
      },
    ])
  })

  it('decodes URL-encoded policy documents as the API returns them', async () => {
    const document = encodeURIComponent(
      JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }),
    )
    const details = JSON.stringify({
      Policies: [
        {
          PolicyName: 'admin',
          Arn: 'arn:aws:iam::111122223333:policy/admin',
          PolicyVersionList: [{ Document: document, IsDefaultVersion: true }],
        },
      ],
      UserDetailList: [],
    })
    const result = await collect({ 'get-account-authorization-details.json': details })
    expect(byKind(result.evidence, 'aws.iam-policy')[0]).toMatchObject({
      managedBy: 'customer',
      document: {
        readable: true,
        statements: [{ effect: 'Allow', actions: ['*'], resources: ['*'], conditions: [] }],
      },
    })
  })

  it('keeps an unreadable policy document as unreadable, with the reason, and reports it', async () => {
    const details = JSON.stringify({
      RoleDetailList: [
        {
          RoleName: 'ops',
          RolePolicyList: [
            {
              PolicyName: 'typo',
              PolicyDocument: { Version: '2012-10-17', Statements: [{ Effect: 'Allow' }] },
            },
          ],
        },
      ],
    })
    const result = await collect({ 'get-account-authorization-details.json': details })
    expect(byKind(result.evidence, 'aws.iam-policy')).toEqual([
      expect.objectContaining({
        name: 'ops/typo',
        document: { readable: false, reason: 'Statement: missing' },
      }),
    ])
    expect(result.errors).toEqual([
      {
        file: 'aws/get-account-authorization-details.json',
        message: 'role ops inline policy typo: Statement: missing',
      },
    ])
  })

  it('emits a GuardDuty item for a region without detector, and uses the region setting for top-level files', async () => {
    const result = await collect({ 'list-detectors.json': '{"DetectorIds": []}' }, { region: 'ap-south-1' })
    expect(byKind(result.evidence, 'aws.guardduty-detector')).toEqual([
      expect.objectContaining({ name: 'ap-south-1', region: 'ap-south-1', status: 'ABSENT' }),
    ])
  })

  it('fails clearly when the path is not a folder', async () => {
    const root = await folderWith({})
    await expect(
      collectAwsJson({ type: 'aws-json', path: 'missing' }, { root, where: 'sources[1]', now, env: {} }),
    ).rejects.toThrow('sources[1].path: missing is not a folder of AWS CLI outputs')
  })
})

describe('describeJsonError', () => {
  const text = '{\n  "a": 1,\n  "b": }\n'
  it.each([
    ['Unexpected token } in JSON at position 19', 'line 3, column 8'],
    ["Expected property name or '}' in JSON at position 20 (line 3 column 8)", 'line 3, column 8'],
    ['Unexpected end of JSON input', 'line 4, column 1'],
  ])('places %s', (message, where) => {
    expect(describeJsonError(text, new SyntaxError(message))).toContain(`invalid JSON at ${where}:`)
  })
})

describe('the demo estate exports (examples/acme-saas/aws)', () => {
  it('read without error into every AWS evidence kind', async () => {
    const root = path.resolve(import.meta.dirname, '../../../examples/acme-saas')
    const result = await collectAwsJson(
      { type: 'aws-json', path: 'aws', account: '123456789012' },
      { root, where: 'sources[0]', now, env: {} },
    )
    expect(result.errors).toEqual([])
    const counts: Record<string, number> = {}
    for (const e of result.evidence) counts[e.kind] = (counts[e.kind] ?? 0) + 1
    expect(counts).toEqual({
      'aws.account': 1,
      'aws.iam-user': 4,
      'aws.iam-policy': 3,
      'aws.s3-bucket': 3,
      'aws.cloudtrail': 1,
      'aws.guardduty-detector': 2,
      'aws.db-instance': 2,
      'aws.security-group': 4,
      'aws.vpc': 2,
      'aws.kms-key': 3,
      'aws.eks-cluster': 1,
      'aws.load-balancer-listener': 2,
    })
    expect(result.evidence.every((e) => !('account' in e) || e.account === '123456789012')).toBe(true)
  })
})
