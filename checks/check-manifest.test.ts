import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/app/load-config.js'
import { renderJson } from '../src/app/rendering.js'
import { collectAndAssess, type Library, loadLibrary } from '../src/app/run-assessment.js'
import type { Check } from '../src/core/check.js'
import { evaluateCheck } from '../src/core/engine.js'
import { groupEvidence } from '../src/core/evidence.js'
import { copyDemo } from '../test/cli-harness.js'
import {
  buildCheckManifest,
  buildRuleSnapshot,
  type CheckManifest,
  type CodeCache,
  checkCodeHash,
  codeHash,
  isDeferred,
  loadChecks,
  loadDeferredChecks,
  localStampsFile,
  newCodeCache,
  type RuleSnapshot,
  readCheckManifest,
} from './load-checks.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-check-manifest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What reports and coverage read of a check: everything but its code and params schema. */
const described = (checks: readonly Check[]) =>
  checks.map(({ evaluate: _code, params: _params, ...metadata }) => metadata)

let manifest: CheckManifest
type ManifestEntry = CheckManifest['checks'][string]
beforeAll(async () => {
  // As the build writes it, read back through JSON as a run reads the file.
  manifest = JSON.parse(JSON.stringify(await buildCheckManifest())) as CheckManifest
}, 120_000)

describe('the build-time check manifest', () => {
  it('describes every check.ts by its metadata and the hash of its code', () => {
    const entries = Object.entries(manifest.checks)
    expect(entries.length).toBeGreaterThan(100)
    for (const [folder, entry] of entries) {
      expect(entry.metadata.id).toBe(folder)
      expect(entry.metadata.reads.length).toBeGreaterThan(0)
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it('defers described checks with the metadata their modules give, and imports the ones asked for', async () => {
    const eager = await loadChecks(undefined, { manifest: null })
    const deferred = await loadChecks(undefined, { defer: true, manifest })
    expect(described(deferred)).toEqual(described(eager))
    expect(deferred.filter(isDeferred)).toHaveLength(Object.keys(manifest.checks).length)
    expect(eager.some(isDeferred)).toBe(false)
    const wanted = (c: Check) => c.reads.includes('container.dockerfile')
    const loaded = await loadDeferredChecks(deferred, wanted)
    expect(described(loaded)).toEqual(described(eager))
    expect(loaded.filter((c) => wanted(c) && isDeferred(c))).toEqual([])
    expect(loaded.filter((c) => !wanted(c) && isDeferred(c)).length).toBeGreaterThan(50)
  }, 120_000)

  /** The checks the manifest describes that a load with `changed` in place of the folder's entry imports. */
  const importedWith = async (folder: string, changed: (entry: ManifestEntry) => ManifestEntry) => {
    const entry = manifest.checks[folder]
    if (entry === undefined) throw new Error(`${folder} is not in the manifest`)
    const stale: CheckManifest = { version: 1, checks: { ...manifest.checks, [folder]: changed(entry) } }
    const checks = await loadChecks(undefined, { defer: true, manifest: stale })
    return checks.filter((c) => !isDeferred(c) && manifest.checks[c.id] !== undefined).map((c) => c.id)
  }
  /** The entry with one file's stamp changed, as an edit (or a touch) of that file since the build changes it. */
  const restamped =
    (file: string) =>
    (entry: ManifestEntry): ManifestEntry => {
      const stamp = entry.files?.[file]
      if (stamp === undefined) throw new Error(`${file} is not stamped: ${Object.keys(entry.files ?? {})}`)
      return { ...entry, files: { ...entry.files, [file]: { ...stamp, mtimeMs: stamp.mtimeMs + 1 } } }
    }
  const zeroHash = (entry: ManifestEntry): ManifestEntry => ({ ...entry, sha256: '0'.repeat(64) })
  const own = path.join('container', 'final-stage-runs-as-non-root', 'check.ts')
  const helper = path.join('github', 'shared', 'scope.ts')

  it('stamps each check file and every checks/ file it imports with its size and times', () => {
    const entry = manifest.checks['github/default-branch-protected']
    expect(Object.keys(entry?.files ?? {})).toEqual(
      expect.arrayContaining([path.join('github', 'default-branch-protected', 'check.ts'), helper]),
    )
    for (const stamp of Object.values(entry?.files ?? {})) {
      expect(stamp.size).toBeGreaterThan(0)
      expect(stamp.mtimeMs).toBeGreaterThan(0)
      expect(stamp.ctimeMs).toBeGreaterThan(0)
    }
  })

  it('imports a check whose code changed since the build (its stamp and its hash differ)', async () => {
    const folder = 'container/final-stage-runs-as-non-root'
    expect(await importedWith(folder, (e) => zeroHash(restamped(own)(e)))).toEqual([folder])
    // Without stamps (a manifest from an older build) the hash alone decides, as before.
    const unstamped = ({ files: _files, ...e }: ManifestEntry): ManifestEntry => e
    expect(await importedWith(folder, (e) => zeroHash(unstamped(e)))).toEqual([folder])
  })

  it('imports a check whose shared helper changed since the build', async () => {
    const folder = 'github/default-branch-protected'
    expect(await importedWith(folder, (e) => zeroHash(restamped(helper)(e)))).toEqual([folder])
  })

  it('hashes a file whose stamp differs and defers the check when the hash still matches (a touch)', async () => {
    expect(await importedWith('container/final-stage-runs-as-non-root', restamped(own))).toEqual([])
    expect(await importedWith('github/default-branch-protected', restamped(helper))).toEqual([])
  })

  it('does not read a check whose files all have their stamps: the hash is not taken', async () => {
    // The hash is wrong but every stamp matches: the load took the stamps' word and deferred it.
    expect(await importedWith('container/final-stage-runs-as-non-root', zeroHash)).toEqual([])
  })

  it("takes no stamp of another file, or of another shape, as the check file's", async () => {
    const folder = 'container/final-stage-runs-as-non-root'
    const others = (e: ManifestEntry): ManifestEntry => {
      const files = { ...e.files }
      delete files[own]
      return zeroHash({ ...e, files })
    }
    expect(await importedWith(folder, others)).toEqual([folder])
    const shapeless = (e: ManifestEntry) => zeroHash({ ...e, files: { [own]: 7 } as never })
    expect(await importedWith(folder, shapeless)).toEqual([folder])
  })

  describe("stamps kept on this machine, for when the build's do not hold (a packed install)", () => {
    const cache = path.join(dir, 'cache')
    let before: string | undefined
    beforeAll(() => {
      before = process.env.XDG_CACHE_HOME
      process.env.XDG_CACHE_HOME = cache
    })
    afterAll(() => {
      if (before === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = before
    })
    const folder = 'container/final-stage-runs-as-non-root'
    /** Every entry without the build's stamps: each check's code is hashed, as in a packed install. */
    const unstamped = (): CheckManifest => ({
      version: 1,
      checks: Object.fromEntries(
        Object.entries(manifest.checks).map(([name, { files: _files, ...entry }]) => [name, entry]),
      ),
    })
    type Kept = {
      version: 1
      root: string
      checks: Record<string, { sha256: string; files: Record<string, { mtimeMs: number }> }>
      rules: Record<string, { sha256: string; stamp: { mtimeMs: number } }>
    }
    const keptFile = (): string => {
      const file = localStampsFile()
      if (file === undefined) throw new Error('expected a stamps file under the cache folder')
      return file
    }
    const kept = (): Kept => JSON.parse(readFileSync(keptFile(), 'utf8')) as Kept

    it('keeps the stamps of the code a load hashed and found as the build hashed it', async () => {
      rmSync(cache, { recursive: true, force: true })
      const checks = await loadChecks(undefined, { defer: true, manifest: unstamped() })
      expect(checks.filter((c) => !isDeferred(c) && manifest.checks[c.id] !== undefined)).toEqual([])
      expect(keptFile().startsWith(path.join(cache, 'trustctl', 'check-stamps') + path.sep)).toBe(true)
      const entry = kept().checks[folder]
      expect(entry?.sha256).toBe(manifest.checks[folder]?.sha256)
      expect(Object.keys(entry?.files ?? {})).toContain(own)
      expect(Object.keys(kept().checks)).toHaveLength(Object.keys(manifest.checks).length)
    }, 120_000)

    it('takes a kept stamp that holds in place of the hash, and hashes where it no longer holds', async () => {
      const entry = kept().checks[folder]
      if (entry === undefined) throw new Error('expected a kept entry')
      const zero = '0'.repeat(64)
      // The kept entry and the manifest agree on a hash that is not the code's: only a load that
      // took the kept stamps' word, without hashing, defers the check.
      const forged = (files: Kept['checks'][string]['files']) =>
        writeFileSync(
          keptFile(),
          JSON.stringify({ ...kept(), checks: { ...kept().checks, [folder]: { sha256: zero, files } } }),
        )
      forged(entry.files)
      const zeroUnstamped = ({ files: _files, ...e }: ManifestEntry): ManifestEntry => zeroHash(e)
      expect(await importedWith(folder, zeroUnstamped)).toEqual([])
      const stamp = entry.files[own]
      if (stamp === undefined) throw new Error('expected the check file stamped')
      forged({ ...entry.files, [own]: { ...stamp, mtimeMs: stamp.mtimeMs + 1 } })
      expect(await importedWith(folder, zeroUnstamped)).toEqual([folder])
      // A kept hash the manifest does not share counts for nothing.
      forged(entry.files)
      expect(await importedWith(folder, (e) => ({ ...zeroUnstamped(e), sha256: '1'.repeat(64) }))).toEqual([
        folder,
      ])
    }, 120_000)

    it("keeps the stamps of rules whose text has the snapshot's hash, and takes them in place of the hash", async () => {
      rmSync(cache, { recursive: true, force: true })
      const built = await buildRuleSnapshot()
      const withoutStamps: RuleSnapshot = {
        version: 1,
        rules: Object.fromEntries(
          Object.entries(built.rules).map(([name, { stamp: _stamp, ...entry }]) => [name, entry]),
        ),
      }
      const [name, entry] = Object.entries(withoutStamps.rules)[0] ?? []
      if (name === undefined || entry === undefined) throw new Error('expected a rule')
      const hashOf = async (snapshot: RuleSnapshot) =>
        (await loadChecks(snapshot, { manifest: null })).map((c) => [c.id, checkCodeHash(c)])
      expect(await hashOf(withoutStamps)).toContainEqual([name, `rule:${entry.sha256}`])
      expect(kept().rules[name]?.sha256).toBe(entry.sha256)
      // A snapshot and kept entry that agree on a hash the text does not have: taken on the stamp's word.
      const zero = '0'.repeat(64)
      const rule = kept().rules[name]
      writeFileSync(
        keptFile(),
        JSON.stringify({ ...kept(), rules: { ...kept().rules, [name]: { ...rule, sha256: zero } } }),
      )
      const forged: RuleSnapshot = {
        version: 1,
        rules: { ...withoutStamps.rules, [name]: { ...entry, sha256: zero } },
      }
      expect(await hashOf(forged)).toContainEqual([name, `rule:${zero}`])
      // Without the kept stamp, the file is hashed again: its own hash, the snapshot's refused.
      rmSync(cache, { recursive: true, force: true })
      expect(await hashOf(forged)).toContainEqual([name, `rule:${entry.sha256}`])
    }, 120_000)

    it('keeps no stamp of a file changed just before the load: it could be the stamp of other text', async () => {
      rmSync(cache, { recursive: true, force: true })
      // A touch gives the file new times (and leaves its text, so the hash still matches).
      const file = path.join(import.meta.dirname, own)
      const now = new Date()
      utimesSync(file, now, now)
      await loadChecks(undefined, { defer: true, manifest: unstamped() })
      expect(existsSync(keptFile())).toBe(true)
      expect(kept().checks[folder]).toBeUndefined()
      expect(kept().checks['github/default-branch-protected']).toBeDefined()
    }, 120_000)
  })

  it('never passes a deferred check run without its code: the engine reports an error', async () => {
    const checks = await loadChecks(undefined, { defer: true, manifest })
    const check = checks.find((c) => c.id === 'container/final-stage-runs-as-non-root')
    if (check === undefined || !isDeferred(check)) throw new Error('expected a deferred check')
    const dockerfile = {
      kind: 'container.dockerfile',
      resourceKind: 'Dockerfile',
      name: 'Dockerfile',
      file: 'Dockerfile',
    }
    const findings = evaluateCheck({ check, params: {} }, groupEvidence([dockerfile as never]))
    expect(findings.map((f) => f.status)).toEqual(['error'])
    expect(findings[0]?.message).toContain('its code was not loaded')
  })

  it('reads no manifest where there is none or it is damaged, so every check.ts is imported', async () => {
    expect(await readCheckManifest(path.join(dir, 'absent.json'))).toBeUndefined()
    writeFileSync(path.join(dir, 'damaged.json'), '{"version": 1, "checks": ')
    expect(await readCheckManifest(path.join(dir, 'damaged.json'))).toBeUndefined()
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(manifest))
    expect(await readCheckManifest(path.join(dir, 'good.json'))).toEqual(manifest)
  })

  it('reads no manifest whose envelope is wrong in any one entry', async () => {
    const [folder, entry] = Object.entries(manifest.checks)[0] ?? []
    if (folder === undefined || entry === undefined) throw new Error('expected a manifest entry')
    const broken: [string, unknown][] = [
      ['version', { ...manifest, version: 2 }],
      ['checks', { ...manifest, checks: [] }],
      ['hash', { ...manifest, checks: { ...manifest.checks, [folder]: { ...entry, sha256: 'abc' } } }],
      ['entry', { ...manifest, checks: { ...manifest.checks, [folder]: null } }],
      ['metadata', { ...manifest, checks: { ...manifest.checks, [folder]: { sha256: entry.sha256 } } }],
      ['id', { ...manifest, checks: { ...manifest.checks, [folder]: { ...entry, metadata: { id: 7 } } } }],
    ]
    for (const [name, value] of broken) {
      writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(value))
      expect({ name, read: await readCheckManifest(path.join(dir, `${name}.json`)) }).toEqual({
        name,
        read: undefined,
      })
    }
  })
})

/** A service repository with one Deployment and a Dockerfile, as a new team's first assess meets it. */
function smallRepository(): string {
  const root = path.join(dir, 'small')
  mkdirSync(path.join(root, 'deploy'), { recursive: true })
  writeFileSync(
    path.join(root, 'deploy', 'web.yaml'),
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
  writeFileSync(path.join(root, 'Dockerfile'), 'FROM nginx:latest\nCOPY . /usr/share/nginx/html\n')
  writeFileSync(
    path.join(root, 'trustctl.yaml'),
    `version: 1
organization: Small Co
system: { name: Web, description: "" }
scope: { categories: [security], asOf: 2026-12-01 }
sources:
  - path: deploy
  - path: Dockerfile
checks:
  kubernetes/workload-image-from-allowed-registry:
    params: { allowedRegistries: [docker.io/library] }
`,
  )
  return root
}

/** What `assess --format json` and `gaps --format json` print for the estate, with a fixed clock. */
async function outputs(root: string, library: Library): Promise<{ assess: string; gaps: string }> {
  const loaded = await loadConfig(undefined, root)
  // Not read-only: the store's fingerprint salt is written once and both loads mask secrets alike.
  const { model } = await collectAndAssess(loaded, library, {}, new Date('2026-12-01T12:00:00Z'))
  return { assess: renderJson(model), gaps: `${JSON.stringify(model.gaps, null, 2)}\n` }
}

describe('deferred check loading', () => {
  // The library as the build ships it (rules from their files, checks deferred by the manifest) and
  // with every check.ts imported: the verdicts, coverage and gaps must not tell them apart.
  const libraries = async (): Promise<{ deferred: Library; eager: Library }> => {
    const eager = await loadLibrary()
    const deferred = { ...eager, checks: await loadChecks(undefined, { defer: true, manifest }) }
    return { deferred, eager }
  }

  it('gives the same assess and gaps output for a small repository, importing only what reads its evidence', async () => {
    const { deferred, eager } = await libraries()
    const root = smallRepository()
    const lazy = await outputs(root, deferred)
    expect(lazy).toEqual(await outputs(root, eager))
    // The output is not trivially equal: tests ran, and some without evidence gave no-evidence.
    const model = JSON.parse(lazy.assess) as { findings: { check: string; status: string }[] }
    const statuses = new Set(model.findings.map((f) => f.status))
    expect(statuses).toContain('fail')
    expect(statuses).toContain('no-evidence')
    expect(JSON.parse(lazy.gaps)).not.toEqual([])
  }, 120_000)

  it("gives the same assess and gaps output for the demo's estate", async () => {
    const { deferred, eager } = await libraries()
    const demo = copyDemo()
    try {
      expect(await outputs(demo.dir, deferred)).toEqual(await outputs(demo.dir, eager))
    } finally {
      demo.cleanup()
    }
  }, 240_000)
})

describe('hashing check code with a cache shared by one load', () => {
  it('gives each check the hash it has alone, helpers shared with earlier checks included', async () => {
    const files = [
      'github/default-branch-protected/check.ts',
      'github/default-branch-requires-reviews/check.ts',
      'github/default-branch-blocks-force-pushes/check.ts',
    ].map((f) => path.join(import.meta.dirname, f))
    const alone = await Promise.all(files.map((f) => codeHash(f)))
    const cache: CodeCache = newCodeCache()
    const shared: string[] = []
    for (const f of files) shared.push(await codeHash(f, cache))
    expect(shared).toEqual(alone)
    // The helper was read once and counts in every hash.
    expect([...cache.texts.keys()].filter((f) => f.endsWith(`shared${path.sep}scope.ts`))).toHaveLength(1)
    expect(new Set(alone).size).toBe(3)
  })
})
