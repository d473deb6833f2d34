import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PoolProofs, provedInPool } from './whole-run.js'

// A repeated run hands on the model and findings it read only once each blob is proved to hash to the
// content hash the signed run lists. The proofs run in the thread pool, one after another: every one
// must count, whichever blob was altered.

const hashOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const blob = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('proofs in the thread pool', () => {
  it('proves bytes against their SHA-256 and refuses any other hash', async () => {
    const bytes = blob('[{"status":"pass"}]')
    expect(await provedInPool(bytes, hashOf(bytes))).toBe(true)
    expect(await provedInPool(blob('[{"status":"fail"}]'), hashOf(bytes))).toBe(false)
    expect(await provedInPool(bytes, hashOf(bytes).toUpperCase())).toBe(false)
    expect(await provedInPool(bytes, '')).toBe(false)
  })

  it('is proved only when every blob added is, wherever the altered one is', async () => {
    const parts = ['model', 'findings 0', 'findings 1', 'findings 2'].map(blob)
    const all = new PoolProofs()
    for (const part of parts) all.add(part, hashOf(part))
    expect(await all.all()).toBe(true)
    for (const altered of parts.keys()) {
      const proofs = new PoolProofs()
      parts.forEach((part, i) => {
        proofs.add(i === altered ? blob(`${new TextDecoder().decode(part)}!`) : part, hashOf(part))
      })
      expect(await proofs.all(), `blob ${altered} altered`).toBe(false)
    }
  })

  it('proves nothing added as proved (a run with no findings parts)', async () => {
    expect(await new PoolProofs().all()).toBe(true)
  })
})
