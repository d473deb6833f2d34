import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import type { ScanJob } from '../../src/collectors/secrets/scan-files.js'
import type { ShareAnswer } from '../../src/collectors/secrets/scan-worker.js'

// The CLI bundle runs the secrets scan's worker from one script built beside it (dist/cli/scan-worker.cjs,
// scripts/bundle-cli.mjs): that script must answer a share exactly as the compiled worker does.

const root = path.resolve(import.meta.dirname, '..', '..')
const bundleDir = path.join(root, 'dist', 'cli')
const script = path.join(bundleDir, 'scan-worker.cjs')
const compiled = path.join(root, 'dist', 'src', 'collectors', 'secrets', 'scan-worker.js')
// Without a build (and its bundle) there is nothing to test: skipped locally, a failure in CI.
const skip = !existsSync(path.join(bundleDir, 'trustctl.js')) && process.env.CI === undefined

const tree = mkdtempSync(path.join(os.tmpdir(), 'trustctl-scan-worker-bundle-'))
afterAll(() => rmSync(tree, { recursive: true, force: true }))

/** The answer of a worker started from `file` to one share of `job`. */
async function answer(file: string, job: ScanJob): Promise<ShareAnswer> {
  const worker = new Worker(file)
  try {
    return await new Promise<ShareAnswer>((resolve, reject) => {
      worker.on('error', reject)
      worker.on('message', (message: ShareAnswer) => {
        if ('ready' in message) worker.postMessage({ id: 7, job })
        else resolve(message)
      })
    })
  } finally {
    await worker.terminate()
  }
}

describe.skipIf(skip)('the bundled secrets worker', () => {
  it('is built beside the CLI bundle, and the bundle names it', () => {
    expect(existsSync(script)).toBe(true)
    const chunks = JSON.parse(readFileSync(path.join(bundleDir, 'chunks.json'), 'utf8')) as Record<
      string,
      string[]
    >
    const pool = Object.entries(chunks).find(([, modules]) =>
      modules.includes('dist/src/collectors/secrets/scan-pool.js'),
    )
    expect(pool).toBeDefined()
    expect(readFileSync(path.join(bundleDir, pool?.[0] ?? ''), 'utf8')).toContain('scan-worker.cjs')
  })

  it('answers a share as the compiled worker does: the same findings, allowances and hashes', async () => {
    // Fake credentials are assembled at run time so this file itself holds none a scanner would flag.
    mkdirSync(path.join(tree, 'app'), { recursive: true })
    writeFileSync(path.join(tree, 'app', 'a.env'), `GITHUB_TOKEN=${'ghp_'}${'Ab1'.repeat(12)}\n`)
    writeFileSync(
      path.join(tree, 'app', 'b.ts'),
      `const url = "${'postgres'}://app:${'Zq9'.repeat(6)}@db.internal:5432/app"\nconst ok = 1\n`,
    )
    writeFileSync(path.join(tree, 'fixture.env'), `STRIPE_SECRET_KEY=${'sk_live_'}${'Kp4'.repeat(8)}\n`)
    writeFileSync(path.join(tree, 'image.png'), Buffer.from([0x89, 0x50, 0, 1, 2, 3]))
    const job: ScanJob = {
      root: tree,
      files: ['app/a.env', 'app/b.ts', 'fixture.env', 'image.png'],
      salt: 'bundle-salt',
      allow: [{ path: 'fixture.env', reason: 'test fixture' }],
      where: 'sources[0]',
      hash: true,
    }
    const bundled = await answer(script, job)
    expect(bundled).toEqual(await answer(compiled, job))
    const files = 'files' in bundled ? (bundled.files ?? []) : []
    expect(files.map((f) => f.found.length)).toEqual([1, 1, 1, 0])
    expect(files[2]?.found[0]?.allowed).toBeDefined()
    // Nothing of a value leaves the worker but its redacted preview and salted fingerprint.
    expect(JSON.stringify(bundled)).not.toContain('Ab1Ab1Ab1')
  })
})
