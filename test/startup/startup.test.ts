import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandBundleChunks } from './bundle-chunks.js'

// These run bin/trustctl.js, which runs dist/: `npm run build` first.
const repo = path.resolve(import.meta.dirname, '..', '..')
const bin = path.join(repo, 'bin', 'trustctl.js')
const hook = path.join(import.meta.dirname, 'module-trace.mjs')

/** Libraries no command that only prints should load: each costs tenths of a second to start. */
const heavy = [
  '@aws-sdk/',
  '@kubernetes/client-node',
  'fastify',
  'pdfmake',
  'exceljs',
  'better-sqlite3',
  'pg',
  'pg-boss',
  '@cdktf/hcl2json',
  'mvdan-sh',
  'ajv',
]

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-startup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Runs the built CLI and returns the packages of every module it loaded through the ES loader. */
function loadedPackages(name: string, ...argv: string[]): Set<string> {
  return loadedPackagesIn(work, name, argv)
}

function loadedPackagesIn(cwd: string, name: string, argv: readonly string[], okCodes = [0]): Set<string> {
  const trace = path.join(work, `${name}.trace`)
  try {
    execFileSync(process.execPath, ['--import', hook, bin, ...argv], {
      cwd,
      env: {
        ...process.env,
        TRUSTCTL_MODULE_TRACE: trace,
        TRUSTCTL_SIGNING_KEY: path.join(work, 'signing.pem'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    // assess exits 1 or 3 on findings or partial input: still a run whose modules count.
    if (!okCodes.includes((error as { status?: number }).status ?? -1)) throw error
  }
  // A chunk of the CLI bundle stands for the packages the bundler put in it.
  const packages = expandBundleChunks(repo, readFileSync(trace, 'utf8').split('\n'))
    .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter((p): p is string => p !== undefined)
  return new Set(packages)
}

const heavyIn = (packages: Set<string>): string[] =>
  [...packages].filter((p) => heavy.some((h) => (h.endsWith('/') ? p.startsWith(h) : p === h)))

describe('start-up', () => {
  it('loads no heavy library for --version or --help', () => {
    const version = loadedPackages('version', '--version')
    const help = loadedPackages('help', '--help')
    // The trace is real: the argument parser itself shows up in it.
    expect(version).toContain('commander')
    expect(heavyIn(version)).toEqual([])
    expect(heavyIn(help)).toEqual([])
  })

  it('loads no heavy library for the help of a command whose work needs one', () => {
    expect(heavyIn(loadedPackages('package-help', 'package', '--help'))).toEqual([])
    expect(heavyIn(loadedPackages('serve-help', 'serve', '--help'))).toEqual([])
  })

  it('still loads a library when the command uses it (the trace would show it)', () => {
    // explain (outside any repository: from the catalog alone) reads the checks, which are zod
    // schemas: proof the trace sees the modules a command imports when it runs.
    expect(loadedPackages('explain', 'explain', 'CC6.1')).toContain('zod')
  })

  it('assesses a repository of manifests without the cloud, cluster, server or document libraries', () => {
    const repo = path.join(work, 'repo')
    mkdirSync(path.join(repo, 'deploy'), { recursive: true })
    writeFileSync(
      path.join(repo, 'deploy', 'api.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api, namespace: shop }\nspec:\n  template:\n    spec:\n      containers: [{ name: api, image: example/api:1 }]\n',
    )
    execFileSync(
      process.execPath,
      [bin, 'init', '--organization', 'Co', '--system', 'Shop', '--source', 'deploy', '--no-input'],
      {
        cwd: repo,
      },
    )
    const assess = loadedPackagesIn(repo, 'assess', ['assess'], [0, 1, 3])
    // The run is real: the store's driver and the YAML parser were loaded.
    expect(assess).toContain('better-sqlite3')
    expect(heavyIn(assess).filter((p) => p !== 'better-sqlite3')).toEqual([])
    const report = loadedPackagesIn(repo, 'report', ['report', '--format', 'json', '--out', 'out'], [0, 1, 3])
    expect(heavyIn(report).filter((p) => p !== 'better-sqlite3')).toEqual([])
  })
})
