import { describe, expect, it } from 'vitest'
import type { K8sWorkload } from '../../core/evidence-kubernetes.js'
import { parseManifests } from './parse-manifests.js'
import { sharedIfEmpty, sharedString } from './read-object.js'

const deployment = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: team-a }
spec:
  template:
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0
`

describe('values a manifest repeats', () => {
  it('are the values read, short or long, however many distinct ones pass', () => {
    const long = `${'x'.repeat(100)}/image:1.0`
    expect(sharedString('team-a')).toBe('team-a')
    expect(sharedString(long)).toBe(long)
    // Past the table's bound it is emptied and filled again: every value still reads back as itself.
    for (let i = 0; i < 70_000; i++) expect(sharedString(`svc-${i}`)).toBe(`svc-${i}`)
    expect(sharedString('')).toBe('')
  })

  it('share one frozen empty list and map, and keep every list that has items', () => {
    const list = ['ALL']
    expect(sharedIfEmpty(list)).toBe(list)
    expect(sharedIfEmpty([])).toBe(sharedIfEmpty([]))
    expect(Object.isFrozen(sharedIfEmpty([]))).toBe(true)
    const map = { a: 'b' }
    expect(sharedIfEmpty(map)).toBe(map)
    expect(sharedIfEmpty({})).toBe(sharedIfEmpty({}))
    expect(Object.isFrozen(sharedIfEmpty({}))).toBe(true)
  })

  it('leave the evidence as it reads, its empty fields shared between items', () => {
    const { evidence } = parseManifests(`${deployment('api')}---\n${deployment('web')}`, 'deploy/app.yaml')
    const [api, web] = evidence as [K8sWorkload, K8sWorkload]
    expect(api.volumes).toEqual([])
    expect(api.volumes).toBe(web.volumes)
    expect(api.labels).toEqual({})
    expect(api.labels).toBe(web.labels)
    expect(api.containers[0]?.capabilities.add).toBe(web.containers[0]?.capabilities.drop)
    expect(api.containers[0]?.image).toBe('registry.example.com/api:1.0')
    expect(JSON.parse(JSON.stringify(web))).toEqual({ ...web })
  })
})

describe('lists read as they are written', () => {
  it('name the entry that is not a mapping, after entries that are', () => {
    const { evidence, errors } = parseManifests(
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: team-a }
spec:
  template:
    spec:
      containers:
        - { name: api, image: registry.example.com/api:1.0 }
        - oops
`,
      'deploy/api.yaml',
    )
    expect(evidence).toEqual([])
    expect(errors.map((e) => e.message)).toEqual([
      'Deployment api: spec.template.spec.containers[1]: expected a mapping, found a string',
    ])
    // Left out of the evidence, the object leaves the Kubernetes tests incomplete, never passing without it.
    expect(errors[0]?.kinds).toContain('k8s.workload')
  })

  it('keep a workload in the shape and key order it always had', () => {
    const { evidence } = parseManifests(deployment('api'), 'deploy/app.yaml')
    const [api] = evidence as [K8sWorkload]
    expect(Object.keys(api).slice(0, 8)).toEqual([
      'kind',
      'resourceKind',
      'name',
      'file',
      'line',
      'namespace',
      'labels',
      'podLabels',
    ])
    expect(api.containers.map((c) => [c.name, c.init])).toEqual([['api', false]])
  })
})
