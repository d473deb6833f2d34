import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { Check } from '../src/core/check.js'
import { type CheckManifest, checkCodeHash, codeHash, isDeferred, loadChecks } from './load-checks.js'

// A bundle that holds one check of the manifest and lacks another, as a bundle left from an earlier
// build could: the check it holds runs on the bundle's engine, the other would not.
vi.mock('./bundled-checks.js', () => ({
  bundledCheckModules: {
    'container/final-stage-runs-as-non-root': () =>
      import('./container/final-stage-runs-as-non-root/check.js'),
  },
}))

const inBundle = 'container/final-stage-runs-as-non-root'
const notInBundle = 'kubernetes/workload-is-not-privileged'

/** The manifest entry the build would write for `folder`: its code's hash and its metadata. */
async function entryOf(folder: string): Promise<CheckManifest['checks'][string]> {
  const file = path.join(import.meta.dirname, folder, 'check.ts')
  const { default: check } = (await import(file)) as { default: Check }
  const { evaluate: _code, params: _params, ...metadata } = check
  return { sha256: await codeHash(file), metadata }
}

describe('checks in a CLI bundle', () => {
  it('defers a check the bundle holds, and imports without a code hash one it lacks (never reused)', async () => {
    const manifest: CheckManifest = {
      version: 1,
      checks: { [inBundle]: await entryOf(inBundle), [notInBundle]: await entryOf(notInBundle) },
    }
    const checks = await loadChecks(undefined, { defer: true, manifest })
    const held = checks.find((c) => c.id === inBundle)
    const lacked = checks.find((c) => c.id === notInBundle)
    expect(held !== undefined && isDeferred(held)).toBe(true)
    expect(held === undefined ? undefined : checkCodeHash(held)).toBe(
      `check:${manifest.checks[inBundle]?.sha256}`,
    )
    expect(lacked !== undefined && isDeferred(lacked)).toBe(false)
    expect(lacked === undefined ? 'missing' : checkCodeHash(lacked)).toBeUndefined()
  }, 120_000)
})
