#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/run.js, written by tsc) into dist/cli/ with rolldown, so a
// command loads a few dozen files instead of ~460 modules (zod alone is 95, yaml 72): most of a small
// repository's start-up was the ES module loader resolving, reading and linking them one by one.
//
// What stays as it was, and what the bundle does besides:
// - Dynamic imports stay lazy chunks: per command and per collector; the check modules one chunk per
//   source, loaded only when there is evidence for one of its checks (the checks manifest already
//   defers them). A check's bundled copy is used only while its file has the hash the manifest
//   recorded (checks/load-checks.ts); an edited check is imported from its file.
// - Packages that are native or heavy and loaded only by the commands that need them (better-sqlite3,
//   the AWS SDK, fastify, pg, pdfmake, ExcelJS…) stay external: imported from node_modules as before.
// - What `assess` always loads (its command chunk's static imports beyond the entry's) is two chunks,
//   the store and ledger part it shares with `verify` and the rest, where the bundler's own splitting
//   made some 50 (a first bundling finds them; see modulesAlwaysLoaded).
// - The engine's hash (the key of cached check results) is the one of the src/core the bundle is built
//   from, written into the bundle (src/app/built-engine-hash.ts), not hashed again at every run.
// - Every use of import.meta.url in our modules is rewritten to the URL of the module's compiled file
//   (dist/src/…), so the catalog, snapshots, checks folder, schemas, web assets and worker-thread entry
//   files resolve exactly as they do unbundled. Worker threads run their compiled entry files.
// Run after tsc and build-rule-snapshot (it reads dist/checks/checks-manifest.json).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { rolldown } from 'rolldown'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
const outDir = path.join(dist, 'cli')
const checksDir = path.join(dist, 'checks')

/**
 * Pure-JavaScript packages a common command loads: inlined. Anything else from node_modules stays an
 * import of the installed package (native addons, and the heavy SDKs and servers one command uses).
 */
const inlined =
  /^(zod|yaml|js-yaml|commander|picomatch|dockerfile-ast|vscode-languageserver-types|vscode-languageserver-textdocument)(\/|$)/

const isBare = (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0')

/** POSIX path from the bundle's folder to a compiled file (every chunk is written in that folder). */
const fromOutDir = (file) => path.relative(outDir, file).split(path.sep).join('/')

/** The check folders whose modules the build's manifest describes (and so vouches for by hash). */
function manifestFolders() {
  const manifest = JSON.parse(readFileSync(path.join(checksDir, 'checks-manifest.json'), 'utf8'))
  return Object.keys(manifest.checks).sort()
}

/** The check modules the manifest describes, by source (the folder's first part). */
function manifestSources() {
  const bySource = new Map()
  for (const folder of manifestFolders()) {
    const file = path.join(checksDir, folder, 'check.js')
    if (!existsSync(file)) throw new Error(`bundle-cli: the manifest names ${folder} but ${file} is missing`)
    const source = folder.split('/')[0]
    bySource.set(source, [...(bySource.get(source) ?? []), folder])
  }
  return bySource
}

// One lazy chunk per source's checks, not one per check: a small repository's assess loaded ~50 check
// chunks, where a source's evidence (manifests, a Dockerfile) needs most of its checks anyway.
const sourcePrefix = '\0trustctl-checks:'

/** The table checks/bundled-checks.js stands for in the bundle: folder -> its module, from its source's chunk. */
function bundledChecksModule() {
  const entries = [...manifestSources()].flatMap(([source, folders]) =>
    folders.map(
      (folder) =>
        `  ${JSON.stringify(folder)}: () => import(${JSON.stringify(sourcePrefix + source)}).then((m) => ({ default: m[${JSON.stringify(folder)}] })),`,
    ),
  )
  return `export const bundledCheckModules = {\n${entries.join('\n')}\n}\n`
}

/** One source's chunk: every check module of that source, each exported under its folder. */
function sourceChecksModule(source) {
  const folders = manifestSources().get(source) ?? []
  return folders
    .map(
      (folder) =>
        `export { default as ${JSON.stringify(folder)} } from ${JSON.stringify(path.join(checksDir, folder, 'check.js'))}`,
    )
    .join('\n')
}

const bundledChecksFile = path.join(checksDir, 'bundled-checks.js')

// The engine's hash, which keys cached check results, taken here of the src/core this bundle is built
// from: the bundle runs its own copy of that code, whatever becomes of those files later, so a run
// need not walk and hash them at start-up (src/app/built-engine-hash.ts). A check the run imports from
// its own file instead runs on those files; it has no code hash, so its results are never reused.
const builtEngineHashFile = path.join(dist, 'src', 'app', 'built-engine-hash.js')
const { filesEngineHash } = await import(
  pathToFileURL(path.join(dist, 'src', 'app', 'check-results.js')).href
)
const engineHash = filesEngineHash()
if (typeof engineHash !== 'string')
  throw new Error(`bundle-cli: cannot hash the engine in ${path.join(dist, 'src', 'core')}`)

// The secrets scan's worker, bundled into one CommonJS script beside the CLI bundle: a worker started
// from it loads one file instead of seven ES modules and picomatch. Only the bundle runs it: the
// bundle's copy of scan-worker-bundle.js names it (both are built here, from the same compiled
// modules), while dist/src keeps running the compiled worker.
const secretsDir = path.join(dist, 'src', 'collectors', 'secrets')
const scanWorkerBundleFile = path.join(secretsDir, 'scan-worker-bundle.js')
const scanWorkerScript = 'scan-worker.cjs'
/** The bundle's scan-worker-bundle.js: the script's URL from the compiled module's own (rewritten below). */
const scanWorkerBundleModule = () =>
  `export const bundledScanWorker = new URL(${JSON.stringify(path.relative(secretsDir, path.join(outDir, scanWorkerScript)).split(path.sep).join('/'))}, import.meta.url)\n`

const inputOptions = {
  input: path.join(dist, 'src', 'cli', 'run.js'),
  platform: 'node',
  external: (id) => isBare(id) && !inlined.test(id),
  // The entry exports nothing anyone imports; its chunk may gain exports for the chunks it shares
  // modules with (required by includeDependenciesRecursively: false below).
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    {
      name: 'trustctl-bundled-checks',
      resolveId(id) {
        return id.startsWith(sourcePrefix) ? id : null
      },
      load(id) {
        if (id === bundledChecksFile) return bundledChecksModule()
        if (id === builtEngineHashFile)
          return `export function builtEngineHash() {\n  return ${JSON.stringify(engineHash)}\n}\n`
        if (id === scanWorkerBundleFile) return scanWorkerBundleModule()
        if (id.startsWith(sourcePrefix)) return sourceChecksModule(id.slice(sourcePrefix.length))
        return null
      },
    },
    {
      name: 'trustctl-import-meta-url',
      transform(code, id) {
        // Our compiled modules only: not packages, not the bundler's own virtual modules.
        const ours = id.startsWith(dist + path.sep) && !id.includes(`${path.sep}node_modules${path.sep}`)
        if (!ours || !code.includes('import.meta.url')) return null
        // The chunk sits in dist/cli/: the URL of the compiled file is that relative path from it.
        const url = `new URL(${JSON.stringify(fromOutDir(id))}, import.meta.url).href`
        return { code: code.replaceAll('import.meta.url', url), map: null }
      },
    },
  ],
}
const outputOptions = {
  dir: outDir,
  format: 'es',
  entryFileNames: 'trustctl.js',
  // No folders in chunk names: every chunk is in dist/cli/, which the import.meta.url rewrite relies on.
  chunkFileNames: '[name]-[hash].js',
}

/** The chunks `name` imports statically, however indirectly, itself included. */
function staticClosure(chunks, name) {
  const seen = new Set()
  const pending = [name]
  while (pending.length > 0) {
    const next = pending.pop()
    if (seen.has(next) || !chunks.has(next)) continue
    seen.add(next)
    pending.push(...chunks.get(next).imports)
  }
  return seen
}

/**
 * The modules a command loads whatever the repository, by command, from a first bundling's chunks:
 * those its command chunk imports statically, however indirectly, that the start of every command
 * does not (the entry's own). Zod stays apart: run.ts imports it alone, to configure it before any
 * schema is built.
 */
async function modulesAlwaysLoaded(commands) {
  const first = await rolldown(inputOptions)
  const { output } = await first.generate(outputOptions)
  await first.close()
  const chunks = new Map(
    output.filter((item) => item.type === 'chunk').map((chunk) => [chunk.fileName, chunk]),
  )
  const start = staticClosure(chunks, 'trustctl.js')
  return commands.map((command) => {
    const module = path.join(dist, 'src', 'cli', 'commands', `${command}.js`)
    const chunk = [...chunks.values()].find((item) => item.moduleIds.includes(module))
    if (chunk === undefined) throw new Error(`bundle-cli: no chunk holds ${module}`)
    const modules = new Set()
    for (const name of staticClosure(chunks, chunk.fileName)) {
      if (start.has(name)) continue
      for (const id of chunks.get(name).moduleIds)
        if (path.isAbsolute(id) && !/[\\/]node_modules[\\/]zod[\\/]/.test(id)) modules.add(id)
    }
    return modules
  })
}

const started = Date.now()
// What assess always loads, in two chunks where the bundler made some 50 (shared in every combination
// the commands use them in; each chunk a small repository's assess loaded cost its own resolution,
// read and link): the store and ledger it shares with verify, then the rest (collection, checks,
// catalog, evaluation), which verify, history and export have no use for.
const [assessModules, verifyModules] = await modulesAlwaysLoaded(['assess', 'verify'])
const ledgerModules = new Set([...assessModules].filter((id) => verifyModules.has(id)))
rmSync(outDir, { recursive: true, force: true })
const bundle = await rolldown(inputOptions)
const { output } = await bundle.write({
  ...outputOptions,
  // Not the groups' dependencies beyond those: the entry's modules and zod stay where they were, so
  // `--version` loads no more than before.
  codeSplitting: {
    includeDependenciesRecursively: false,
    groups: [
      { name: 'run-ledger', test: (id) => ledgerModules.has(id), priority: 1 },
      { name: 'assess-run', test: (id) => assessModules.has(id) },
    ],
  },
})
await bundle.close()
const workerBundle = await rolldown({
  input: path.join(secretsDir, 'scan-worker.js'),
  platform: 'node',
  // Everything inlined but Node's own modules: the script must run without resolving anything else.
  external: (id) => id.startsWith('node:'),
})
await workerBundle.write({ file: path.join(outDir, scanWorkerScript), format: 'cjs' })
await workerBundle.close()
// Which compiled modules and packages each chunk holds, relative to the package folder: what a test
// (test/startup-modules.test.ts) reads to tell which of our modules a command loaded from the bundle.
const chunks = Object.fromEntries(
  output
    .filter((item) => item.type === 'chunk')
    .map((chunk) => [
      chunk.fileName,
      chunk.moduleIds
        .filter((id) => path.isAbsolute(id))
        .map((id) => id.split(path.sep).join('/'))
        // A package by its path below node_modules (which may be a link elsewhere), ours below the package.
        .map((id) =>
          id.includes('/node_modules/')
            ? id.slice(id.indexOf('/node_modules/') + 1)
            : path.posix.relative(root.split(path.sep).join('/'), id),
        )
        .sort(),
    ]),
)
writeFileSync(path.join(outDir, 'chunks.json'), `${JSON.stringify(chunks, null, 1)}\n`)
console.log(
  `bundled the CLI into ${output.length} file(s) and its secrets worker into ${scanWorkerScript} in ${outDir} (${Date.now() - started} ms)`,
)
