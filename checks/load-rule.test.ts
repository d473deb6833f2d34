import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadRule } from './load-checks.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-rule-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const header = `id: aws/sample-rule
title: Clusters encrypt their storage
description: Storage that is not encrypted leaves snapshots readable.
remediation: Set storage_encrypted.
severity: high
controls: [data-protection.data-encrypted-at-rest]
resource: aws_rds_cluster
`

async function load(text: string): Promise<string> {
  const file = path.join(dir, 'rule.yaml')
  writeFileSync(file, text)
  try {
    await loadRule('aws/sample-rule', file)
    return 'loaded'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

describe('loading a rule.yaml', () => {
  it('compiles a valid rule', async () => {
    expect(await load(`${header}assert: { attribute: storage_encrypted, equals: true }\n`)).toBe('loaded')
  })

  it('names the file and the key path of a mistake deep in the condition tree', async () => {
    const message = await load(
      `${header}assert:\n  all:\n    - { attribute: a, equals: 1 }\n    - { attribute: b, matches: "(" }\n`,
    )
    expect(message).toContain('checks/aws/sample-rule/rule.yaml: assert.all[1].matches')
    expect(message).toContain('not a valid regular expression')
  })

  it('names a missing field, an unknown operator and invalid YAML', async () => {
    expect(await load(header)).toContain('rule.yaml: assert:')
    expect(await load(`${header}assert: { attribute: a, equalz: 1 }\n`)).toMatch(/rule\.yaml: assert.*equalz/)
    expect(await load(`${header}assert: [unclosed\n`)).toMatch(/rule\.yaml:\d+: invalid YAML/)
  })

  it('refuses an id that is not the folder path', async () => {
    expect(
      await load(`${header.replace('aws/sample-rule', 'aws/other')}assert: { attribute: a, exists: true }\n`),
    ).toContain("must equal the folder path 'aws/sample-rule'")
  })
})
