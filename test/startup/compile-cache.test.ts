import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// bin/trustctl.js keeps V8's compiled code in the user's own cache folder on Node 22.1+ (Node 20 has
// no such cache: nothing to test there). Never Node's default in the shared temporary folder, and
// never a folder relative to where the command runs.

const root = path.resolve(import.meta.dirname, '..', '..')
const bin = path.join(root, 'bin', 'trustctl.js')
const hasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function'
const built = existsSync(path.join(root, 'dist', 'cli', 'trustctl.js'))

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-compile-cache-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** `trustctl --version` from `cwd` with only the given variables for the cache's location. */
function version(cwd: string, env: Record<string, string>): void {
  const {
    NODE_COMPILE_CACHE: _cache,
    NODE_DISABLE_COMPILE_CACHE: _disable,
    XDG_CACHE_HOME: _xdg,
    ...rest
  } = process.env
  execFileSync(process.execPath, [bin, '--version'], { cwd, env: { ...rest, ...env }, stdio: 'ignore' })
}

describe.skipIf(!hasCache || (!built && process.env.CI === undefined))('the compiled-code cache', () => {
  it('is written under XDG_CACHE_HOME/trustctl', () => {
    const xdg = path.join(work, 'xdg')
    version(work, { XDG_CACHE_HOME: xdg })
    expect(readdirSync(path.join(xdg, 'trustctl', 'node-compile-cache')).length).toBeGreaterThan(0)
  })

  it('is not written at all without a home folder, and never into the working folder', () => {
    const cwd = path.join(work, 'repo')
    mkdirSync(cwd)
    version(cwd, { HOME: '', XDG_CACHE_HOME: 'relative' })
    expect(readdirSync(cwd)).toEqual([])
  })
})
