import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { run } from '@bufbuild/cel'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { checksRoot } from '../../../checks/load-checks.js'
import { parseManifests } from '../../collectors/kubernetes/parse-manifests.js'
import { resolveCheckRuns } from '../../core/assess.js'
import type { Finding } from '../../core/check.js'
import { parseConfig } from '../../core/config.js'
import { evaluateChecks } from '../../core/engine.js'
import { groupEvidence } from '../../core/evidence.js'
import { loadLibrary } from '../run-assessment.js'
import { admissionPolicyObjects, celCheckIds, celPolicies, policyVariables } from './policies.js'

const { checks } = await loadLibrary()

/** JSON as the CEL runtime takes it: objects as maps, whole numbers as int (Kubernetes' integer fields). */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel)
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (value !== null && typeof value === 'object')
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]))
  return value
}

/** Runs a policy's variables and its validation on one object, as the API server does. */
function celVerdict(expression: string, object: unknown): boolean {
  const variables = new Map<string, unknown>()
  const bound = { object: toCel(object), variables }
  for (const variable of policyVariables)
    variables.set(variable.name, run(variable.expression, bound as never))
  const result = run(expression, bound as never)
  if (typeof result !== 'boolean') throw new Error(`${expression} gave ${String(result)}, not a boolean`)
  return result
}

const workloadKinds = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
])

/** The Kubernetes objects of a case's files, typed as the API server holds them (YAML 1.1 booleans). */
function caseObjects(folder: string): { file: string; text: string; objects: Record<string, unknown>[] }[] {
  return readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'expected.yaml')
    .map((file) => {
      const text = readFileSync(path.join(folder, file), 'utf8')
      const objects = parseAllDocuments(text, { version: '1.1' })
        .map((d) => d.toJS() as unknown)
        .flatMap((doc) =>
          doc !== null && typeof doc === 'object' && 'items' in doc && Array.isArray(doc.items)
            ? doc.items
            : [doc],
        )
        .filter(
          (o): o is Record<string, unknown> =>
            o !== null && typeof o === 'object' && workloadKinds.has(String((o as { kind?: unknown }).kind)),
        )
      return { file, text, objects }
    })
}

function caseParams(folder: string): Record<string, unknown> {
  const expected = parseAllDocuments(readFileSync(path.join(folder, 'expected.yaml'), 'utf8'))[0]?.toJS() as {
    params?: Record<string, unknown>
  }
  return expected.params ?? {}
}

const baseConfig = {
  version: 1,
  organization: 'Acme',
  system: { name: 'Shop' },
  scope: { categories: ['security'], asOf: '2026-11-30' },
}

describe.each(celCheckIds.map((id) => [id]))('%s as CEL', (id) => {
  it("gives the TypeScript check's verdict on every workload of every case", () => {
    const casesDir = path.join(checksRoot, id, 'cases')
    const verdicts = new Set<string>()
    for (const name of readdirSync(casesDir)) {
      const folder = path.join(casesDir, name)
      // No namespaces excluded at the door: the check's own exemptions alone decide, as in assess.
      const config = parseConfig(
        {
          ...baseConfig,
          admission: { excludedNamespaces: [] },
          checks: { [id]: { params: caseParams(folder) } },
        },
        'trustctl.yaml',
      )
      const policy = celPolicies(checks, config).find((p) => p.check === id)
      if (policy === undefined) throw new Error(`no policy for ${id}`)
      for (const { file, text, objects } of caseObjects(folder)) {
        const findings = evaluateChecks(
          resolveCheckRuns(checks, new Set([id]), config),
          groupEvidence(parseManifests(text, file).evidence),
        )
        for (const object of objects) {
          const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string }
          const namespace = metadata.namespace ?? 'default'
          const ts = findings.find(
            (f: Finding) =>
              f.subject.kind === object.kind &&
              f.subject.name === metadata.name &&
              f.subject.namespace === namespace,
          )
          // Controller-owned Pods of a live dump are judged through their controller, not on their own.
          if (ts === undefined) continue
          const where = `${name}/${file}: ${String(object.kind)} ${namespace}/${metadata.name}`
          if (policy.exemptNamespaces.includes(namespace)) {
            // The binding's namespaceSelector leaves the object alone, as the check reports it not-applicable.
            expect(ts.status, where).toBe('not-applicable')
            continue
          }
          const cel = celVerdict(policy.expression, object) ? 'pass' : 'fail'
          expect(cel, `${where} (${ts.message})`).toBe(ts.status)
          verdicts.add(cel)
        }
      }
    }
    // Each check's cases exercise both verdicts, so the comparison is not vacuous.
    expect([...verdicts].sort()).toEqual(['fail', 'pass'])
  })
})

describe('trustctl admission policies', () => {
  it('renders a policy and a binding per check, acting by the severity mode of trustctl.yaml', () => {
    const config = parseConfig(
      {
        ...baseConfig,
        admission: { modes: { medium: 'audit' } },
        checks: { 'kubernetes/workload-binds-no-host-ports': { params: { allowedHostPorts: [9100] } } },
      },
      'trustctl.yaml',
    )
    const objects = admissionPolicyObjects(checks, config) as {
      kind: string
      metadata: { name: string }
      spec: { validationActions?: string[]; validations?: { expression: string }[] }
    }[]
    expect(objects).toHaveLength(celCheckIds.length * 2)
    const binding = (name: string) =>
      objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === name)
    expect(binding('trustctl-workload-is-not-privileged')?.spec.validationActions).toEqual(['Deny'])
    expect(binding('trustctl-workload-binds-no-host-ports')?.spec.validationActions).toEqual(['Audit'])
    const hostPorts = objects.find(
      (o) =>
        o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'trustctl-workload-binds-no-host-ports',
    )
    expect(hostPorts?.spec.validations?.[0]?.expression).toContain('in [9100]')
  })
})
