import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { pinKey } from './ledger-trust.js'
import { loadConfig } from './load-config.js'

// A first run pins its key without the `yaml` package when js-yaml reads the file the same way: any
// use of the package here fails the pinning.
vi.mock('yaml', () => ({
  parseDocument: () => {
    throw new Error('the yaml package was used')
  },
}))

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-pin-key-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const plain = `version: 1
organization: Pin Co # a comment kept as written
system: { name: Pin, description: Pinning test. }
scope: { categories: [security], asOf: 2026-11-30 }
`
const fingerprint = 'ab'.repeat(32)

describe('pinning the ledger key on a first run', () => {
  it('appends the ledger section to a plain trustctl.yaml, read without the yaml package', async () => {
    const file = path.join(dir, 'trustctl.yaml')
    writeFileSync(file, plain)
    await pinKey(file, fingerprint)
    const pinned = readFileSync(file, 'utf8')
    expect(pinned.startsWith(plain)).toBe(true)
    expect(pinned.slice(plain.length)).toContain(`ledger:\n  key: sha256:${fingerprint}\n`)
    expect((await loadConfig(file, dir)).config.ledger.key).toBe(`sha256:${fingerprint}`)
  })

  it('reads a file js-yaml would read differently (a tag) with the yaml package', async () => {
    const file = path.join(dir, 'tagged.yaml')
    writeFileSync(file, `${plain}notes: !custom value\n`)
    await expect(pinKey(file, fingerprint)).rejects.toThrow('the yaml package was used')
  })
})
