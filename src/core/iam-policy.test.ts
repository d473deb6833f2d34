import { describe, expect, it } from 'vitest'
import { allowsAnyone, iamPolicyDocumentSchema, readIamPolicy } from './iam-policy.js'

// The AWS managed policy AdministratorAccess, version v1, as `aws iam get-policy-version` prints it.
const administratorAccess = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
}

// AmazonS3ReadOnlyAccess (v3): several actions, one resource written as a string.
const s3ReadOnly = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
      Resource: '*',
    },
  ],
}

// An IAM policy variable, not a template placeholder.
const selfUser = 'arn:aws:iam::111122223333:user/$' + '{aws:username}'

const readable = (document: unknown) => {
  const read = readIamPolicy(document)
  if (!read.readable) throw new Error(`unreadable: ${read.reason}`)
  return read
}

describe('readIamPolicy', () => {
  it('reads an AWS managed policy into lists', () => {
    expect(readIamPolicy(administratorAccess)).toEqual({
      readable: true,
      version: '2012-10-17',
      statements: [
        {
          effect: 'Allow',
          actions: ['*'],
          notActions: [],
          resources: ['*'],
          notResources: [],
          conditions: [],
        },
      ],
    })
    expect(readable(s3ReadOnly).statements[0]?.actions).toHaveLength(5)
  })

  it('reads the URL-encoded text the IAM API returns like the decoded object the CLI prints', () => {
    const encoded = encodeURIComponent(JSON.stringify(s3ReadOnly))
    expect(encoded.startsWith('%7B%22Version%22')).toBe(true)
    expect(readIamPolicy(encoded)).toEqual(readIamPolicy(s3ReadOnly))
  })

  it('reads the compact, key-sorted JSON that Terraform jsonencode writes', () => {
    const jsonencoded =
      '{"Statement":[{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::acme-exports/*","Sid":"Exports"}],"Version":"2012-10-17"}'
    expect(readable(jsonencoded).statements).toEqual([
      {
        sid: 'Exports',
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:PutObject'],
        notActions: [],
        resources: ['arn:aws:s3:::acme-exports/*'],
        notResources: [],
        conditions: [],
      },
    ])
  })

  it('reads a single statement object and a YAML object with number and boolean condition values', () => {
    // A CloudFormation PolicyDocument as js-yaml loads it: Statement not a list, scalars typed.
    const fromYaml = {
      Version: '2012-10-17',
      Statement: {
        Sid: 'RequireRecentMfa',
        Effect: 'Deny',
        NotAction: ['iam:ChangePassword', 'sts:GetSessionToken'],
        NotResource: selfUser,
        Condition: {
          NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 },
          BoolIfExists: { 'aws:MultiFactorAuthPresent': false },
        },
      },
    }
    expect(readable(fromYaml).statements).toEqual([
      {
        sid: 'RequireRecentMfa',
        effect: 'Deny',
        actions: [],
        notActions: ['iam:ChangePassword', 'sts:GetSessionToken'],
        resources: [],
        notResources: [selfUser],
        conditions: [
          { operator: 'NumericGreaterThan', key: 'aws:MultiFactorAuthAge', values: ['3600'] },
          { operator: 'BoolIfExists', key: 'aws:MultiFactorAuthPresent', values: ['false'] },
        ],
      },
    ])
  })

  it('writes "*" and {AWS: "*"} principals the same way, and keeps the other principal types', () => {
    const bucketPolicy = (principal: unknown) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
      ],
    })
    const star = readable(bucketPolicy('*')).statements[0]
    const awsStar = readable(bucketPolicy({ AWS: '*' })).statements[0]
    expect(star?.principals).toEqual({ AWS: ['*'] })
    expect(awsStar).toEqual(star)
    expect(star !== undefined && allowsAnyone(star)).toBe(true)

    const trust = readable({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['ec2.amazonaws.com'], AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
        },
      ],
    }).statements[0]
    expect(trust?.principals).toEqual({
      Service: ['ec2.amazonaws.com'],
      AWS: ['arn:aws:iam::111122223333:root'],
    })
    expect(trust !== undefined && allowsAnyone(trust)).toBe(false)
    expect(
      readable({
        Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::1:role/x' }, Action: '*' }],
      }).statements[0]?.notPrincipals,
    ).toEqual({ AWS: ['arn:aws:iam::1:role/x'] })
  })

  it('keeps action names as written: IAM matches them case-insensitively, checks decide', () => {
    expect(
      readable({ Statement: [{ Effect: 'Allow', Action: 'S3:getObject' }] }).statements[0]?.actions,
    ).toEqual(['S3:getObject'])
  })

  it('drops the JSON nulls that jsonencode writes for unset attributes, and empty Sids', () => {
    const read = readable(
      '{"Statement":[{"Action":"*","Condition":null,"Effect":"Allow","Resource":"*","Sid":""}]}',
    )
    expect(read.statements[0]).toEqual({
      effect: 'Allow',
      actions: ['*'],
      notActions: [],
      resources: ['*'],
      notResources: [],
      conditions: [],
    })
  })

  it('reads an explicitly empty statement list as granting nothing', () => {
    expect(readIamPolicy({ Version: '2012-10-17', Statement: [] })).toEqual({
      readable: true,
      version: '2012-10-17',
      statements: [],
    })
  })

  it.each([
    ['text that is not JSON', 'Allow everything', /not JSON/],
    ['broken URL encoding', '%7B%22Version%', /neither JSON nor URL-encoded JSON/],
    ['a list instead of a document', [administratorAccess], /not a JSON object/],
    ['no Statement', { Version: '2012-10-17' }, /^Statement: missing$/],
    ['a Statement that is text', { Statement: 'Allow *' }, /^Statement: expected a statement or a list/],
    [
      'an Effect in the wrong case',
      { Statement: [{ Effect: 'allow', Action: '*' }] },
      /^Statement\[0\]\.Effect:/,
    ],
    ['no Effect', { Statement: [{ Action: '*', Resource: '*' }] }, /^Statement\[0\]\.Effect:/],
    [
      'an Action that is a number',
      { Statement: [{ Effect: 'Allow', Action: 42 }] },
      /^Statement\[0\]\.Action:/,
    ],
    [
      'both Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*' }] },
      /exactly one of Action and NotAction/,
    ],
    ['neither Action nor NotAction', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, /exactly one of/],
    [
      'a Principal that is an ARN string',
      { Statement: [{ Effect: 'Allow', Principal: 'arn:aws:iam::1:root', Action: '*' }] },
      /^Statement\[0\]\.Principal:/,
    ],
    [
      'a Condition without keys',
      { Statement: [{ Effect: 'Allow', Action: '*', Condition: { Bool: 'true' } }] },
      /^Statement\[0\]\.Condition\.Bool:/,
    ],
    [
      'the second statement broken',
      {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject' },
          { Effect: 'Allow', Action: ['*', 1] },
        ],
      },
      /^Statement\[1\]\.Action/,
    ],
  ])('reports %s as unreadable with the reason, never as an empty grant', (_, document, reason) => {
    const read = readIamPolicy(document)
    expect(read.readable).toBe(false)
    expect(read.readable ? '' : read.reason).toMatch(reason)
  })

  it('returns what its own schema accepts', () => {
    for (const document of [administratorAccess, s3ReadOnly, 'nonsense', { Statement: [] }])
      expect(iamPolicyDocumentSchema.safeParse(readIamPolicy(document)).success).toBe(true)
  })
})
