import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineCheck } from './check.js'
import { evaluateCheck, unreadKinds } from './engine.js'
import { type ContainerDockerfile, groupEvidence } from './evidence.js'

const dockerfile = (name: string, user?: string): ContainerDockerfile => ({
  kind: 'container.dockerfile',
  resourceKind: 'Dockerfile',
  name,
  file: name,
  line: 1,
  stages: [{ index: 0, line: 1, from: 'scratch', instructions: [], ...(user === undefined ? {} : { user }) }],
  finalStage: 0,
  variables: [],
  copies: [],
})

const hasUser = defineCheck({
  id: 'test/has-user',
  title: 'Images set a user',
  description: 'A test check for the engine status rules.',
  remediation: 'Set USER.',
  severity: 'high',
  reads: ['container.dockerfile'],
  params: z.object({ skip: z.array(z.string()).default([]) }),
  evaluate: ({ evidence, params, result }) =>
    evidence['container.dockerfile']
      .filter((d) => !params.skip.includes(d.name))
      .map((d) =>
        d.stages[d.finalStage]?.user ? result.pass(d, 'user set') : result.fail(d, 'no user', { line: 7 }),
      ),
})

describe('evaluateCheck', () => {
  it('reports no-evidence, never pass, when no evidence of a kind the check reads exists', () => {
    const findings = evaluateCheck({ check: hasUser, params: { skip: [] } }, groupEvidence([]))
    expect(findings).toHaveLength(1)
    expect(findings[0]?.status).toBe('no-evidence')
  })

  it('adds check id and severity to every outcome and keeps the narrowed line', () => {
    const findings = evaluateCheck(
      { check: hasUser, params: { skip: [] } },
      groupEvidence([dockerfile('a/Dockerfile', '1000'), dockerfile('b/Dockerfile')]),
    )
    expect(findings.map((f) => [f.check, f.severity, f.status, f.subject.name, f.subject.line])).toEqual([
      ['test/has-user', 'high', 'pass', 'a/Dockerfile', 1],
      ['test/has-user', 'high', 'fail', 'b/Dockerfile', 7],
    ])
  })

  it('turns a throwing check into an error finding instead of stopping the run', () => {
    const broken = defineCheck({
      ...hasUser,
      id: 'test/broken',
      params: z.object({}),
      evaluate: () => {
        throw new Error('boom')
      },
    })
    const findings = evaluateCheck({ check: broken, params: {} }, groupEvidence([dockerfile('Dockerfile')]))
    expect(findings).toMatchObject([{ status: 'error', check: 'test/broken' }])
    expect(findings[0]?.message).toContain('boom')
  })

  it('reports not-applicable when evidence exists but the check applies to none of it', () => {
    const findings = evaluateCheck(
      { check: hasUser, params: { skip: ['Dockerfile'] } },
      groupEvidence([dockerfile('Dockerfile')]),
    )
    expect(findings).toMatchObject([{ status: 'not-applicable' }])
  })
})

describe('messages', () => {
  it('mask a credential a check quoted in every outcome that quotes it, and leave clean ones as they are', () => {
    const quoting = defineCheck({
      ...hasUser,
      id: 'test/quoting',
      params: z.object({}),
      evaluate: ({ evidence, result }) =>
        evidence['container.dockerfile'].flatMap((d) => [
          result.fail(d, 'env sets DB_PASSWORD=trueNorth42'),
          result.pass(d, 'user set'),
        ]),
    })
    const findings = evaluateCheck(
      { check: quoting, params: {} },
      groupEvidence([dockerfile('a/Dockerfile'), dockerfile('b/Dockerfile')]),
    )
    expect(findings.map((f) => f.message)).toEqual([
      'env sets DB_PASSWORD=[REDACTED]',
      'user set',
      'env sets DB_PASSWORD=[REDACTED]',
      'user set',
    ])
  })

  it('mask a quoted credential in outcomes that repeat it in a row, after a clean one and back', () => {
    const repeating = defineCheck({
      ...hasUser,
      id: 'test/repeating',
      params: z.object({}),
      evaluate: ({ evidence, result }) =>
        evidence['container.dockerfile'].flatMap((d) => [
          result.pass(d, 'user set'),
          result.fail(d, `env sets TOKEN=${'ghp_'}${'a'.repeat(36)}`),
          result.fail(d, `env sets TOKEN=${'ghp_'}${'a'.repeat(36)}`),
        ]),
    })
    const findings = evaluateCheck(
      { check: repeating, params: {} },
      groupEvidence([dockerfile('a/Dockerfile'), dockerfile('b/Dockerfile')]),
    )
    expect(findings.map((f) => f.message)).toEqual(
      Array.from({ length: 2 }, () => [
        'user set',
        'env sets TOKEN=[REDACTED]',
        'env sets TOKEN=[REDACTED]',
      ]).flat(),
    )
  })
})

describe('kinds a source could not read', () => {
  const unread = unreadKinds([
    { file: 'aws://1/eu-west-1/ListThings', message: 'AccessDenied: no', kinds: ['container.dockerfile'] },
    { file: 'other', message: 'unrelated, no kinds' },
  ])

  it('replaces "nothing to test" with no-evidence that quotes the failed read', () => {
    const dockerfilesElsewhere = groupEvidence([])
    const findings = evaluateCheck({ check: hasUser, params: { skip: [] } }, dockerfilesElsewhere, unread)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ status: 'no-evidence' })
    expect(findings[0]?.message).toContain('aws://1/eu-west-1/ListThings: AccessDenied: no')
  })

  it('keeps the verdicts on what was read and adds one no-evidence finding for the rest', () => {
    const findings = evaluateCheck(
      { check: hasUser, params: { skip: [] } },
      groupEvidence([dockerfile('a/Dockerfile', '1000')]),
      unread,
    )
    expect(findings.map((f) => f.status)).toEqual(['pass', 'no-evidence'])
  })

  it('changes nothing for checks that do not read the unread kind', () => {
    expect(unreadKinds([{ file: 'x', message: 'y' }]).size).toBe(0)
    const findings = evaluateCheck(
      { check: hasUser, params: { skip: [] } },
      groupEvidence([dockerfile('a/Dockerfile', '1000')]),
      unreadKinds([{ file: 'x', message: 'y', kinds: ['k8s.workload'] }]),
    )
    expect(findings.map((f) => f.status)).toEqual(['pass'])
  })
})

describe('findings of a large estate stay compact', () => {
  const twice = defineCheck({
    id: 'test/twice',
    title: 'Two verdicts per image',
    description: 'A test check that judges each item twice, once at another line.',
    remediation: 'None.',
    severity: 'low',
    reads: ['container.dockerfile'],
    evaluate: ({ evidence, result }) =>
      evidence['container.dockerfile'].flatMap((d) => [
        result.pass(d, 'first'),
        result.fail(d, 'second'),
        result.fail(d, 'at a step', { line: 7 }),
      ]),
  })
  const items = [dockerfile('a/Dockerfile'), { ...dockerfile('b/Dockerfile'), namespace: 'ns' }]
  const findings = evaluateCheck({ check: twice, params: {} }, groupEvidence(items))

  it('shares one subject among the findings about an item at its own line', () => {
    expect(findings[0]?.subject).toBe(findings[1]?.subject)
    // A finding about another line of the item gets a subject of its own, with that line.
    expect(findings[2]?.subject).not.toBe(findings[0]?.subject)
    expect(findings[2]?.subject).toEqual({
      kind: 'Dockerfile',
      name: 'a/Dockerfile',
      file: 'a/Dockerfile',
      line: 7,
    })
    // Evaluated again (another check over the same evidence), the item's subject is still that one.
    const again = evaluateCheck({ check: twice, params: {} }, groupEvidence(items))
    expect(again[0]?.subject).toBe(findings[0]?.subject)
  })

  it('keeps the keys in the order reports print them', () => {
    expect(Object.keys(findings[0] ?? {})).toEqual(['check', 'severity', 'status', 'subject', 'message'])
    expect(Object.keys(findings[3]?.subject ?? {})).toEqual(['kind', 'name', 'file', 'namespace', 'line'])
    expect(findings[3]?.subject).toEqual({
      kind: 'Dockerfile',
      name: 'b/Dockerfile',
      file: 'b/Dockerfile',
      namespace: 'ns',
      line: 1,
    })
  })
})
