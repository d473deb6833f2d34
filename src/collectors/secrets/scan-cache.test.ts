import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SecretFinding } from '../../core/evidence-secrets.js'
import type { ParseCache, ParsedInput } from '../source-collector.js'
import { collectSecrets, secretsOptions } from './index.js'
import { scanThroughCache, shardHash, shardsOf } from './scan-cache.js'
import { type ScanJob, scanFiles } from './scan-files.js'
import { compileRules } from './scan-text.js'
import { listTree } from './walk.js'

// Incremental secrets scans: a re-run over unchanged files reads their findings back from the parse
// cache, a changed file has its shard scanned again, and nothing cached holds a secret in clear.
// Fake credentials are assembled at run time so this file itself holds none a scanner would flag.

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const token = (n: number): string => `${'ghp_'}${'Zq8'.repeat(11)}${String(n).padStart(3, '0')}`
const password = (n: number): string => `Orbit${n}ry#9x`

/** A cache in memory that records what it was asked and given. */
function memoryCache(): ParseCache & { entries: Map<string, ParsedInput>; asked: string[] } {
  const entries = new Map<string, ParsedInput>()
  const asked: string[] = []
  return {
    entries,
    asked,
    get: async (key) => {
      asked.push(key)
      return entries.get(key)
    },
    set: (key, parsed) => {
      entries.set(key, structuredClone(parsed))
    },
  }
}

/** A tree of several folders, each with a few files, every third one holding two secrets. */
function tree(name: string): string {
  const root = path.join(dir, name)
  for (let i = 0; i < 40; i++) {
    const folder = path.join(root, `pkg-${i % 5}`, i % 2 === 0 ? 'src' : '')
    mkdirSync(folder, { recursive: true })
    const secret = i % 3 === 0 ? `TOKEN="${token(i)}"\ndb_password=${password(i)}\n` : ''
    writeFileSync(path.join(folder, `file-${i}.env`), `# file ${i}\nuser=alice\n${secret}`)
  }
  return root
}

const options = (allow: unknown[] = []) => secretsOptions.parse({ type: 'secrets', path: '.', allow })
const run = (root: string, parseCache?: ParseCache, salt = 'salt-1', allow: unknown[] = []) =>
  collectSecrets(options(allow), {
    root,
    where: 'sources[0]',
    now: new Date('2026-12-01T00:00:00Z'),
    env: {},
    fingerprintSalt: salt,
    ...(parseCache === undefined ? {} : { parseCache }),
  })

const findingsOf = (c: Awaited<ReturnType<typeof run>>): SecretFinding[] =>
  c.evidence.filter((e): e is SecretFinding => e.kind === 'secret.finding')

/** Marks every cached finding, so that a finding read back is told apart from one scanned again. */
function markAll(cache: ReturnType<typeof memoryCache>): void {
  for (const [key, parsed] of cache.entries)
    cache.entries.set(key, {
      ...parsed,
      evidence: parsed.evidence.map((e) => ({ ...e, preview: 'from-the-cache' })),
    })
}

describe('secrets scan through the parse cache', () => {
  it('finds the same as without a cache, and reads every unchanged shard back on a re-run', async () => {
    const root = tree('rerun')
    const plain = await run(root)
    const cache = memoryCache()
    const first = await run(root, cache)
    expect(first.evidence).toEqual(plain.evidence)
    expect(findingsOf(first).length).toBe(28)
    expect(first.inputs[0]?.reused).toBeUndefined()
    expect(cache.entries.size).toBeGreaterThan(5)

    markAll(cache)
    const second = await run(root, cache)
    expect(findingsOf(second).map((f) => f.preview)).toEqual(findingsOf(first).map(() => 'from-the-cache'))
    expect(findingsOf(second).map((f) => f.name)).toEqual(findingsOf(first).map((f) => f.name))
    expect(second.evidence[0]).toEqual(first.evidence[0])
    expect(second.inputs).toEqual([{ ...first.inputs[0], reused: true }])
  })

  it('scans a changed file again with the rest of its shard, and only that shard', async () => {
    const root = tree('changed')
    const cache = memoryCache()
    await run(root, cache)
    markAll(cache)
    writeFileSync(path.join(root, 'pkg-1', 'file-1.env'), `secret_token=${token(999)}\n`)
    const after = findingsOf(await run(root, cache))
    const scanned = after.filter((f) => f.preview !== 'from-the-cache')
    // file-1 is the changed file; file-6, -11, …, -36 share its folder (pkg-1, no src): scanned again.
    expect(new Set(scanned.map((f) => f.file.split('/')[0]))).toEqual(new Set(['pkg-1']))
    expect(scanned.some((f) => f.file === 'pkg-1/file-1.env')).toBe(true)
    expect(after.filter((f) => f.preview === 'from-the-cache').length).toBeGreaterThan(10)
  })

  it('keeps only redacted findings: no secret value is in what it gives the cache', async () => {
    const root = tree('redacted')
    const cache = memoryCache()
    await run(root, cache)
    const stored = JSON.stringify([...cache.entries])
    for (let i = 0; i < 40; i += 3) {
      expect(stored).not.toContain(token(i))
      expect(stored).not.toContain(password(i))
      expect(stored).not.toContain(token(i).slice(8))
    }
  })

  it('reuses nothing under another salt or another allow list', async () => {
    const root = tree('settings')
    const cache = memoryCache()
    await run(root, cache)
    markAll(cache)
    const salted = findingsOf(await run(root, cache, 'salt-2'))
    expect(salted.some((f) => f.preview === 'from-the-cache')).toBe(false)
    const allowed = findingsOf(await run(root, cache, 'salt-1', [{ path: 'pkg-0/**' }]))
    expect(allowed.some((f) => f.preview === 'from-the-cache')).toBe(false)
    expect(allowed.filter((f) => f.allowed !== undefined).length).toBeGreaterThan(0)
  })

  it('ignores a cached entry that names files outside its shard', async () => {
    const root = tree('tampered')
    const cache = memoryCache()
    await run(root, cache)
    for (const [key, parsed] of cache.entries)
      cache.entries.set(key, {
        ...parsed,
        evidence: parsed.evidence.map((e) => ({ ...e, file: 'elsewhere.env', preview: 'from-the-cache' })),
      })
    const again = findingsOf(await run(root, cache))
    expect(again.length).toBe(28)
    expect(again.some((f) => f.preview === 'from-the-cache' || f.file === 'elsewhere.env')).toBe(false)
  })
})

describe('shards', () => {
  it('cut the sorted files where the folder changes and every so many files, each named once', () => {
    const files = ['a/b.txt', 'a/b/c.txt', 'a/c.txt', 'a/d.txt', 'a/e.txt', 'top.txt']
    expect(shardsOf(files, 2)).toEqual([
      { start: 0, end: 1, name: 'a/' },
      { start: 1, end: 2, name: 'a/b/' },
      { start: 2, end: 4, name: 'a/#1' },
      { start: 4, end: 5, name: 'a/#2' },
      { start: 5, end: 6, name: './' },
    ])
    expect(shardsOf([])).toEqual([])
  })
})

describe('shards of a large tree', () => {
  it('are the runs of one folder of at most so many files, in order, named as before', () => {
    // A plain restatement: a shard ends where the next file's folder differs or the shard is full.
    const reference = (files: string[], size: number) => {
      const out: { start: number; end: number; name: string }[] = []
      const seen = new Map<string, number>()
      const folder = (f: string) => path.posix.dirname(f)
      let start = 0
      for (let i = 1; i <= files.length; i++) {
        if (
          i < files.length &&
          i - start < size &&
          folder(files[i] as string) === folder(files[start] as string)
        )
          continue
        const n = seen.get(folder(files[start] as string)) ?? 0
        seen.set(folder(files[start] as string), n + 1)
        const f = folder(files[start] as string)
        out.push({ start, end: i, name: n === 0 ? `${f}/` : `${f}/#${n}` })
        start = i
      }
      return out
    }
    const files = Array.from({ length: 700 }, (_, i) =>
      i % 97 === 0 ? `top-${i}.txt` : `pkg-${Math.floor(i / 90)}/${i % 3 === 0 ? 'src/' : ''}f-${i}.ts`,
    ).sort()
    for (const size of [1, 2, 7, 64]) expect(shardsOf(files, size)).toEqual(reference(files, size))
    expect(shardsOf(['only.txt'])).toEqual([{ start: 0, end: 1, name: './' }])
  })
})

describe('shard hashes', () => {
  it("are of the settings, then each file's name, size and hash, as the cache keys of earlier runs", () => {
    const digests = [
      { size: 12, sha256: 'a'.repeat(64) },
      { size: 0, sha256: 'b'.repeat(64) },
    ]
    // Written out one update at a time, as the keys already in stores were made.
    const expected = createHash('sha256')
      .update('settings-digest')
      .update(`\nsrc/a.env\0${12}\0${'a'.repeat(64)}`)
      .update(`\nsrc/b.env\0${0}\0${'b'.repeat(64)}`)
      .digest('hex')
    expect(shardHash('settings-digest', ['src/a.env', 'src/b.env'], digests)).toBe(expected)
    expect(shardHash('settings-digest', ['src/b.env', 'src/a.env'], digests)).not.toBe(expected)
    expect(() => shardHash('s', ['one', 'two'], digests.slice(0, 1))).toThrow(/no digest of two/)
  })
})

describe("starting the scan's threads early", () => {
  const io = (starts: number[]) => ({
    settings: 'settings',
    toFinding: (file: string) => ({ kind: 'secret.finding', file }) as SecretFinding,
    label: (file: string) => file,
    threads: () => 1,
    startEarly: () => {
      starts.push(1)
      return undefined
    },
  })

  it('is asked for once on a first run, and not on a re-run whose first shard is cached', async () => {
    const root = tree('early')
    const files = await listTree(root, () => false)
    const job: ScanJob = { root, files, salt: 'salt-1', allow: [], where: 'sources[0]' }
    const cache = memoryCache()
    const starts: number[] = []
    const first = await scanThroughCache(job, compileRules(), cache, io(starts))
    expect(starts).toEqual([1])
    expect(first.reused).toBe(false)
    const again: number[] = []
    const second = await scanThroughCache(job, compileRules(), cache, io(again))
    expect(again).toEqual([])
    expect(second.reused).toBe(true)
    expect(second.files).toEqual(first.files)
  })
})

describe('a scan already running (a first run scanned early)', () => {
  const io = {
    settings: 'settings',
    toFinding: (file: string, found: { line: number }) =>
      ({ kind: 'secret.finding', file, line: found.line }) as SecretFinding,
    label: (file: string) => file,
    threads: () => 1,
  }

  it('makes each shard’s entry once its files are scanned, in the tree’s order, whatever order shares come in', async () => {
    const root = tree('shares')
    const files = await listTree(root, () => false)
    const job: ScanJob = { root, files, salt: 'salt-1', allow: [], where: 'sources[0]', hash: true }
    const all = await scanFiles(job, compileRules())
    const shards = shardsOf(files)
    expect(shards.length).toBeGreaterThan(4)
    // The plain way: the whole scan handed over at once.
    const whole = memoryCache()
    const expected = await scanThroughCache(job, compileRules(), whole, {
      ...io,
      scanned: async () => all,
    })
    // Shares of 7 files come back last first; the entries of the shards they complete are made at once.
    const cache = memoryCache()
    const madeWhileScanning: number[] = []
    const result = await scanThroughCache(job, compileRules(), cache, {
      ...io,
      scanned: async (onShare) => {
        const starts = Array.from({ length: Math.ceil(all.length / 7) }, (_, i) => i * 7).reverse()
        for (const start of starts) {
          onShare(start, all.slice(start, start + 7))
          madeWhileScanning.push(cache.entries.size)
        }
        // Before the scan says it is done, every shard's entry is made.
        expect(cache.entries.size).toBe(shards.length)
        return all
      },
    })
    // Nothing could be made until the tree's first files came back, then everything was.
    expect(madeWhileScanning.at(-2)).toBe(0)
    expect(madeWhileScanning.at(-1)).toBe(shards.length)
    expect(result).toEqual(expected)
    expect([...cache.entries]).toEqual([...whole.entries])
  })
})
