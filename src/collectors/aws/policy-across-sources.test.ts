import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import type { AwsIamPolicy } from '../../core/evidence-aws.js'
import { collectTerraformSource } from '../terraform/collect-hcl.js'
import { planEvidence } from '../terraform/collect-plan.js'
import { templateEvidence } from '../terraform/read-cloudformation.js'
import { collectAwsJson } from './collect-json.js'

// One policy (two statements: an Allow with a Condition, a Deny through NotAction) written the way
// each source writes it: the CLI export (decoded, and URL-encoded as the raw API returns inline
// documents), a Terraform plan (jsonencode's key-sorted JSON), Terraform source (jsonencode() and the
// aws_iam_policy_document data source) and a CloudFormation YAML template (a boolean condition value).
const fixtures = path.join(import.meta.dirname, 'testdata/policy-across-sources')

const policies = (evidence: EvidenceItem[]): AwsIamPolicy[] =>
  evidence.filter((e): e is AwsIamPolicy => e.kind === 'aws.iam-policy')

async function fromEverySource(): Promise<Record<string, AwsIamPolicy | undefined>> {
  const exported = await collectAwsJson(
    { type: 'aws-json', path: 'aws' },
    { root: fixtures, where: 'sources[0]', now: new Date('2026-04-12T00:00:00Z'), env: {} },
  )
  const planned = planEvidence(await readFile(path.join(fixtures, 'plan.json'), 'utf8'), 'plan.json')
  const source = await collectTerraformSource(path.join(fixtures, 'terraform'), '.')
  const template = templateEvidence(
    await readFile(path.join(fixtures, 'template.yaml'), 'utf8'),
    'template.yaml',
  )
  const named = (items: EvidenceItem[], name: string) => policies(items).find((p) => p.name === name)
  return {
    'CLI export, managed policy': named(exported.evidence, 'read-reports'),
    'CLI export, URL-encoded inline policy': named(exported.evidence, 'reports-reader/read-reports-inline'),
    'Terraform plan': named(planned, 'aws_iam_policy.read_reports'),
    'Terraform source, jsonencode()': named(source.evidence, 'aws_iam_policy.read_reports'),
    'Terraform source, policy document data source': named(
      source.evidence,
      'aws_iam_policy.read_reports_document',
    ),
    CloudFormation: named(template, 'ReadReportsPolicy'),
  }
}

describe('one IAM policy through every AWS source', () => {
  it('gives the same policy document from each of them', async () => {
    const bySource = await fromEverySource()
    const expected = {
      readable: true,
      version: '2012-10-17',
      statements: [
        {
          sid: 'ReadReports',
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:ListBucket'],
          notActions: [],
          resources: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'],
          notResources: [],
          conditions: [{ operator: 'StringEquals', key: 'aws:SourceVpc', values: ['vpc-0a1b2c3d'] }],
        },
        {
          sid: 'DenyWithoutMfa',
          effect: 'Deny',
          actions: [],
          notActions: ['iam:ChangePassword'],
          resources: ['*'],
          notResources: [],
          conditions: [{ operator: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['false'] }],
        },
      ],
    }
    for (const [source, policy] of Object.entries(bySource)) {
      expect(policy, source).toBeDefined()
      expect({ source, document: policy?.document }).toEqual({ source, document: expected })
      expect(policy?.unknown, source).toBeUndefined()
    }
  })

  it('reads the collection without errors, so nothing was dropped on the way', async () => {
    const exported = await collectAwsJson(
      { type: 'aws-json', path: 'aws' },
      { root: fixtures, where: 'sources[0]', now: new Date('2026-04-12T00:00:00Z'), env: {} },
    )
    expect(exported.errors).toEqual([])
    const source = await collectTerraformSource(path.join(fixtures, 'terraform'), '.')
    expect(source.errors).toEqual([])
  })
})
