import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandBundleChunks } from './startup/bundle-chunks.js'

// What a small repository's commands load, seen from a child process running the built CLI: a team's
// first `assess` must not pay for the server, the cloud SDKs, the PDF and spreadsheet writers, or
// the readers and checks of sources it does not have.

const root = path.resolve(import.meta.dirname, '..')
const bin = path.join(root, 'bin', 'trustctl.js')
const built = existsSync(path.join(root, 'dist', 'checks', 'checks-manifest.json'))
// From sources without a build the CLI cannot start: skipped locally, a failure in CI.
const skipUnbuilt = !built && process.env.CI === undefined

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-startup-modules-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const repo = path.join(dir, 'repo')
const log = path.join(dir, 'modules.log')

/**
 * A loader hook (it runs off the main thread) that appends every module the child loads, ES module
 * or CommonJS entry, to the log; and a preload that registers it and, at exit, adds the CommonJS
 * modules required from inside packages (which the hook does not see).
 */
function writeHooks(): string {
  const hooks = path.join(dir, 'hooks.mjs')
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n')
  return next(url, context)
}
`,
  )
  const preload = path.join(dir, 'preload.mjs')
  writeFileSync(
    preload,
    `import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
register(${JSON.stringify(pathToFileURL(hooks).href)})
const cache = createRequire(import.meta.url).cache
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'))
`,
  )
  return preload
}

const bundleDir = path.join(root, 'dist', 'cli')
const bundleUrl = pathToFileURL(bundleDir).href

/** Runs the built CLI in the repository; exit codes 1 and 3 are findings, not a failure here. */
function loadedFiles(preload: string, ...argv: string[]): string[] {
  return loadedFilesIn(repo, preload, ...argv)
}

/** loadedFiles in another repository. */
function loadedFilesIn(cwd: string, preload: string, ...argv: string[]): string[] {
  rmSync(log, { force: true })
  try {
    execFileSync(process.execPath, ['--import', pathToFileURL(preload).href, bin, ...argv], {
      cwd,
      stdio: 'ignore',
    })
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status !== 1 && status !== 3) throw error
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

/** The modules a command loaded, each bundle chunk expanded into the modules it holds. */
const loadedBy = (preload: string, ...argv: string[]): string[] =>
  expandBundleChunks(root, loadedFiles(preload, ...argv))

/** The packages and trustctl folders a small repository's assess has no use for. */
const unwanted = [
  /node_modules\/(fastify|@fastify|@aws-sdk|pdfmake|exceljs|@kubernetes|pg|pg-boss)\//,
  /\/src\/server\//,
  // The package writer (app/rendering.ts once re-exported it beside the summary's labels).
  /\/src\/reports\/package\//,
  /\/src\/collectors\/(aws|people|logs|scanners|github|git-history|kubernetes-live)\//,
  /\/checks\/(aws|azure|gcp|people|logs|scan|git|github|terraform|ci)\//,
  // Git's child process and line reader serve a secrets scan of the history, threads a large tree.
  /\/src\/collectors\/secrets\/scan-history\.js$/,
  /^node:(child_process|readline|worker_threads)$/,
]

let preload = ''
beforeAll(() => {
  if (skipUnbuilt) return
  mkdirSync(path.join(repo, 'deploy'), { recursive: true })
  writeFileSync(
    path.join(repo, 'deploy', 'web.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: 'nginx:latest' }]
`,
  )
  writeFileSync(path.join(repo, 'Dockerfile'), 'FROM nginx:latest\nCOPY . /usr/share/nginx/html\n')
  execFileSync(process.execPath, [
    bin,
    'init',
    '--no-input',
    '--dir',
    repo,
    '--organization',
    'Small Co',
    '--system',
    'Web',
    '--source',
    'deploy',
    '--source',
    'Dockerfile',
  ])
  preload = writeHooks()
}, 60_000)

describe.skipIf(skipUnbuilt)('start-up of a small repository', () => {
  for (const command of ['assess', 'gaps']) {
    it(`${command} loads only what a repository with manifests and a Dockerfile uses`, () => {
      const modules = loadedBy(preload, command)
      // The log is not empty by accident: the checks for its evidence ran.
      expect(modules.some((m) => m.includes('/checks/kubernetes/workload-runs-as-non-root/'))).toBe(true)
      expect(modules.some((m) => m.includes('/checks/container/final-stage-runs-as-non-root/'))).toBe(true)
      expect(modules.some((m) => m.includes('/src/collectors/secrets/'))).toBe(true)
      for (const pattern of unwanted) expect(modules.filter((m) => pattern.test(m))).toEqual([])
    }, 120_000)
  }

  it.skipIf(!existsSync(path.join(bundleDir, 'trustctl.js')))(
    "assess runs from the bundle: its checks share the bundle's zod and core, none loaded a second time",
    () => {
      const files = loadedFiles(preload, 'assess')
      expect(files).toContain(`${bundleUrl}/trustctl.js`)
      // Deferred checks come from the bundle's chunks, not from dist/checks (which would import the
      // compiled core and the zod package beside the bundle's own copies).
      expect(files.filter((f) => /\/dist\/(checks|src)\/|node_modules\/zod\//.test(f))).toEqual([])
    },
    120_000,
  )

  it.skipIf(!existsSync(path.join(bundleDir, 'trustctl.js')))(
    'assess loads what it always runs from two chunks: verify loads the ledger one only, --version neither',
    () => {
      const chunks = JSON.parse(readFileSync(path.join(bundleDir, 'chunks.json'), 'utf8')) as Record<
        string,
        string[]
      >
      const chunkOf = (module: string) => Object.keys(chunks).find((name) => chunks[name]?.includes(module))
      const evaluation = chunkOf('dist/src/app/run-assessment.js')
      const ledger = chunkOf('dist/src/store/ledger-operations.js')
      for (const module of ['cli/commands/assess.js', 'core/engine.js', 'catalog/load-catalog.js'])
        expect(chunkOf(`dist/src/${module}`)).toBe(evaluation)
      expect(chunkOf('dist/src/core/canonical-json.js')).toBe(ledger)
      expect(evaluation).not.toBe(ledger)
      const [evaluationUrl, ledgerUrl] = [`${bundleUrl}/${evaluation}`, `${bundleUrl}/${ledger}`]
      expect(loadedFiles(preload, 'assess')).toEqual(expect.arrayContaining([evaluationUrl, ledgerUrl]))
      const verify = loadedFiles(preload, 'verify')
      expect(verify).toContain(ledgerUrl)
      expect(verify).not.toContain(evaluationUrl)
      const version = loadedFiles(preload, '--version')
      expect(version.filter((url) => url === evaluationUrl || url === ledgerUrl)).toEqual([])
    },
    120_000,
  )

  it('an assess that repeats the latest run whole (nothing changed) loads none of the file parsers', () => {
    // Manifests alone: a repository with a Dockerfile is never repeated whole (a COPY reads files
    // outside the walk).
    const manifests = path.join(dir, 'manifests')
    mkdirSync(path.join(manifests, 'deploy'), { recursive: true })
    writeFileSync(
      path.join(manifests, 'deploy', 'web.yaml'),
      readFileSync(path.join(repo, 'deploy', 'web.yaml')),
    )
    execFileSync(process.execPath, [
      bin,
      ...['init', '--no-input', '--dir', manifests, '--organization', 'Small Co', '--system', 'Web'],
      ...['--source', 'deploy'],
    ])
    const parsers =
      /\/src\/collectors\/(files\/parse-file|kubernetes\/parse-manifests|terraform\/read-cloudformation|dockerfile\/parse-dockerfile|github-actions\/parse-workflow)\.js$/
    const first = expandBundleChunks(root, loadedFilesIn(manifests, preload, 'assess'))
    // The first run parses its manifest: the pattern does match what a parsing run loads.
    expect(first.filter((m) => parsers.test(m)).length).toBeGreaterThan(0)
    const again = expandBundleChunks(root, loadedFilesIn(manifests, preload, 'assess'))
    expect(again.some((m) => m.includes('/src/collectors/files/collect-files.js'))).toBe(true)
    expect(again.filter((m) => parsers.test(m))).toEqual([])
  }, 120_000)

  it('--version loads no command, check or collector', () => {
    const modules = loadedBy(preload, '--version')
    expect(modules.filter((m) => /\/(checks|src\/collectors|src\/cli\/commands)\//.test(m))).toEqual([])
  }, 60_000)
})
