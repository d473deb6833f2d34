import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// The CLI bundle holds a copy of every check module the build's manifest describes. That copy may run
// only while the check's file is the one the manifest hashed: a check edited after the build must run
// as edited (imported from its file), never as the bundle's older copy.

const root = path.resolve(import.meta.dirname, '..', '..')
const bundled = existsSync(path.join(root, 'dist', 'cli', 'trustctl.js'))
// Without a build (and its bundle) there is nothing to test: skipped locally, a failure in CI.
const skip = !bundled && process.env.CI === undefined

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-bundle-checks-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const check = path.join('dist', 'checks', 'kubernetes', 'workload-is-not-privileged', 'check.js')
const title = 'Workloads run no privileged containers'
const edited = `${title}, as edited after the build`

/** A copy of the built package (bin, dist, catalog) using this checkout's node_modules. */
function copyPackage(into: string): void {
  for (const part of ['bin', 'dist', 'catalog', 'package.json'])
    cpSync(path.join(root, part), path.join(into, part), { recursive: true })
  symlinkSync(realpathSync(path.join(root, 'node_modules')), path.join(into, 'node_modules'), 'dir')
}

/** `assess --fail-on critical` of a privileged Deployment with the package at `pkg`: its stderr. */
function gateOutput(pkg: string, name: string): string {
  const repo = path.join(work, name)
  mkdirSync(path.join(repo, 'k8s'), { recursive: true })
  writeFileSync(
    path.join(repo, 'k8s', 'web.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  template:\n    spec:\n      containers: [{ name: web, image: ghcr.io/acme/web:1.4.2, securityContext: { privileged: true } }]\n',
  )
  const bin = path.join(pkg, 'bin', 'trustctl.js')
  const env = { ...process.env, TRUSTCTL_SIGNING_KEY: path.join(work, `${name}.pem`), NO_COLOR: '1' }
  execFileSync(
    process.execPath,
    [bin, 'init', '--no-input', '--organization', 'Co', '--system', 'Web', '--source', 'k8s'],
    { cwd: repo, env, stdio: 'ignore' },
  )
  try {
    execFileSync(process.execPath, [bin, 'assess', '--fail-on', 'critical'], {
      cwd: repo,
      env,
      stdio: 'pipe',
    })
  } catch (error) {
    const failed = error as { status?: number; stderr?: Buffer }
    // Exit 1: the privileged container failed the gate, which is what this needs.
    if (failed.status === 1) return String(failed.stderr)
    throw error
  }
  throw new Error('assess passed a privileged container')
}

describe.skipIf(skip)('checks in the CLI bundle', () => {
  it('runs a check edited after the build from its file, not from the bundle', () => {
    const pkg = path.join(work, 'package')
    copyPackage(pkg)
    const file = path.join(pkg, check)
    const text = readFileSync(file, 'utf8')
    // The edit is real: the built check names its title as this test expects.
    expect(text).toContain(`'${title}'`)
    expect(gateOutput(pkg, 'as-built')).toContain(`— ${title}\n`)
    writeFileSync(file, text.replace(`'${title}'`, `'${edited}'`))
    expect(gateOutput(pkg, 'edited')).toContain(`— ${edited}\n`)
  }, 180_000)
})
