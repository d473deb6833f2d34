import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os, { availableParallelism } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ParseCache, ParsedInput } from '../source-collector.js'
import { collectSecrets, type EarlyScanRun, prestartSecretsScans, secretsOptions } from './index.js'
import { type ScanJob, type ScannedFile, scanFiles } from './scan-files.js'
import {
  likelyThreads,
  parallelMinBytes,
  runShares,
  type ShareRunner,
  scanTreeFiles,
  setSecretsWorkerFile,
  shareEnd,
  startThreads,
  startTreeScan,
  threadsFor,
} from './scan-pool.js'
import { compileRules, fingerprintSecret } from './scan-text.js'

/**
 * The secrets scan on worker threads gives exactly what it gives on one thread, in the same order,
 * and nothing but redacted previews and fingerprints comes back from a worker. The worker runs from
 * JavaScript, so this test compiles it (and only what it imports) with the project's tsc first.
 */

const checkout = path.resolve(import.meta.dirname, '..', '..', '..')
const build = path.join(checkout, 'test-artifacts', `secrets-worker-${process.pid}`)
const worker = path.join(build, 'out', 'src', 'collectors', 'secrets', 'scan-worker.js')
const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-pool-'))

// Fake credentials are assembled at run time so this file itself holds none a scanner would flag.
let seed = 42
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function random(n: number, alphabet = alnum): string {
  let out = ''
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    out += alphabet[(seed >>> 16) % alphabet.length]
  }
  return out
}
const planted: string[] = []
function secretLine(i: number): string {
  const kinds = [
    () => `GITHUB_TOKEN=${'ghp_'}${random(36)}`,
    () => `aws_access_key_id = ${'AKIA'}${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    () => `STRIPE_SECRET_KEY=${'sk_live_'}${random(24)}`,
    () => `DATABASE_URL=${'postgres'}://app:${random(18)}@db.internal:5432/app`,
  ]
  const line = (kinds[i % kinds.length] as () => string)()
  planted.push(
    line
      .slice(line.search(/ghp_|AKIA|sk_live_|app:/))
      .replace(/^app:/, '')
      .split('@')[0] ?? '',
  )
  return line
}

/** About 9.5 MB: 400 small files (every fifth with secrets, some allow-listed), binaries, one large. */
function writeCorpus(): void {
  for (let i = 0; i < 400; i++) {
    const dir = path.join(root, `pkg-${i % 13}`)
    mkdirSync(dir, { recursive: true })
    const lines = Array.from({ length: 120 }, (_, j) =>
      i % 5 === 0 && j % 40 === 7
        ? secretLine(i + j)
        : `const value${j} = compute(${i}, ${j}) // ${random(20)}`,
    )
    writeFileSync(path.join(dir, `file-${i}.ts`), `${lines.join('\n')}\n`)
  }
  mkdirSync(path.join(root, 'fixtures'), { recursive: true })
  writeFileSync(path.join(root, 'fixtures', 'allowed.env'), `${secretLine(1)}\n${secretLine(2)}\n`)
  writeFileSync(path.join(root, 'image.png'), Buffer.from([0x89, 0x50, 0, 1, 2, 3, 0, 4]))
  // Larger than the 8 MiB read-at-once limit: read in pieces of whole lines.
  const filler = `${'x = 1 # padding line for the large-file path of the scanner'.padEnd(99)}\n`
  writeFileSync(
    path.join(root, 'big.log'),
    `${filler.repeat(50_000)}${secretLine(0)}\n${filler.repeat(40_000)}${secretLine(3)}\n`,
  )
}

beforeAll(() => {
  writeCorpus()
  mkdirSync(build, { recursive: true })
  writeFileSync(
    path.join(build, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(checkout, 'tsconfig.json'),
      compilerOptions: { noEmit: false, outDir: 'out', rootDir: checkout, sourceMap: false },
      include: [],
      files: [path.join(checkout, 'src', 'collectors', 'secrets', 'scan-worker.ts')],
    }),
  )
  execFileSync(process.execPath, [
    path.join(checkout, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    build,
  ])
}, 120_000)

afterAll(() => {
  setSecretsWorkerFile(undefined)
  rmSync(root, { recursive: true, force: true })
  rmSync(build, { recursive: true, force: true })
})

const allowFingerprint = (): string => fingerprintSecret(planted[5] ?? '', 'pool-salt')
const job = (): ScanJob => ({
  root,
  files: [],
  salt: 'pool-salt',
  allow: [
    { path: 'fixtures/**', reason: 'test fixtures' },
    { fingerprint: allowFingerprint() },
    { pattern: '^sk_live_A' },
  ],
  where: 'sources[0]',
})

describe('the secrets scan on worker threads', () => {
  it('finds the same secrets in the same order as one thread, allowances included', async () => {
    const options = secretsOptions.parse({ type: 'secrets', path: '.', allow: job().allow })
    const context = { root, where: 'sources[0]', now: new Date(), env: {}, fingerprintSalt: 'pool-salt' }
    setSecretsWorkerFile(undefined)
    const single = await collectSecrets(options, context)
    setSecretsWorkerFile(worker)
    const parallel = await collectSecrets(options, context)
    const findings = single.evidence.filter((e) => e.kind === 'secret.finding')
    // The corpus is real work: every planted secret found, the large file's included.
    expect(findings.length).toBe(planted.length)
    expect(findings.some((f) => f.file === 'big.log')).toBe(true)
    expect(findings.filter((f) => 'allowed' in f).length).toBeGreaterThanOrEqual(3)
    expect(parallel).toEqual(single)
  })

  it('runs the shares in the workers (a worker file that is not there fails the scan)', async () => {
    const files = (await import('./walk.js')).listTree
    const all = await files(root, () => false)
    expect(threadsFor(root, all, 2)).toBe(1 + 1)
    setSecretsWorkerFile(path.join(build, 'no-such-worker.js'))
    await expect(scanTreeFiles({ ...job(), files: all }, compileRules(), 2)).rejects.toThrow()
    setSecretsWorkerFile(worker)
  })

  it('posts back fingerprints and redacted previews only, never a secret value', async () => {
    setSecretsWorkerFile(worker)
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const results = await scanTreeFiles({ ...job(), files: all }, compileRules(), 2)
    const posted = JSON.stringify(results)
    expect(results.flatMap((r) => r.found).length).toBe(planted.length)
    for (const value of planted) {
      expect(value.length).toBeGreaterThan(15)
      expect(posted).not.toContain(value)
    }
    // And the same as the calling thread gives.
    expect(results).toEqual(await scanFiles({ ...job(), files: all }, compileRules()))
  })

  it('scans on workers started before the job was known, the same as on the calling thread', async () => {
    setSecretsWorkerFile(worker)
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const early = startThreads(2)
    expect(early).toBeDefined()
    const results = await scanTreeFiles({ ...job(), files: all }, compileRules(), 2, early)
    expect(results).toEqual(await scanFiles({ ...job(), files: all }, compileRules()))
    // The scan took the early worker (and stopped it): nothing is left to take or release.
    expect(early?.take()).toEqual([])
    await early?.release()
    // Workers started for a scan that then ran on one thread are stopped by release.
    const unused = startThreads(3)
    expect(await scanTreeFiles({ ...job(), files: all.slice(0, 5) }, compileRules(), 1, unused)).toEqual(
      await scanFiles({ ...job(), files: all.slice(0, 5) }, compileRules()),
    )
    await unused?.release()
    expect(unused?.take()).toEqual([])
    expect(startThreads(1)).toBeUndefined()
  })

  it('fails the scan when a worker started early dies', async () => {
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const dying = path.join(build, 'dying-early-worker.mjs')
    writeFileSync(dying, 'process.exit(4)\n')
    setSecretsWorkerFile(dying)
    const early = startThreads(2)
    setSecretsWorkerFile(worker)
    await expect(scanTreeFiles({ ...job(), files: all }, compileRules(), 2, early)).rejects.toThrow(/exited/)
    await early?.release()
  })

  // The collector must then start workers of its own: two cores at least.
  it.skipIf(availableParallelism() < 2)(
    'scans a tree on the workers a first run started before its collector ran',
    async () => {
      const options = secretsOptions.parse({ type: 'secrets', path: '.' })
      const context = { root, where: 'sources[0]', now: new Date(), env: {}, fingerprintSalt: 'pool-salt' }
      // Workers that die at once, prestarted: the collector that takes them fails with them.
      const dying = path.join(build, 'dying-prestarted-worker.mjs')
      writeFileSync(dying, 'process.exit(5)\n')
      setSecretsWorkerFile(dying)
      const stop = await prestartSecretsScans(
        [
          { type: 'kubernetes', path: '.' },
          { ...options, allowOutside: true },
        ],
        root,
      )
      setSecretsWorkerFile(worker)
      await expect(collectSecrets(options, context)).rejects.toThrow(/exited/)
      await stop()
      // Taken once: the next scan starts its own workers and succeeds.
      const single = await collectSecrets(options, context)
      expect(single.evidence.filter((e) => e.kind === 'secret.finding').length).toBe(planted.length)
    },
  )

  it.skipIf(availableParallelism() < 2)(
    'lists the tree again when its collector runs, and stops workers no collector took',
    async () => {
      setSecretsWorkerFile(worker)
      const options = secretsOptions.parse({ type: 'secrets', path: '.' })
      const context = { root, where: 'sources[0]', now: new Date(), env: {}, fingerprintSalt: 'pool-salt' }
      const stop = await prestartSecretsScans([options], root)
      // A file written after the workers started (a signing key, say) is scanned all the same.
      const late = path.join(root, 'late.env')
      writeFileSync(late, `${secretLine(4)}\n`)
      try {
        const parallel = await collectSecrets(options, context)
        expect(parallel.evidence.some((e) => e.kind === 'secret.finding' && e.file === 'late.env')).toBe(true)
        setSecretsWorkerFile(undefined)
        expect(parallel).toEqual(await collectSecrets(options, context))
      } finally {
        rmSync(late)
        planted.pop()
        setSecretsWorkerFile(worker)
        await stop()
      }
      // Prestarted and never scanned (a run that failed before collecting): stop() ends them.
      const unused = await prestartSecretsScans([options], root)
      await unused()
      setSecretsWorkerFile(path.join(build, 'no-such-worker.js'))
      // None left behind to take: the collector starts its own, from a file that is not there.
      await expect(collectSecrets(options, context)).rejects.toThrow()
      setSecretsWorkerFile(worker)
    },
  )

  // A first run's scan, started before its collector runs (startEarlyWork): the same results, the
  // tree listed once, and only when nothing the run writes before collecting could be in the listing.
  const earlyRun = (over: Partial<EarlyScanRun> = {}): EarlyScanRun => ({
    salt: 'pool-salt',
    hash: true,
    writes: { folders: [path.join(root, '.trustctl')], files: [path.join(os.tmpdir(), 'elsewhere.pem')] },
    ...over,
  })
  const poolContext = (cache?: ParseCache) => ({
    root,
    where: 'sources[0]',
    now: new Date(),
    env: {},
    fingerprintSalt: 'pool-salt',
    ...(cache === undefined ? {} : { parseCache: cache }),
  })
  const memoryCache = (): ParseCache & { entries: Map<string, ParsedInput> } => {
    const entries = new Map<string, ParsedInput>()
    return {
      entries,
      get: async (key) => entries.get(key),
      set: (key, parsed) => void entries.set(key, parsed),
    }
  }
  /** Collects with the scan started early under `run`; whether the collector used that scan's listing. */
  async function collectAfterEarlyStart(run: EarlyScanRun, cache?: ParseCache) {
    const options = secretsOptions.parse({ type: 'secrets', path: '.' })
    const stop = await prestartSecretsScans([options], root, run)
    // Written after the scan started: in its results only if the collector listed the tree again.
    const late = path.join(root, 'late.env')
    writeFileSync(late, `${secretLine(4)}\n`)
    try {
      const collected = await collectSecrets(options, poolContext(cache))
      const listedAgain = collected.evidence.some((e) => e.kind === 'secret.finding' && e.file === 'late.env')
      return { collected, listedAgain }
    } finally {
      rmSync(late)
      planted.pop()
      await stop()
    }
  }

  it.skipIf(availableParallelism() < 2)(
    'takes the scan a first run started early: listed once, the same findings and cache entries',
    async () => {
      setSecretsWorkerFile(worker)
      const cache = memoryCache()
      const early = await collectAfterEarlyStart(earlyRun(), cache)
      expect(early.listedAgain).toBe(false)
      // The same as a collector that lists and scans itself, on one thread, through its own cache.
      setSecretsWorkerFile(undefined)
      const own = memoryCache()
      const single = await collectSecrets(
        secretsOptions.parse({ type: 'secrets', path: '.' }),
        poolContext(own),
      )
      setSecretsWorkerFile(worker)
      expect(early.collected).toEqual(single)
      expect([...cache.entries]).toEqual([...own.entries])
      expect(cache.entries.size).toBeGreaterThan(0)
      // Without a cache the early scan's results serve all the same.
      const uncached = await collectAfterEarlyStart(earlyRun())
      expect(uncached.listedAgain).toBe(false)
      setSecretsWorkerFile(undefined)
      expect(uncached.collected).toEqual(
        await collectSecrets(secretsOptions.parse({ type: 'secrets', path: '.' }), poolContext()),
      )
      setSecretsWorkerFile(worker)
    },
  )

  it.skipIf(availableParallelism() < 2)(
    "lists and scans again when the early scan is not this run's, or the run writes into the tree first",
    async () => {
      setSecretsWorkerFile(worker)
      // Another salt than the collector is given: its fingerprints would differ.
      expect((await collectAfterEarlyStart(earlyRun({ salt: 'another-salt' }))).listedAgain).toBe(true)
      // Files not hashed, where the collector keys a cache by each file's hash.
      expect((await collectAfterEarlyStart(earlyRun({ hash: false }), memoryCache())).listedAgain).toBe(true)
      // A store folder in the tree, not excluded: the collector's listing would hold the files it
      // gets before the collector runs. Likewise a signing key created in the tree.
      const inTree = earlyRun({ writes: { folders: [path.join(root, 'state')], files: [] } })
      expect((await collectAfterEarlyStart(inTree)).listedAgain).toBe(true)
      const key = earlyRun({ writes: { folders: [], files: [path.join(root, 'keys', 'ledger.pem')] } })
      expect((await collectAfterEarlyStart(key)).listedAgain).toBe(true)
      // Excluded (the store's default `.trustctl`, or `.git`) or outside the tree: scanned early.
      const excluded = earlyRun({
        writes: { folders: [path.join(root, '.trustctl'), path.join(root, '.git', 'x')], files: [] },
      })
      expect((await collectAfterEarlyStart(excluded)).listedAgain).toBe(false)
      const outside = earlyRun({ writes: { folders: [path.join(root, '..', 'store')], files: [] } })
      expect((await collectAfterEarlyStart(outside)).listedAgain).toBe(false)
    },
  )

  it.skipIf(availableParallelism() < 2)(
    'stops an early scan no collector took, and fails the collector with a scan that failed',
    async () => {
      const options = secretsOptions.parse({ type: 'secrets', path: '.' })
      // A run that fails before it collects: stop() ends the scan and its workers.
      setSecretsWorkerFile(worker)
      const unused = await prestartSecretsScans([options], root, earlyRun())
      await unused()
      // Nothing left to take: the next collector lists and scans by itself.
      setSecretsWorkerFile(undefined)
      const single = await collectSecrets(options, poolContext())
      expect(single.evidence.filter((e) => e.kind === 'secret.finding').length).toBe(planted.length)
      // Workers that die: the collector that takes their scan fails with it.
      const dying = path.join(build, 'dying-early-scan-worker.mjs')
      writeFileSync(dying, 'process.exit(6)\n')
      setSecretsWorkerFile(dying)
      const stop = await prestartSecretsScans([options], root, earlyRun())
      setSecretsWorkerFile(worker)
      await expect(collectSecrets(options, poolContext())).rejects.toThrow(/exited/)
      await stop()
    },
  )

  it.skipIf(availableParallelism() < 2)(
    'stops the workers a first run started before listing a tree that turns out too small for them',
    async () => {
      const small = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-small-'))
      try {
        writeFileSync(path.join(small, 'a.env'), `${secretLine(8)}\n`)
        planted.pop()
        const options = secretsOptions.parse({ type: 'secrets', path: '.' })
        // A worker that cannot start: were it kept for the scan, the collector would fail with it.
        const dying = path.join(build, 'dying-ahead-worker.mjs')
        writeFileSync(dying, 'process.exit(5)\n')
        setSecretsWorkerFile(dying)
        const stop = await prestartSecretsScans([options], small, earlyRun())
        // One small file: nothing kept for the collector, which lists and scans the tree by itself.
        setSecretsWorkerFile(worker)
        const context = { ...poolContext(), root: small }
        const collected = await collectSecrets(options, context)
        await stop()
        setSecretsWorkerFile(undefined)
        expect(collected).toEqual(await collectSecrets(options, context))
        expect(collected.evidence.filter((e) => e.kind === 'secret.finding')).toHaveLength(1)
      } finally {
        setSecretsWorkerFile(worker)
        rmSync(small, { recursive: true, force: true })
      }
    },
  )

  it('scans on the workers alone until this thread joins, and stops when asked', async () => {
    setSecretsWorkerFile(worker)
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const started = startTreeScan({ ...job(), files: all }, 2)
    // Long enough for the worker to have scanned a share or more alone.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await started.join(compileRules())).toEqual(
      await scanFiles({ ...job(), files: all }, compileRules()),
    )
    await started.abandon()
    // Stopped before it was joined: it settles, and joining it then fails.
    const stopped = startTreeScan({ ...job(), files: all }, 2)
    await stopped.abandon()
    await expect(stopped.join(compileRules())).rejects.toThrow(/stopped/)
  })

  it('leaves the shares to the runners until this thread may take them, and stops when told', async () => {
    const here: number[] = []
    let join: () => void = () => undefined
    const hereFrom = new Promise<void>((resolve) => {
      join = resolve
    })
    const ran: number[] = []
    const files = runShares(
      2000,
      2,
      async (start, end) => {
        here.push(start)
        return scanned(start, end, 1)
      },
      [
        runner(async (start, end) => {
          ran.push(start)
          if (ran.length === 3) join()
          return new Promise((resolve) => setTimeout(() => resolve(scanned(start, end, -1)), 5))
        }),
      ],
      { hereFrom },
    )
    expect((await files).map((f) => f.file)).toEqual(Array.from({ length: 2000 }, (_, i) => `f${i}`))
    // The runner's first shares were all taken before this thread joined.
    expect(Math.min(...here)).toBeGreaterThan(Math.max(...ran.slice(0, 2)))
    let stop: (error: Error) => void = () => undefined
    const stopped = new Promise<never>((_, reject) => {
      stop = reject
    })
    // A worker still starting is posted its first shares at once (queued until it listens): this
    // thread, busy elsewhere, would see its ready message late.
    let ready: () => void = () => undefined
    const posted: number[] = []
    const starting: ShareRunner = {
      ready: new Promise<void>((resolve) => {
        ready = resolve
      }),
      failed: new Promise<never>(() => undefined),
      run: async (start, end) => {
        posted.push(start)
        return scanned(start, end, -1)
      },
    }
    const early = runShares(200, 2, slowly, [starting], { hereFrom: Promise.resolve() })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(posted.length).toBeGreaterThan(0)
    ready()
    expect((await early).length).toBe(200)
    const never = new Promise<void>(() => undefined)
    const slow = runShares(2000, 2, slowly, [runner(slowly)], { hereFrom: never, stopped })
    stop(new Error('stopped by the run'))
    await expect(slow).rejects.toThrow('stopped by the run')
  })

  it('guesses from a sample of file sizes whether a tree is worth the workers', async () => {
    setSecretsWorkerFile(worker)
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const small = all.filter((f) => f !== 'big.log')
    expect(likelyThreads(root, all, 2)).toBe(2)
    expect(likelyThreads(root, small, 2)).toBe(1)
    expect(likelyThreads(root, all, 1)).toBe(1)
    expect(likelyThreads(root, all.slice(0, 10), 2)).toBe(1)
    setSecretsWorkerFile(undefined)
    expect(likelyThreads(root, all, 2)).toBe(1)
    setSecretsWorkerFile(worker)
  })

  // Stand-ins for the threads, so that who takes which share does not depend on a machine's timing.
  const scanned = (start: number, end: number, size: number): ScannedFile[] =>
    Array.from({ length: end - start }, (_, i) => ({
      file: `f${start + i}`,
      size,
      binary: false,
      found: [],
    }))
  const slowly = (start: number, end: number): Promise<ScannedFile[]> =>
    new Promise((resolve) => setTimeout(() => resolve(scanned(start, end, 1)), 2))
  const runner = (run: ShareRunner['run']): ShareRunner => ({
    ready: Promise.resolve(),
    failed: new Promise<never>(() => undefined),
    run,
  })

  it('scans shares on the calling thread as well as on a ready worker, joined in order', async () => {
    const files = await runShares(2000, 2, slowly, [runner(async (start, end) => scanned(start, end, -1))])
    expect(files.map((f) => f.file)).toEqual(Array.from({ length: 2000 }, (_, i) => `f${i}`))
    expect(files.some((f) => f.size === -1)).toBe(true)
    expect(files.some((f) => f.size === 1)).toBe(true)
  })

  it('takes the smallest shares on the calling thread until every worker has started', async () => {
    // Until the worker's ready message is seen, this thread scans 16 files at a time (seeing messages
    // in between), not an eighth of the tree: a worker that is ready gets shares at once.
    let start: () => void = () => undefined
    const starting: ShareRunner = {
      ready: new Promise<void>((resolve) => {
        start = resolve
      }),
      failed: new Promise<never>(() => undefined),
      run: (from, to) => new Promise((resolve) => setTimeout(() => resolve(scanned(from, to, -1)), 2)),
    }
    const here: number[] = []
    const files = await runShares(
      5031,
      2,
      async (from, to) => {
        here.push(to - from)
        if (here.length === 3) start()
        return scanned(from, to, 1)
      },
      [starting],
    )
    expect(files.map((f) => f.file)).toEqual(Array.from({ length: 5031 }, (_, i) => `f${i}`))
    expect(here.slice(0, 3)).toEqual([16, 16, 16])
    // Once the worker has started, this thread's shares are the usual ones, and the worker's too.
    expect(here[3]).toBeGreaterThan(16)
    expect(files.some((f) => f.size === -1)).toBe(true)
  })

  it('fails the scan when a share fails in a worker, or the worker cannot start or dies', async () => {
    await expect(
      runShares(2000, 2, slowly, [runner(() => Promise.reject(new Error('share could not be read')))]),
    ).rejects.toThrow('share could not be read')
    // A worker that has not started when this thread is done is waited for: its failure counts.
    const late: ShareRunner = {
      ready: new Promise<void>(() => undefined),
      failed: new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker failed')), 50)),
      run: async (start, end) => scanned(start, end, -1),
    }
    await expect(runShares(20, 2, async (s, e) => scanned(s, e, 1), [late])).rejects.toThrow('worker failed')
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const dying = path.join(build, 'dying-worker.mjs')
    writeFileSync(dying, 'process.exit(3)\n')
    setSecretsWorkerFile(dying)
    await expect(scanTreeFiles({ ...job(), files: all }, compileRules(), 2)).rejects.toThrow(/exited/)
    setSecretsWorkerFile(worker)
  })

  it('keeps a small tree, or one without a built worker, on the calling thread', async () => {
    setSecretsWorkerFile(worker)
    const all = await (await import('./walk.js')).listTree(root, () => false)
    const small = all.filter((f) => f !== 'big.log')
    expect(threadsFor(root, small, 2)).toBe(1)
    expect(threadsFor(root, all, 1)).toBe(1)
    setSecretsWorkerFile(undefined)
    expect(threadsFor(root, all, 2)).toBe(1)
    expect(parallelMinBytes).toBeGreaterThan(0)
  })

  it('cuts the file list into contiguous shares, smaller as it runs out, that cover it once', () => {
    const cover = (total: number, threads: number): number[] => {
      const sizes: number[] = []
      for (let start = 0; start < total; start = shareEnd(total, start, threads))
        sizes.push(shareEnd(total, start, threads) - start)
      return sizes
    }
    const sizes = cover(5031, 2)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5031)
    expect(sizes[0]).toBe(Math.ceil(5031 / 8))
    // Never larger than the one before; the last ones small.
    expect(sizes.every((size, i) => i === 0 || size <= (sizes[i - 1] ?? 0))).toBe(true)
    expect(sizes.at(-1)).toBeLessThanOrEqual(16)
    expect(cover(10, 4)).toEqual([10])
    expect(cover(0, 2)).toEqual([])
  })
})
