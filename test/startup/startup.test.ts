import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

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
  'piscina',
  '@cdktf/hcl2json',
  'mvdan-sh',
  'ajv',
]

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-startup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Runs the built CLI and returns the packages of every module it loaded through the ES loader. */
function loadedPackages(name: string, ...argv: string[]): Set<string> {
  const trace = path.join(work, `${name}.trace`)
  execFileSync(process.execPath, ['--import', hook, bin, ...argv], {
    cwd: work,
    env: { ...process.env, TRUSTCTL_MODULE_TRACE: trace },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const packages = readFileSync(trace, 'utf8')
    .split('\n')
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
})
