import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'
import { sha256 } from './ledger.js'
import { ed25519Signer, type Signer } from './ledger-manifest.js'
import { type PackageContents, packagePathSafe, verifyPackage } from './package-verify.js'

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const other = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

const files = { 'report.md': '# Report\n', 'controls.csv': '\uFEFFid,status\nCC6.1,pass\n' }

function contentsOf(entries: Record<string, string>): Map<string, { bytes: number; sha256: string }> {
  return new Map(
    Object.entries(entries).map(([path, text]) => [
      path,
      { bytes: Buffer.byteLength(text), sha256: sha256(Buffer.from(text)) },
    ]),
  )
}

/** A manifest signed the way `trustctl package` signs one. */
function manifestText(key: Signer = signer, extra: Record<string, unknown> = {}): string {
  const unsigned = {
    kind: 'trustctl-soc2-package',
    version: 1,
    organization: 'Acme',
    engagement: { type: 2, from: '2026-06-01', to: '2026-11-30' },
    files: [...contentsOf(files)].map(([path, f]) => ({ path, ...f, description: path })),
    ...extra,
  }
  const signature = {
    algorithm: 'Ed25519',
    signed: 'canonical JSON of this manifest without its signature',
    keyFingerprint: key.fingerprint,
    publicKey: key.publicKeyPem.trim(),
    value: key.sign(Buffer.from(canonicalJson(unsigned))),
  }
  return JSON.stringify({ ...unsigned, signature }, null, 2)
}

const typesOf = (text: string, contents: PackageContents, pinnedKey?: string) =>
  verifyPackage(text, contents, pinnedKey === undefined ? {} : { pinnedKey }).problems.map((p) => p.type)

describe('verifyPackage', () => {
  it('verifies an untouched package and hands back the signed manifest', () => {
    const report = verifyPackage(manifestText(), contentsOf(files), { pinnedKey: signer.fingerprint })
    expect(report).toMatchObject({ ok: true, files: 2, problems: [], keyFingerprint: signer.fingerprint })
    expect(report.manifest?.engagement).toMatchObject({ from: '2026-06-01' })
  })

  it('catches an edited file, a missing one and one added after signing', () => {
    expect(typesOf(manifestText(), contentsOf({ ...files, 'report.md': '# Report!\n' }))).toEqual([
      'file-changed',
    ])
    expect(typesOf(manifestText(), contentsOf({ 'report.md': files['report.md'] }))).toEqual(['file-missing'])
    expect(typesOf(manifestText(), contentsOf({ ...files, 'extra.pdf': 'x' }))).toEqual(['file-unlisted'])
  })

  it('catches an edited manifest: a period moved, a file hash replaced to match an edited file', () => {
    const moved = manifestText().replace('2026-06-01', '2025-06-01')
    const report = verifyPackage(moved, contentsOf(files))
    expect(report.problems.map((p) => p.type)).toEqual(['manifest-bad-signature'])
    expect(report.manifest).toBeUndefined()
    const edited = { ...files, 'report.md': '# Forged\n' }
    const rehashed = manifestText().replace(
      sha256(Buffer.from(files['report.md'])),
      sha256(Buffer.from(edited['report.md'])),
    )
    expect(typesOf(rehashed, contentsOf(edited))).toContain('manifest-bad-signature')
  })

  it('catches a package re-signed by another key only when a key is pinned', () => {
    expect(typesOf(manifestText(other), contentsOf(files))).toEqual([])
    expect(typesOf(manifestText(other), contentsOf(files), signer.fingerprint)).toEqual([
      'manifest-other-key',
    ])
  })

  it('refuses unreadable manifests and paths that leave the folder', () => {
    expect(typesOf('{not json', contentsOf(files))).toEqual(['manifest-unreadable'])
    expect(typesOf('{"kind":"other"}', contentsOf(files))).toEqual(['manifest-unreadable'])
    for (const bad of ['../etc/passwd', '/abs', 'a/../b', 'C:/x', 'a\\b', ''])
      expect(packagePathSafe(bad)).toBe(false)
    expect(packagePathSafe('oscal/ssp.json')).toBe(true)
  })
})
