import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { engineCodeHash, filesEngineHash } from '../../src/app/check-results.js'

// The engine's hash keys every cached check result: a run reuses a result only under the hash of the
// engine that made it. The CLI bundle carries the hash of the src/core it was built from (its own
// copy of that code) instead of hashing the compiled files at every start.

const root = path.resolve(import.meta.dirname, '..', '..')
const bundled = existsSync(path.join(root, 'dist', 'cli', 'chunks.json'))
// Without a build (and its bundle) there is nothing to compare: skipped locally, a failure in CI.
const skip = !bundled && process.env.CI === undefined

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-engine-hash-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The hash the bundle's built-engine-hash module returns, read from the chunk that holds it. */
function bundledHash(): string | undefined {
  const chunks = JSON.parse(readFileSync(path.join(root, 'dist', 'cli', 'chunks.json'), 'utf8')) as Record<
    string,
    string[]
  >
  const chunk = Object.entries(chunks).find(([, modules]) =>
    modules.includes('dist/src/app/built-engine-hash.js'),
  )?.[0]
  if (chunk === undefined) return undefined
  const text = readFileSync(path.join(root, 'dist', 'cli', chunk), 'utf8')
  return /function builtEngineHash\(\) \{\s*return "([0-9a-f]{64})";?\s*\}/.exec(text)?.[1]
}

/** filesEngineHash of a compiled core folder: the built check-results module hashes its sibling core/. */
async function compiledHash(dist: string): Promise<string | undefined> {
  const module = (await import(pathToFileURL(path.join(dist, 'src', 'app', 'check-results.js')).href)) as {
    filesEngineHash: () => string | undefined
  }
  return module.filesEngineHash()
}

describe('the engine hash', () => {
  it('is hashed from the files when not bundled (sources, a build without the bundle)', () => {
    expect(engineCodeHash()).toMatch(/^[0-9a-f]{64}$/)
    expect(engineCodeHash()).toBe(filesEngineHash())
  })

  it.skipIf(skip)('is, in the bundle, the hash of the compiled core the bundle was built from', async () => {
    const hash = bundledHash()
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).toBe(await compiledHash(path.join(root, 'dist')))
  })

  it.skipIf(skip)('changes with any module of the core, so a rebuilt engine keys new results', async () => {
    // A copy of the compiled tree with one core module changed: what the next build would hash.
    const dist = path.join(work, 'dist')
    cpSync(path.join(root, 'dist', 'src'), path.join(dist, 'src'), { recursive: true })
    cpSync(path.join(root, 'dist', 'checks'), path.join(dist, 'checks'), { recursive: true })
    cpSync(path.join(root, 'package.json'), path.join(work, 'package.json'))
    symlinkSync(realpathSync(path.join(root, 'node_modules')), path.join(work, 'node_modules'), 'dir')
    const before = await compiledHash(dist)
    const engine = path.join(dist, 'src', 'core', 'engine.js')
    writeFileSync(engine, `${readFileSync(engine, 'utf8')}\n// changed\n`)
    const after = await compiledHash(dist)
    expect(before).toBe(bundledHash())
    expect(after).not.toBe(before)
  })
})
