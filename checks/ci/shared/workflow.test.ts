import { describe, expect, it } from 'vitest'
import { parseUses } from './workflow.js'

describe('parseUses', () => {
  it('reads owner, action and ref', () => {
    expect(parseUses('github/codeql-action/init@v3')).toEqual({
      kind: 'remote',
      raw: 'github/codeql-action/init@v3',
      owner: 'github',
      action: 'github/codeql-action/init',
      ref: 'v3',
    })
  })

  it('tells local and docker references apart', () => {
    expect(parseUses('./.github/actions/setup').kind).toBe('local')
    expect(parseUses('docker://alpine:3.20')).toEqual({
      kind: 'docker',
      raw: 'docker://alpine:3.20',
      pinned: false,
    })
    expect(parseUses(`docker://alpine@sha256:${'a'.repeat(64)}`)).toMatchObject({
      kind: 'docker',
      pinned: true,
    })
  })

  it('keeps a missing ref undefined', () => {
    expect(parseUses('acme/deploy-action')).toMatchObject({ kind: 'remote', owner: 'acme' })
    expect(parseUses('acme/deploy-action')).not.toHaveProperty('ref')
  })
})
