import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { evaluateCheck } from '../../core/engine.js'
import type { EvidenceItem } from '../../core/evidence.js'
import { groupEvidence } from '../../core/evidence.js'
import type { IacResource } from '../../core/evidence-iac.js'
import { compileRule, ruleSchema } from '../../core/rule.js'
import { parseTemplate, templateEvidence } from './read-cloudformation.js'

const text = await readFile(path.join(import.meta.dirname, 'testdata/reporting-stack.yaml'), 'utf8')
const evidence = templateEvidence(text, 'stack.yaml')
const find = (items: EvidenceItem[], kind: string, name: string) =>
  items.find((e) => e.kind === kind && e.name === name)

describe('CloudFormation templates', () => {
  it('reads the intrinsic-function tags of YAML templates', () => {
    const doc = parseTemplate(text)
    const bucket = (doc.Resources as Record<string, { Properties: Record<string, unknown> }>).ReportsBucket
    expect(bucket?.Properties.BucketName).toEqual({ 'Fn::Sub': 'acme-reports-$' + '{Environment}' })
    expect(JSON.stringify(bucket?.Properties.BucketEncryption)).toContain(
      '{"Fn::GetAtt":["ReportsKey","Arn"]}',
    )
  })

  it('resolves parameters, conditions and references into the AWS kinds', () => {
    expect(find(evidence, 'aws.s3-bucket', 'ReportsBucket')).toMatchObject({
      resourceKind: 'AWS::S3::Bucket',
      encryption: { algorithm: 'aws:kms', bucketKeyEnabled: true },
      versioning: 'Enabled', // !If [IsProd, …] with Environment defaulting to prod
      origin: 'cloudformation',
      line: 43,
    })
    expect(find(evidence, 'aws.s3-bucket', 'WebsiteBucket')).toMatchObject({
      encryption: null,
      policyPublic: true,
      versioning: 'Disabled',
    })
    expect(find(evidence, 'aws.kms-key', 'ReportsKey')).toMatchObject({
      rotationEnabled: true,
      aliases: ['alias/reports-prod'],
    })
    expect(find(evidence, 'aws.security-group', 'AppSecurityGroup')).toMatchObject({
      ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: ['0.0.0.0/0'] }],
    })
    expect(find(evidence, 'aws.security-group', 'DatabaseSecurityGroup')).toMatchObject({
      ingress: [{ fromPort: 5432, sourceGroups: ['AppSecurityGroup'], ipv4Ranges: [] }],
    })
    expect(find(evidence, 'aws.db-instance', 'ReportsDatabase')).toMatchObject({
      storageEncrypted: true,
      multiAz: true,
      backupRetentionDays: 14,
    })
  })

  it('leaves unknown what the template alone does not tell', () => {
    // No subnet group: RDS decides public accessibility from the VPC at deploy time.
    const legacy = find(evidence, 'aws.db-instance', 'LegacyDatabase')
    expect(legacy).toMatchObject({ publiclyAccessible: true, storageEncrypted: false })
    const other = templateEvidence(
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      StorageEncrypted: !Ref Encrypt\nParameters:\n  Encrypt:\n    Type: String\n',
      't.yaml',
    )
    expect(find(other, 'aws.db-instance', 'Db')).toMatchObject({
      unknown: expect.arrayContaining(['publiclyAccessible', 'storageEncrypted']),
    })
    expect(find(other, 'aws.db-instance', 'Db')).not.toHaveProperty('storageEncrypted')
    // Stack tags are added at deploy time: a missing tag cannot be told from the template.
    expect(find(evidence, 'iac.resource', 'ReportsBucket')).toMatchObject({
      tags: { owner: 'analytics' },
      tagsUnknown: true,
    })
  })

  it('reads JSON templates', () => {
    const json = JSON.stringify({
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: { 'Fn::If': ['Rotate', true, false] } },
        },
      },
      Conditions: { Rotate: { 'Fn::Equals': ['a', 'a'] } },
    })
    expect(find(templateEvidence(json, 't.json'), 'aws.kms-key', 'Key')).toMatchObject({
      rotationEnabled: true,
    })
  })

  it('reads IAM policies: managed, inline in a role, as JSON text, and unknown while they name a resource', () => {
    const template = [
      'Parameters:',
      '  Env: { Type: String, Default: prod }',
      'Resources:',
      '  Reports: { Type: AWS::S3::Bucket }',
      '  Ops:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      RoleName: ops',
      '      Policies:',
      '        - PolicyName: everything',
      '          PolicyDocument:',
      '            Statement: { Effect: Allow, Action: "*", Resource: "*" }',
      '  ReadReports:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      Roles: [!Ref Ops]',
      '      PolicyDocument:',
      '        Statement:',
      '          - { Effect: Allow, Action: s3:GetObject, Resource: !GetAtt Reports.Arn }',
      '  AsText:',
      '    Type: AWS::IAM::Policy',
      '    Properties:',
      '      Users: [deployer]',
      `      PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}'`,
      '  Broken:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument: { Statement: [{ Effect: allow, Action: "*", Resource: "*" }] }',
    ].join('\n')
    const evidence = templateEvidence(template, 't.yaml')
    expect(find(evidence, 'aws.iam-policy', 'Ops/everything')).toMatchObject({
      managedBy: 'inline',
      attachedTo: [{ type: 'role', name: 'ops' }],
      document: { readable: true, statements: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }] },
    })
    const pending = find(evidence, 'aws.iam-policy', 'ReadReports')
    expect(pending).toMatchObject({
      managedBy: 'customer',
      attachedTo: [{ type: 'role', name: 'Ops' }],
      unknown: ['document'],
    })
    expect(pending).not.toHaveProperty('document')
    expect(find(evidence, 'aws.iam-policy', 'AsText')).toMatchObject({
      managedBy: 'inline',
      attachedTo: [{ type: 'user', name: 'deployer' }],
      document: {
        readable: true,
        version: '2012-10-17',
        statements: [{ effect: 'Deny', notActions: ['s3:*'] }],
      },
    })
    expect(find(evidence, 'aws.iam-policy', 'Broken')).toMatchObject({
      document: { readable: false, reason: expect.stringMatching(/^Statement\[0\]\.Effect:/) },
    })
  })

  it('reads the settings rules judge under their Terraform attribute names, so one rule judges both', () => {
    const template = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Protect: { Type: String }
Resources:
  EventsCluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: true
      DeletionProtection: !Ref Protect
      BackupRetentionPeriod: 1
  PlainCluster:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: aurora-mysql }
  JobsKey:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: true }
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Ref JobsKey
      RedrivePolicy: { deadLetterTargetArn: arn:aws:sqs:eu-west-1:111122223333:jobs-dlq, maxReceiveCount: 5 }
`
    const evidence = templateEvidence(template, 'stack.yaml')
    const resource = (name: string) =>
      evidence.find((e): e is IacResource => e.kind === 'iac.resource' && e.name === name)
    expect(resource('EventsCluster')).toMatchObject({
      resourceKind: 'AWS::RDS::DBCluster',
      equivalentType: 'aws_rds_cluster',
      attributes: { engine: 'aurora-postgresql', storage_encrypted: true, backup_retention_period: 1 },
      unknownAttributes: ['deletion_protection'],
    })
    expect(resource('JobsQueue')).toMatchObject({
      equivalentType: 'aws_sqs_queue',
      unknownAttributes: ['kms_master_key_id'],
      // Typed from the template's Resources map, so a rule can tell what the reference names.
      references: { kms_master_key_id: ['aws_kms_key.JobsKey'] },
    })
    const judge = (rule: Record<string, unknown>) => {
      const check = compileRule(
        ruleSchema.parse({
          id: 'aws/test-rule',
          title: 'A rule written on the Terraform model',
          description: 'Judges Terraform and CloudFormation resources alike.',
          remediation: 'Set the attribute.',
          severity: 'high',
          controls: ['data-protection.data-encrypted-at-rest'],
          ...rule,
        }),
      )
      return evaluateCheck({ check, params: check.params.parse({}) }, groupEvidence(evidence)).map((f) => [
        f.subject.name,
        f.status,
      ])
    }
    expect(
      judge({
        resource: 'aws_rds_cluster',
        assert: { attribute: 'storage_encrypted', equals: true, default: false },
      }),
    ).toEqual([
      ['EventsCluster', 'pass'],
      ['PlainCluster', 'fail'],
    ])
    // DeletionProtection comes from a parameter with no default: no verdict, never a pass.
    expect(
      judge({
        resource: 'aws_rds_cluster',
        assert: { attribute: 'deletion_protection', equals: true, default: false },
      }),
    ).toEqual([
      ['EventsCluster', 'no-evidence'],
      ['PlainCluster', 'fail'],
    ])
    // A key given by reference is set, though its ARN is known only after deploy.
    expect(
      judge({ resource: 'aws_sqs_queue', assert: { attribute: 'kms_master_key_id', notEmpty: true } }),
    ).toEqual([['JobsQueue', 'pass']])
  })

  it('names the line of a YAML error and refuses documents without Resources', () => {
    expect(() => parseTemplate('Resources:\n  A:\n    Type: [unclosed\n')).toThrow(/invalid YAML/)
    try {
      parseTemplate('Resources:\n  A:\n    Type: [unclosed\n')
    } catch (error) {
      expect((error as { line?: number }).line).toBeGreaterThan(1)
    }
    expect(() => parseTemplate('apiVersion: v1\nkind: ConfigMap\n')).toThrow(/no Resources section/)
  })
})
