import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parserVersions } from '../collectors/parser-versions.js'
import type { ParsedInput } from '../collectors/source-collector.js'
import type { AssessmentModel } from '../core/assessment.js'
import { evidenceSchemaVersion } from '../core/evidence.js'
import { canonicalBytes, sha256 } from '../core/ledger.js'
import { ed25519Signer } from '../core/ledger-manifest.js'
import { recordAssessment } from '../store/ledger-operations.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import { parserFingerprint, parseStoreKey, StoredParseCache } from './parse-cache.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-parse-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const key = `dockerfile:${'a'.repeat(64)}:Dockerfile`
const parsed: ParsedInput = {
  isManifest: true,
  evidence: [
    {
      kind: 'container.dockerfile',
      resourceKind: 'Dockerfile',
      name: 'Dockerfile',
      file: 'Dockerfile',
      line: 1,
      stages: [],
      finalStage: 0,
      variables: [],
      copies: [],
    },
  ],
  errors: [],
}
const model = {
  generatedAt: '2026-11-01T00:00:00Z',
  asOf: '2026-11-01',
  findings: [],
  controls: [],
  gaps: [],
}

/** Records one run whose parse cache remembered `parsed` under `key`, as `assess` does. */
async function storeWithCachedParse(
  file: string,
  parsers = parserVersions,
  result: ParsedInput = parsed,
  rawBudget?: number,
): Promise<SqliteStore> {
  const store = new SqliteStore(file)
  const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint, parsers)
  if (rawBudget !== undefined) cache.rawBudget = rawBudget
  cache.set(key, result)
  await recordAssessment(store, {
    model: model as unknown as AssessmentModel,
    evidence: result.evidence,
    inputs: [],
    signer,
    toolVersion: '1.0.0',
    extraEntries: cache.entries(),
    remember: cache.remembered(),
  })
  return store
}

describe('the parse cache key', () => {
  it('names the tool version, a parser fingerprint and the input', () => {
    expect(parseStoreKey('1.0.0', key)).toBe(`parse:1.0.0:${parserFingerprint('dockerfile')}:${key}`)
    expect(parserFingerprint('dockerfile')).toMatch(/^[0-9a-f]{16}$/)
  })

  it('changes with the parser version of the collector that read the input, and only that one', () => {
    const bumped = { ...parserVersions, dockerfile: (parserVersions.dockerfile ?? 0) + 1 }
    expect(parseStoreKey('1.0.0', key, bumped)).not.toBe(parseStoreKey('1.0.0', key))
    const other = `kubernetes:${'a'.repeat(64)}:deploy.yaml`
    expect(parseStoreKey('1.0.0', other, bumped)).toBe(parseStoreKey('1.0.0', other))
  })

  it('changes with the evidence schema version and differs between collectors', () => {
    expect(parserFingerprint('dockerfile', parserVersions, evidenceSchemaVersion + 1)).not.toBe(
      parserFingerprint('dockerfile'),
    )
    expect(parserFingerprint('dockerfile')).not.toBe(parserFingerprint('kubernetes'))
  })

  it('has a parser version for every collector whose results are cached', () => {
    expect(Object.keys(parserVersions).sort()).toEqual([
      'auto-cloudformation',
      'auto-kubernetes-json',
      'auto-terraform-plan',
      'cloudformation',
      'dockerfile',
      'github-actions',
      'gitlab-ci',
      'kubernetes',
      'terraform',
      'terraform-plan',
    ])
  })
})

describe('a stored parse result', () => {
  it('keeps the reader that recognised the input, so a reused template is not reported as Kubernetes', async () => {
    const recognised: ParsedInput = { ...parsed, collector: 'cloudformation' }
    const store = await storeWithCachedParse(path.join(dir, 'reader.db'), parserVersions, recognised)
    try {
      const got = await new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint).get(key)
      expect(got).toEqual(recognised)
      expect(got?.collector).toBe('cloudformation')
    } finally {
      await store.close()
    }
  })

  it('keeps the items per file of a result made of several files (a Terraform module set)', async () => {
    const moduleSet: ParsedInput = { ...parsed, items: [2, 0, 5] }
    const store = await storeWithCachedParse(path.join(dir, 'items.db'), parserVersions, moduleSet)
    try {
      const got = await new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint).get(key)
      expect(got?.items).toEqual([2, 0, 5])
    } finally {
      await store.close()
    }
  })

  it('is reused by the same tool and parser versions', async () => {
    const store = await storeWithCachedParse(path.join(dir, 'same.db'))
    try {
      const got = await new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint).get(key)
      expect(got).toEqual(parsed)
    } finally {
      await store.close()
    }
  })

  it('is not reused once the parser version is bumped within the same tool version', async () => {
    const store = await storeWithCachedParse(path.join(dir, 'bumped.db'))
    try {
      const bumped = { ...parserVersions, dockerfile: (parserVersions.dockerfile ?? 0) + 1 }
      const cache = new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint, bumped)
      expect(await cache.get(key)).toBeUndefined()
      expect(cache.ignored).toBe(0)
    } finally {
      await store.close()
    }
  })
})

describe('looking up parse results', () => {
  /** The store, with the number of chained cache lookups made through it. */
  function counted(store: SqliteStore): { store: SqliteStore; lookups: () => number } {
    let lookups = 0
    const proxy = new Proxy(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property === 'chainedCache') lookups++
        return (value as (...args: unknown[]) => unknown).bind(target)
      },
    })
    return { store: proxy, lookups: () => lookups }
  }

  it('asks a store that remembers nothing yet (a first run) about no input', async () => {
    const fresh = new SqliteStore(path.join(dir, 'fresh.db'))
    try {
      const { store, lookups } = counted(fresh)
      const cache = new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint)
      expect(await cache.get(key)).toBeUndefined()
      expect(await cache.get(`kubernetes:${'b'.repeat(64)}:deploy.yaml`)).toBeUndefined()
      expect(lookups()).toBe(0)
      expect(cache.ignored).toBe(0)
    } finally {
      await fresh.close()
    }
  })

  it('looks each input up in a store that remembers results', async () => {
    const cached = await storeWithCachedParse(path.join(dir, 'looked-up.db'))
    try {
      const { store, lookups } = counted(cached)
      const cache = new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint)
      expect(await cache.get(key)).toEqual(parsed)
      expect(await cache.get(`kubernetes:${'b'.repeat(64)}:deploy.yaml`)).toBeUndefined()
      expect(lookups()).toBe(2)
    } finally {
      await cached.close()
    }
  })
})

describe('parse results held until the run is recorded', () => {
  const manyFiles = (n: number): [string, ParsedInput][] =>
    Array.from({ length: n }, (_, i) => [
      `dockerfile:${String(i).padStart(64, '0')}:svc-${i}/Dockerfile`,
      structuredClone({
        ...parsed,
        evidence: [{ ...parsed.evidence[0], name: `svc-${i}`, file: `svc-${i}/Dockerfile` }],
      }) as ParsedInput,
    ])

  it('past the raw budget are held compressed and recorded as the very bytes parsed', async () => {
    const store = new SqliteStore(path.join(dir, 'held.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const files = manyFiles(4)
      // Room for the first result only: the other three are held compressed.
      cache.rawBudget = canonicalBytes(files[0]?.[1]).byteLength
      for (const [k, result] of files) cache.set(k, result)
      const entries = [...cache.entries()]
      expect(entries.map((e) => Buffer.from(e.content).toString('utf8'))).toEqual(
        files.map(([, result]) => canonicalBytes(result).toString('utf8')),
      )
      expect(cache.remembered().map((r) => r.blobRef)).toEqual(
        files.map(([, result]) => `sha256:${sha256(canonicalBytes(result))}`),
      )
    } finally {
      await store.close()
    }
  })

  it('are the results as parsed, whatever happens to the items afterwards', async () => {
    const store = new SqliteStore(path.join(dir, 'snapshot.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const [[k, result]] = manyFiles(1) as [[string, ParsedInput]]
      const before = canonicalBytes(result).toString('utf8')
      cache.set(k, result)
      // A Dockerfile's copies are annotated once every file is read: no part of its parse result.
      ;(result.evidence[0] as { copies: unknown[] }).copies.push({ sources: ['.env'] })
      expect([...cache.entries()].map((e) => Buffer.from(e.content).toString('utf8'))).toEqual([before])
    } finally {
      await store.close()
    }
  })

  it('held compressed, is reused by the next run like any other', async () => {
    const store = await storeWithCachedParse(path.join(dir, 'compressed.db'), parserVersions, parsed, 0)
    try {
      const got = await new StoredParseCache(store, '1.0.0', 'x', signer.fingerprint).get(key)
      expect(got).toEqual(parsed)
    } finally {
      await store.close()
    }
  })
})

describe('item bytes made while parsing', () => {
  const k8sKey = `kubernetes:${'b'.repeat(64)}:deploy/app.yaml`
  const k8sResult = (): ParsedInput =>
    structuredClone({
      isManifest: true,
      collector: 'kubernetes',
      evidence: [
        {
          kind: 'k8s.namespace',
          resourceKind: 'Namespace',
          name: 'team-ü',
          file: 'deploy/app.yaml',
          line: 1,
          labels: { 'z-last': 'x', 'a-first': 'é"\\\u2028' },
          annotations: {},
        },
        parsed.evidence[0],
      ],
      errors: [{ file: 'deploy/app.yaml', line: 9, message: 'a "quoted" problem' }],
    }) as ParsedInput

  it('splice into the same bytes as the result serialised whole', async () => {
    const store = new SqliteStore(path.join(dir, 'splice.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const result = k8sResult()
      const whole = canonicalBytes(result).toString('utf8')
      cache.set(k8sKey, result)
      expect([...cache.entries()].map((e) => Buffer.from(e.content).toString('utf8'))).toEqual([whole])
      expect(cache.remembered()[0]?.blobRef).toBe(`sha256:${sha256(Buffer.from(whole))}`)
    } finally {
      await store.close()
    }
  })

  it('are handed over once, for Kubernetes items only, as the item serialises', async () => {
    const store = new SqliteStore(path.join(dir, 'item-bytes.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const result = k8sResult()
      const [namespace, dockerfile] = result.evidence as [
        ParsedInput['evidence'][number],
        ParsedInput['evidence'][number],
      ]
      cache.set(k8sKey, result)
      expect(cache.itemBytes(namespace)?.toString('utf8')).toBe(canonicalBytes(namespace).toString('utf8'))
      expect(cache.itemBytes(namespace)).toBeUndefined()
      // A Dockerfile's copies are annotated after parsing: its bytes are made again when recorded.
      expect(cache.itemBytes(dockerfile)).toBeUndefined()
      // Another object with the same content is not the item parsed.
      expect(cache.itemBytes(structuredClone(namespace))).toBeUndefined()
    } finally {
      await store.close()
    }
  })

  it("are handed over for the secrets scan's findings, which nothing changes once cached", async () => {
    const store = new SqliteStore(path.join(dir, 'item-bytes-secrets.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const finding = {
        kind: 'secret.finding',
        resourceKind: 'Secret',
        name: 'src/app.ts:3',
        file: 'src/app.ts',
        line: 3,
        column: 10,
        rule: 'github-token',
        ruleTitle: 'GitHub token',
        preview: 'ghp_…(40)',
        fingerprint: 'f'.repeat(32),
      } as ParsedInput['evidence'][number]
      cache.set(`secrets:${'c'.repeat(64)}:src/`, { isManifest: true, evidence: [finding], errors: [] })
      expect(cache.itemBytes(finding)?.toString('utf8')).toBe(canonicalBytes(finding).toString('utf8'))
    } finally {
      await store.close()
    }
  })

  it('are let go by releaseItems', async () => {
    const store = new SqliteStore(path.join(dir, 'item-release.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const result = k8sResult()
      cache.set(k8sKey, result)
      cache.releaseItems()
      expect(cache.itemBytes(result.evidence[0] as ParsedInput['evidence'][number])).toBeUndefined()
    } finally {
      await store.close()
    }
  })
})

describe('taking the parse results for recording', () => {
  it('yields what entries() does, raw or compressed, and only once', async () => {
    const store = new SqliteStore(path.join(dir, 'take.db'))
    try {
      const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint)
      const files = Array.from({ length: 3 }, (_, i) => [
        `dockerfile:${String(i).padStart(64, '0')}:svc-${i}/Dockerfile`,
        structuredClone({
          ...parsed,
          evidence: [{ ...parsed.evidence[0], name: `svc-${i}` }],
        }) as ParsedInput,
      ]) as [string, ParsedInput][]
      cache.rawBudget = canonicalBytes(files[0]?.[1]).byteLength
      for (const [k, result] of files) cache.set(k, result)
      const expected = [...cache.entries()].map((e) => Buffer.from(e.content).toString('utf8'))
      const remembered = cache.remembered()
      const taken = [...cache.takeEntries()]
      expect(taken.map((e) => Buffer.from(e.content).toString('utf8'))).toEqual(expected)
      // Each carries the hash made when it was serialised (raw or compressed): the ledger hashes none again.
      expect(taken.map((e) => e.contentHash)).toEqual(taken.map((e) => sha256(e.content)))
      // What is remembered after the run commits does not depend on the content held.
      expect(cache.remembered()).toEqual(remembered)
      expect(() => [...cache.takeEntries()]).toThrow(/already taken/)
    } finally {
      await store.close()
    }
  })
})
