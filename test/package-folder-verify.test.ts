import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyPackageFolder } from '../src/app/verify.js'
import { canonicalJson } from '../src/core/canonical-json.js'
import { sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'

/**
 * `trustctl verify --package` reads a folder of many files (one per piece of evidence and report):
 * whatever the way it reads them, an edited, a missing and an added file are each named.
 */

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-package-folder-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A package folder of `count` files in nested folders, with a manifest signed as `trustctl package` signs one. */
function packageFolder(name: string, count: number): string {
  const dir = path.join(work, name)
  const files: { path: string; bytes: number; sha256: string; description: string }[] = []
  for (let i = 0; i < count; i++) {
    const rel = `evidence/d${i % 7}/item-${i}.json`
    const text = `{"item":${i}}\n`
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), text)
    files.push({ path: rel, bytes: Buffer.byteLength(text), sha256: sha256(text), description: rel })
  }
  const unsigned = {
    kind: 'trustctl-soc2-package',
    version: 1,
    organization: 'Acme',
    engagement: { type: 1, asOf: '2026-12-06' },
    files,
  }
  const signature = {
    algorithm: 'Ed25519',
    signed: 'canonical JSON of this manifest without its signature',
    keyFingerprint: signer.fingerprint,
    publicKey: signer.publicKeyPem.trim(),
    value: signer.sign(Buffer.from(canonicalJson(unsigned))),
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...unsigned, signature }, null, 2))
  return dir
}

describe('verify --package over a folder of many files', () => {
  it('verifies an untouched folder', async () => {
    const dir = packageFolder('clean', 300)
    const report = await verifyPackageFolder(dir, [signer.fingerprint])
    expect(report).toMatchObject({ ok: true, files: 300, problems: [] })
  })

  it('names the edited, the missing and the added file', async () => {
    const dir = packageFolder('tampered', 300)
    writeFileSync(path.join(dir, 'evidence/d3/item-10.json'), '{"item":10,"edited":true}\n')
    rmSync(path.join(dir, 'evidence/d5/item-250.json'))
    writeFileSync(path.join(dir, 'evidence/d0/planted.json'), '{"planted":true}\n')
    const report = await verifyPackageFolder(dir, [signer.fingerprint])
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => [p.type, p.file]).sort()).toEqual([
      ['file-changed', 'evidence/d3/item-10.json'],
      ['file-missing', 'evidence/d5/item-250.json'],
      ['file-unlisted', 'evidence/d0/planted.json'],
    ])
  })
})
