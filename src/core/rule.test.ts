import { describe, expect, it } from 'vitest'
import { evaluateCheck } from './engine.js'
import { groupEvidence } from './evidence.js'
import type { IacResource } from './evidence-iac.js'
import type { K8sResource } from './evidence-kubernetes.js'
import { compileRule, ruleSchema } from './rule.js'

const base = {
  title: 'Security groups keep SSH closed to the internet',
  description: 'SSH open to every address invites password and key guessing from anywhere.',
  remediation: 'Limit the rule to the VPN range.',
  severity: 'high',
  controls: ['network.network-segmented'],
}

function resource(name: string, resourceKind: string, extra: Partial<IacResource> = {}): IacResource {
  return {
    kind: 'iac.resource',
    resourceKind,
    name,
    file: 'main.tf',
    tool: 'terraform',
    taggable: true,
    tags: {},
    tagsUnknown: false,
    attributes: {},
    unknownAttributes: [],
    references: {},
    ...extra,
  }
}

function run(rule: Record<string, unknown>, items: IacResource[], params: Record<string, unknown> = {}) {
  const check = compileRule(ruleSchema.parse({ ...base, id: 'aws/test-rule', ...rule }))
  const evidence = groupEvidence(items)
  return evaluateCheck({ check, params: check.params.parse(params) }, evidence).map((f) => [
    f.subject.name,
    f.status,
    f.message,
  ])
}

const sshClosed = {
  resource: 'aws_security_group',
  assert: {
    not: {
      someOf: 'ingress',
      where: {
        all: [
          { portInRange: { from: 'from_port', to: 'to_port', port: 22, protocol: 'protocol' } },
          { attribute: 'cidr_blocks', cidrOpen: true },
        ],
      },
    },
  },
}

describe('declarative rules', () => {
  it('fails an element that matches, passes the others, and ignores other types', () => {
    const open = resource('sg.open', 'aws_security_group', {
      attributes: { ingress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] }] },
    })
    const closed = resource('sg.closed', 'aws_security_group', {
      attributes: { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8'] }] },
    })
    const other = resource('b', 'aws_s3_bucket')
    const findings = run(sshClosed, [open, closed, other])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['sg.open', 'fail'],
      ['sg.closed', 'pass'],
    ])
    expect(findings[0]?.[2]).toContain('every port')
  })

  it('says no-evidence, never pass, when a value it needs is known only after apply', () => {
    const unknown = resource('sg.unknown', 'aws_security_group', {
      attributes: { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp' }] },
      unknownAttributes: ['ingress.0.cidr_blocks'],
    })
    const whole = resource('sg.whole', 'aws_security_group', { unknownAttributes: ['ingress'] })
    const findings = run(sshClosed, [unknown, whole])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['sg.unknown', 'no-evidence'],
      ['sg.whole', 'no-evidence'],
    ])
    expect(findings[0]?.[2]).toContain('ingress[0].cidr_blocks is known only after apply')
  })

  it('but a known decisive value wins over an unknown one', () => {
    const r = resource('db', 'aws_db_instance', {
      attributes: { publicly_accessible: true },
      unknownAttributes: ['storage_encrypted'],
    })
    const rule = {
      resource: 'aws_db_instance',
      assert: {
        all: [
          { attribute: 'publicly_accessible', equals: false, default: false },
          { attribute: 'storage_encrypted', equals: true },
        ],
      },
    }
    expect(run(rule, [r])[0]?.[1]).toBe('fail')
  })

  it('applies defaults to unset attributes and reads blocks without their index', () => {
    const rule = {
      resource: 'aws_instance',
      assert: { attribute: 'metadata_options.http_tokens', equals: 'required', default: 'optional' },
    }
    const findings = run(rule, [
      resource('i.v2', 'aws_instance', { attributes: { metadata_options: [{ http_tokens: 'required' }] } }),
      resource('i.default', 'aws_instance'),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['i.v2', 'pass'],
      ['i.default', 'fail'],
    ])
  })

  it('judges related resources by reference or by name, and fails when none exists', () => {
    const rule = {
      resource: 'aws_s3_bucket',
      assert: {
        related: {
          type: 'aws_s3_bucket_public_access_block',
          via: 'bucket',
          where: { attribute: 'block_public_acls', equals: true },
        },
      },
    }
    const findings = run(rule, [
      resource('aws_s3_bucket.a', 'aws_s3_bucket', { attributes: { bucket: 'a' } }),
      resource('aws_s3_bucket.b', 'aws_s3_bucket', { attributes: { bucket: 'b' } }),
      resource('aws_s3_bucket.c', 'aws_s3_bucket', { attributes: { bucket: 'c' } }),
      resource('pab.a', 'aws_s3_bucket_public_access_block', {
        attributes: { block_public_acls: true },
        unknownAttributes: ['bucket'],
        references: { bucket: ['aws_s3_bucket.a'] },
      }),
      resource('pab.b', 'aws_s3_bucket_public_access_block', {
        attributes: { bucket: 'b', block_public_acls: false },
      }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['aws_s3_bucket.a', 'pass'],
      ['aws_s3_bucket.b', 'fail'],
      ['aws_s3_bucket.c', 'fail'],
    ])
    expect(findings[2]?.[2]).toContain('no aws_s3_bucket_public_access_block refers to it')
  })

  it('follows what a resource refers to: by reference, by literal name, and never past the code it sees', () => {
    const rule = {
      resource: 'aws_iam_instance_profile',
      assert: {
        not: {
          refersTo: {
            attribute: 'role',
            type: 'aws_iam_role',
            where: { attribute: 'managed_policy_arns', matches: 'AdministratorAccess$' },
          },
        },
      },
    }
    const findings = run(rule, [
      resource('aws_iam_role.admin', 'aws_iam_role', {
        attributes: { name: 'admin', managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      }),
      resource('aws_iam_role.app', 'aws_iam_role', { attributes: { name: 'app', managed_policy_arns: [] } }),
      resource('profile.by-ref', 'aws_iam_instance_profile', {
        unknownAttributes: ['role'],
        references: { role: ['aws_iam_role.admin'] },
      }),
      resource('profile.by-name', 'aws_iam_instance_profile', { attributes: { role: 'app' } }),
      // A role this code does not declare: what it holds cannot be seen, so no verdict.
      resource('profile.outside', 'aws_iam_instance_profile', { attributes: { role: 'made-in-console' } }),
      resource('profile.data', 'aws_iam_instance_profile', {
        unknownAttributes: ['role'],
        references: { role: ['data.aws_iam_role.existing'] },
      }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['profile.by-ref', 'fail'],
      ['profile.by-name', 'pass'],
      ['profile.outside', 'no-evidence'],
      ['profile.data', 'no-evidence'],
    ])
    expect(findings[2]?.[2]).toContain('made-in-console, which this code does not declare')
  })

  it('tells a reference of the wanted type inside a block only when the block refers to nothing else', () => {
    const rule = {
      resource: 'aws_route_table',
      assert: {
        not: {
          someOf: 'route',
          where: {
            all: [
              { attribute: 'cidr_block', cidrOpen: true },
              { refersTo: { attribute: 'gateway_id', type: 'aws_internet_gateway', valueMatches: '^igw-' } },
            ],
          },
        },
      },
    }
    const route = (name: string, extra: Partial<IacResource>) => resource(name, 'aws_route_table', extra)
    const findings = run(rule, [
      route('rt.igw', {
        attributes: { route: [{ cidr_block: '0.0.0.0/0' }] },
        unknownAttributes: ['route.0.gateway_id'],
        references: { route: ['aws_internet_gateway.main'] },
      }),
      route('rt.literal', { attributes: { route: [{ cidr_block: '0.0.0.0/0', gateway_id: 'igw-0abc' }] } }),
      route('rt.nat', {
        attributes: { route: [{ cidr_block: '0.0.0.0/0' }] },
        unknownAttributes: ['route.0.nat_gateway_id'],
        references: { route: ['aws_nat_gateway.a'] },
      }),
      route('rt.mixed', {
        attributes: { route: [{ cidr_block: '0.0.0.0/0' }, { cidr_block: '10.0.0.0/8' }] },
        unknownAttributes: ['route.0.gateway_id', 'route.1.transit_gateway_id'],
        references: { route: ['aws_internet_gateway.main', 'aws_ec2_transit_gateway.t'] },
      }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['rt.igw', 'fail'],
      ['rt.literal', 'fail'],
      ['rt.nat', 'pass'],
      ['rt.mixed', 'no-evidence'],
    ])
  })

  it('relates resources across the .tf files of one module, never across two plans', () => {
    const rule = {
      resource: 'aws_s3_bucket',
      assert: { related: { type: 'aws_s3_bucket_public_access_block', via: 'bucket' } },
    }
    const block = (file: string) =>
      resource('pab.a', 'aws_s3_bucket_public_access_block', {
        file,
        unknownAttributes: ['bucket'],
        references: { bucket: ['aws_s3_bucket.a'] },
      })
    const bucket = (file: string) => resource('aws_s3_bucket.a', 'aws_s3_bucket', { file })
    expect(run(rule, [bucket('infra/s3.tf'), block('infra/s3-policies.tf')])[0]?.[1]).toBe('pass')
    expect(run(rule, [bucket('infra/s3.tf'), block('other/s3-policies.tf')])[0]?.[1]).toBe('fail')
    expect(run(rule, [bucket('plans/prod.json'), block('plans/staging.json')])[0]?.[1]).toBe('fail')
  })

  it('reads parameters, with overrides from the configuration', () => {
    const rule = {
      resource: 'aws_rds_cluster',
      parameters: { minDays: 7 },
      assert: { attribute: 'backup_retention_period', greaterOrEqual: { param: 'minDays' }, default: 1 },
    }
    const cluster = resource('c', 'aws_rds_cluster', { attributes: { backup_retention_period: 10 } })
    expect(run(rule, [cluster])[0]?.[1]).toBe('pass')
    expect(run(rule, [cluster], { minDays: 14 })[0]?.[1]).toBe('fail')
  })

  it('skips resources its `when` excludes, and matches port specs and patterns', () => {
    const rule = {
      resource: 'google_compute_firewall',
      when: { attribute: 'direction', equals: 'INGRESS', default: 'INGRESS' },
      assert: {
        not: {
          all: [
            { attribute: 'source_ranges', cidrOpen: true },
            { someOf: 'allow', where: { attribute: 'ports', portsInclude: 3389 } },
          ],
        },
      },
    }
    const findings = run(rule, [
      resource('fw.rdp', 'google_compute_firewall', {
        attributes: { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['3000-4000'] }] },
      }),
      resource('fw.web', 'google_compute_firewall', {
        attributes: { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['443'] }] },
      }),
      resource('fw.egress', 'google_compute_firewall', { attributes: { direction: 'EGRESS' } }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['fw.rdp', 'fail'],
      ['fw.web', 'pass'],
    ])
  })

  it('counts an attribute written as a reference as set, though its value comes after apply', () => {
    const rule = { resource: 'aws_cloudtrail', assert: { attribute: 'kms_key_id', notEmpty: true } }
    const findings = run(rule, [
      resource('trail.ref', 'aws_cloudtrail', {
        unknownAttributes: ['kms_key_id'],
        references: { kms_key_id: ['aws_kms_key.trail'] },
      }),
      resource('trail.var', 'aws_cloudtrail', { unknownAttributes: ['kms_key_id'] }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['trail.ref', 'pass'],
      ['trail.var', 'no-evidence'],
    ])
    // A value comparison still needs the value.
    const exact = { resource: 'aws_cloudtrail', assert: { attribute: 'kms_key_id', equals: 'alias/x' } }
    expect(
      run(exact, [
        resource('t', 'aws_cloudtrail', {
          unknownAttributes: ['kms_key_id'],
          references: { kms_key_id: ['aws_kms_key.trail'] },
        }),
      ])[0]?.[1],
    ).toBe('no-evidence')
  })

  it('counts an attribute written as a reference as set when the rule asks that it is not set', () => {
    // An inline user policy names its user by reference: it is attached to a user, known before apply.
    const rule = { resource: 'aws_iam_user_policy', assert: { attribute: 'user', exists: false } }
    const findings = run(rule, [
      resource('p.ref', 'aws_iam_user_policy', {
        unknownAttributes: ['user'],
        references: { user: ['aws_iam_user.ci'] },
      }),
      resource('p.var', 'aws_iam_user_policy', { unknownAttributes: ['user'] }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['p.ref', 'fail'],
      ['p.var', 'no-evidence'],
    ])
  })

  it('reads JSON documents held in string attributes, one statement or a list', () => {
    const rule = {
      resource: 'aws_iam_policy',
      assert: { not: { someOf: 'policy.Statement', where: { attribute: 'Action', matches: ':\\*$' } } },
    }
    const findings = run(rule, [
      resource('p.one', 'aws_iam_policy', {
        attributes: { policy: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'iam:*' } }) },
      }),
      resource('p.list', 'aws_iam_policy', {
        attributes: { policy: JSON.stringify({ Statement: [{ Action: ['s3:GetObject'] }] }) },
      }),
    ])
    expect(findings.map(([n, s]) => [n, s])).toEqual([
      ['p.one', 'fail'],
      ['p.list', 'pass'],
    ])
  })

  it('judges Kubernetes objects by field path, and needs manifests to say anything', () => {
    const rule = {
      resource: 'PodDisruptionBudget',
      assert: { not: { attribute: 'spec.maxUnavailable', in: [0, '0'] } },
    }
    const check = compileRule(ruleSchema.parse({ ...base, id: 'kubernetes/test-rule', ...rule }))
    expect(check.reads).toEqual(['k8s.resource'])
    const pdb = (name: string, spec: Record<string, unknown>): K8sResource => ({
      kind: 'k8s.resource',
      resourceKind: 'PodDisruptionBudget',
      name,
      namespace: 'shop',
      file: 'pdb.yaml',
      apiVersion: 'policy/v1',
      labels: {},
      spec,
    })
    const evidence = groupEvidence([pdb('api', { maxUnavailable: 1 }), pdb('proxy', { maxUnavailable: 0 })])
    const statuses = evaluateCheck({ check, params: {} }, evidence).map((f) => [f.subject.name, f.status])
    expect(statuses).toEqual([
      ['api', 'pass'],
      ['proxy', 'fail'],
    ])
    expect(evaluateCheck({ check, params: {} }, groupEvidence([]))[0]?.status).toBe('no-evidence')
  })

  it('refuses a condition with no operator or two, naming where', () => {
    const bad = ruleSchema.safeParse({
      ...base,
      id: 'aws/x',
      resource: 'aws_s3_bucket',
      assert: { all: [{ attribute: 'a', equals: 1, exists: true }] },
    })
    expect(bad.success).toBe(false)
  })
})
