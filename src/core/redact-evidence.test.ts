import { describe, expect, it } from 'vitest'
import { collectionRedactor, redactEvidence, redactValue } from './redact-evidence.js'

// Planted fake credentials in the shapes real ones take (none is valid anywhere).
const awsKeyId = 'AKIAQ3EGRCNH7EXAMPL3'
const githubToken = `ghp_${'a1B2c3D4e5'.repeat(4)}`
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYz9q8Lr2Wt1'

describe('redactEvidence', () => {
  it('masks a credential shape in any string field, nested anywhere', () => {
    const item = {
      kind: 'k8s.workload',
      name: 'api',
      labels: { owner: awsKeyId, team: 'core' },
      tags: [{ key: 'deploy', value: `token ${githubToken}` }],
      replicas: 3,
    }
    const redacted = redactEvidence(item)
    expect(JSON.stringify(redacted)).not.toContain(awsKeyId)
    expect(JSON.stringify(redacted)).not.toContain(githubToken)
    expect(redacted.labels.team).toBe('core')
    expect(redacted.replicas).toBe(3)
  })

  it("masks a file's literal secrets wherever they reappear, even with no recognisable shape", () => {
    const item = { kind: 'container.dockerfile', run: [`echo ${awsSecret} > /root/.aws/credentials`] }
    expect(JSON.stringify(redactEvidence(item))).toContain(awsSecret)
    const redacted = redactEvidence(item, [awsSecret])
    expect(redacted.run[0]).toBe('echo [REDACTED] > /root/.aws/credentials')
  })

  it('leaves an item without secrets untouched, as the same object', () => {
    const item = { kind: 'k8s.service', name: 'web', ports: [{ port: 443, name: 'https' }] }
    expect(redactEvidence(item, ['short'])).toBe(item)
    expect(redactValue('plain')).toBe('plain')
  })

  it('does not mask short file secrets that are likely ordinary words', () => {
    expect(redactValue({ name: 'admin-panel' }, ['admin'])).toEqual({ name: 'admin-panel' })
  })
})

describe('collectionRedactor', () => {
  /** An item whose `name` counts how often the walk reads it. */
  function counted(name: string): { item: { kind: string; name: string }; reads: () => number } {
    let reads = 0
    const item = { kind: 'k8s.workload' } as { kind: string; name: string }
    Object.defineProperty(item, 'name', {
      enumerable: true,
      get: () => {
        reads += 1
        return name
      },
    })
    return { item, reads: () => reads }
  }

  it('walks an item it gave back unchanged only once for the same list of secrets', () => {
    const redact = collectionRedactor()
    const secrets = ['a-literal-secret-1']
    const clean = counted('api')
    expect(redact(clean.item, secrets)).toBe(clean.item)
    expect(redact(clean.item, secrets)).toBe(clean.item)
    expect(clean.reads()).toBe(1)
    // Without secrets (the default list) it is remembered too, apart from the list above.
    expect(redact(clean.item)).toBe(clean.item)
    expect(redact(clean.item)).toBe(clean.item)
    expect(clean.reads()).toBe(2)
    // Another list (even an equal one) is walked again: only the same list proves the same outcome.
    expect(redact(clean.item, [...secrets])).toBe(clean.item)
    expect(clean.reads()).toBe(3)
    // A new redactor remembers nothing.
    expect(collectionRedactor()(clean.item, secrets)).toBe(clean.item)
    expect(clean.reads()).toBe(4)
  })

  it('masks an item it changed every time it is given it', () => {
    const redact = collectionRedactor()
    const leaky = counted(`deploy ${githubToken}`)
    const first = redact(leaky.item)
    const readsOnce = leaky.reads()
    expect(JSON.stringify(first)).not.toContain(githubToken)
    expect(JSON.stringify(redact(leaky.item))).toBe(JSON.stringify(first))
    expect(leaky.reads()).toBe(2 * readsOnce)
    const literal = { kind: 'k8s.workload', name: 'uses a-literal-secret-1 here' }
    const secrets = ['a-literal-secret-1']
    expect(redact(literal, secrets).name).toBe('uses [REDACTED] here')
    expect(redact(literal, secrets).name).toBe('uses [REDACTED] here')
  })
})
