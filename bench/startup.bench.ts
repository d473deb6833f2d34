// `npm run bench`: how long trustctl takes before and beside its own work, as a user meets it: whole
// processes (`node bin/trustctl.js …`) against a bare `node -e 0`, and a small repository's assess
// against the same assess measured in-process (what start-up adds on top of the work).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkManifestFile, ruleSnapshotFile } from '../checks/load-checks.js'
import { loadConfig } from '../src/app/load-config.js'
import { collectAndAssess, loadLibrary } from '../src/app/run-assessment.js'
import { packageRoot } from '../src/app/version.js'
import { catalogSnapshotFile } from '../src/catalog/catalog-snapshot.js'
import { validatedCrosswalksFile } from '../src/catalog/load-crosswalks.js'
import { validatedPoliciesFile } from '../src/catalog/load-policies.js'
import { validatedBaselineFile, validatedProfilesFile } from '../src/catalog/load-providers.js'
import { yamlSnapshotFile } from '../src/catalog/yaml-snapshot.js'
import { timeMedian } from './median.js'

const benchDir = import.meta.dirname

const runs = Number(process.env.BENCH_RUNS ?? 5)
const bin = path.join(packageRoot(), 'bin', 'trustctl.js')

/** Runs a whole process; a non-zero exit other than the ones `assess` uses for findings is a failure. */
function run(
  args: readonly string[],
  cwd: string,
  okCodes: readonly number[] = [0],
  env: NodeJS.ProcessEnv = process.env,
): void {
  try {
    execFileSync(process.execPath, args, { cwd, stdio: 'ignore', env })
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === undefined || !okCodes.includes(status)) throw error
  }
}

/** A small service repository: two manifests, a Dockerfile and a workflow, and its trustctl.yaml. */
function smallRepository(root: string): void {
  mkdirSync(path.join(root, 'deploy'), { recursive: true })
  mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true })
  writeFileSync(
    path.join(root, 'deploy', 'api.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.4.2
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false }
          resources: { limits: { cpu: 500m, memory: 256Mi } }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }
`,
  )
  writeFileSync(
    path.join(root, 'Dockerfile'),
    'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
  )
  writeFileSync(
    path.join(root, '.github', 'workflows', 'ci.yaml'),
    'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
  )
  run(
    [
      bin,
      'init',
      '--no-input',
      '--dir',
      root,
      '--organization',
      'Bench Co',
      '--system',
      'Shop',
      '--source',
      'deploy',
      '--source',
      'Dockerfile',
      '--source',
      '.github/workflows',
    ],
    root,
  )
}

const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-startup-bench-'))
try {
  console.log(`trustctl start-up bench: whole processes, node ${process.version}, ${os.cpus().length} cores`)
  const bare = await timeMedian('node -e 0 (a bare Node start)', runs, () => run(['-e', '0'], root))
  const version = await timeMedian('trustctl --version', runs, () => run([bin, '--version'], root))
  const help = await timeMedian('trustctl --help', runs, () => run([bin, '--help'], root))
  smallRepository(root)
  // Exit codes 1 and 3 are findings and partial input, not a failed benchmark.
  const assessed = [0, 1, 3]
  const first = await timeMedian('trustctl assess, small repository', 1, () =>
    run([bin, 'assess'], root, assessed),
  )
  const again = await timeMedian('trustctl assess, small repository, unchanged', runs, () =>
    run([bin, 'assess'], root, assessed),
  )
  // The module load floor: a process that imports every module the unchanged assess loaded (recorded
  // by loader hooks in one run) and exits. Node start, that floor's share above it, and the rest
  // (reading, the store, evaluating, output) add up to the whole process.
  const modules = path.join(root, 'assess-modules.txt')
  run(['--import', path.join(benchDir, 'record-modules.js'), bin, 'assess'], root, assessed, {
    ...process.env,
    TRUSTCTL_BENCH_MODULES: modules,
  })
  const moduleCount = new Set(readFileSync(modules, 'utf8').split('\n').filter(Boolean)).size
  // On Node 22.1+ the CLI keeps V8's compiled code between runs (bin/trustctl.js): the floor keeps its
  // own the same way, or it would count compiling the CLI does not do (Node 20 ignores the variable).
  const floorEnv = { ...process.env, NODE_COMPILE_CACHE: path.join(root, 'floor-compile-cache') }
  const floor = await timeMedian(
    `module load floor: the unchanged assess's ${moduleCount} modules, imported, nothing run`,
    runs,
    () => run([path.join(benchDir, 'load-modules.js'), modules], root, [0], floorEnv),
  )
  const gaps = await timeMedian('trustctl gaps, small repository (read-only)', runs, () =>
    run([bin, 'gaps'], root, assessed),
  )
  // The same commands with the build's snapshots (rules, catalog, shipped YAML) and check manifest moved aside:
  // every rule.yaml and catalog file parsed and validated, every check.ts imported at start-up, as
  // before they existed (their before/after).
  const snapshots = [
    ruleSnapshotFile,
    catalogSnapshotFile,
    checkManifestFile,
    yamlSnapshotFile,
    validatedCrosswalksFile,
    validatedProfilesFile,
    validatedBaselineFile,
    validatedPoliciesFile,
  ]
  const withoutSnapshot = { again: Number.NaN, gaps: Number.NaN, version: Number.NaN, first: Number.NaN }
  if (snapshots.every((file) => existsSync(file))) {
    for (const file of snapshots) renameSync(file, `${file}.aside`)
    try {
      withoutSnapshot.version = await timeMedian('trustctl --version, without the snapshots', runs, () =>
        run([bin, '--version'], root),
      )
      withoutSnapshot.first = await timeMedian(
        'trustctl assess, first run, without the snapshots',
        runs,
        () => {
          rmSync(path.join(root, '.trustctl'), { recursive: true, force: true })
          run([bin, 'assess'], root, assessed)
        },
      )
      withoutSnapshot.again = await timeMedian(
        'trustctl assess, unchanged, without the snapshots',
        runs,
        () => run([bin, 'assess'], root, assessed),
      )
      withoutSnapshot.gaps = await timeMedian('trustctl gaps, without the snapshots', runs, () =>
        run([bin, 'gaps'], root, assessed),
      )
    } finally {
      for (const file of snapshots) renameSync(`${file}.aside`, file)
    }
  } else
    console.log(`  (no ${snapshots.join(' or ')}: run \`npm run build\` to measure with and without them)`)
  const firstEach = await timeMedian('trustctl assess, first run (store removed before each)', runs, () => {
    rmSync(path.join(root, '.trustctl'), { recursive: true, force: true })
    run([bin, 'assess'], root, assessed)
  })
  const library = await loadLibrary()
  const loaded = await loadConfig(undefined, root)
  const inProcess = await timeMedian('in-process: collect + evaluate (no store)', runs, () =>
    collectAndAssess(loaded, library, process.env, new Date()),
  )
  console.log('')
  console.log(`  --version / node -e 0              ${(version / bare).toFixed(2)}x   (target: within 3x)`)
  console.log(`  --help / node -e 0                 ${(help / bare).toFixed(2)}x   (target: within 3x)`)
  console.log(`  assess (first) / node -e 0         ${(first / bare).toFixed(2)}x`)
  console.log(`  assess (unchanged) / node -e 0     ${(again / bare).toFixed(2)}x`)
  console.log(`  gaps / node -e 0                   ${(gaps / bare).toFixed(2)}x`)
  console.log(
    `  snapshots and check manifest: assess first ${withoutSnapshot.first.toFixed(0)} -> ${firstEach.toFixed(0)} ms, unchanged ${withoutSnapshot.again.toFixed(0)} -> ${again.toFixed(0)} ms, gaps ${withoutSnapshot.gaps.toFixed(0)} -> ${gaps.toFixed(0)} ms (without -> with)`,
  )
  console.log(
    `  assess (unchanged) ${again.toFixed(0)} ms: node start ${bare.toFixed(0)} ms, module load ${(floor - bare).toFixed(0)} ms, own work ${(again - floor).toFixed(0)} ms (config, checks, store, evaluation, output)`,
  )
  console.log(
    `  assess (unchanged) - in-process    ${(again - inProcess).toFixed(0)} ms of start-up, store and output beside ${inProcess.toFixed(0)} ms of work`,
  )
} finally {
  rmSync(root, { recursive: true, force: true })
}
