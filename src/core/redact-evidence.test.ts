import { describe, expect, it } from 'vitest'
import { redactEvidence, redactValue } from './redact-evidence.js'

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
