import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parserVersions } from '../collectors/parser-versions.js'
import type { ParsedInput } from '../collectors/source-collector.js'
import type { AssessmentModel } from '../core/assessment.js'
import { evidenceSchemaVersion } from '../core/evidence.js'
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
): Promise<SqliteStore> {
  const store = new SqliteStore(file)
  const cache = new StoredParseCache(store, '1.0.0', model.generatedAt, signer.fingerprint, parsers)
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
