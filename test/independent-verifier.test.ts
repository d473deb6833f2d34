import { spawnSync } from 'node:child_process'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalBytes, type LedgerRecord, recordHash, sha256 } from '../src/core/ledger.js'
import { ed25519Signer, type SignedManifest, signManifest } from '../src/core/ledger-manifest.js'
import { copyDemo, trustctl } from './cli-harness.js'

/**
 * The Python verifier in docs/ is written from docs/ledger-format.md alone: these tests hold it and
 * trustctl's own `verify --bundle` to the same verdicts on the demo's bundle and on tampered copies.
 */

const script = path.resolve(import.meta.dirname, '..', 'docs', 'verify-bundle.py')
const pythonVersion = spawnSync('python3', ['--version'], { encoding: 'utf8' })
const hasPython = pythonVersion.error === undefined && pythonVersion.status === 0

function python(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync('python3', [script, ...args], { encoding: 'utf8' })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-independent-'))
const keyFile = path.join(work, 'signing.pem')
const previousKey = process.env.TRUSTCTL_SIGNING_KEY
let demo: { dir: string; cleanup: () => void } | undefined
const bundle = path.join(work, 'bundle')

/** A copy of the exported bundle to tamper with, and its records as the file holds them. */
function tamperable(name: string): { dir: string; records: LedgerRecord[]; save: () => void } {
  const dir = path.join(work, name)
  cpSync(bundle, dir, { recursive: true })
  const file = path.join(dir, 'records.jsonl')
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerRecord)
  const save = (): void => writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
  return { dir, records, save }
}

const blobFile = (dir: string, contentHash: string): string =>
  path.join(dir, 'blobs', contentHash.slice(0, 2), contentHash)

/** What a careful forger does after changing a blob: re-address it and re-hash its record. */
function rewriteBlob(dir: string, record: LedgerRecord, bytes: Buffer): LedgerRecord {
  const contentHash = sha256(bytes)
  mkdirSync(path.dirname(blobFile(dir, contentHash)), { recursive: true })
  writeFileSync(blobFile(dir, contentHash), bytes)
  const { hash: _old, ...fields } = { ...record, contentHash, blobRef: `sha256:${contentHash}` }
  return { ...fields, hash: recordHash(fields) }
}

/** Points bundle.json at the new last record, so only the ledger rules can catch the change. */
function resealIndex(dir: string, records: LedgerRecord[]): void {
  const file = path.join(dir, 'bundle.json')
  const index = JSON.parse(readFileSync(file, 'utf8'))
  const last = records.at(-1) as LedgerRecord
  index.chainHead = { seq: last.seq, hash: last.hash }
  index.records = records.length
  writeFileSync(file, `${JSON.stringify(index, null, 2)}\n`)
}

/** Both verifiers on one copy: Python's exit code and output, trustctl's exit code and output. */
async function both(dir: string, ...args: string[]) {
  const py = python(...args, dir)
  const ts = await trustctl(os.tmpdir(), 'verify', '--bundle', dir, ...args)
  return { py, ts }
}

beforeAll(async () => {
  if (!hasPython) return
  process.env.TRUSTCTL_SIGNING_KEY = keyFile
  demo = copyDemo()
  const assess = await trustctl(demo.dir, 'assess', '--format', 'json')
  expect([0, 1, 3]).toContain(assess.code)
  // A second signed run of another kind, so the bundle holds two manifests.
  const today = new Date().toISOString().slice(0, 10)
  const population = await trustctl(
    demo.dir,
    'population',
    'workload.containers-run-as-non-root',
    '--to',
    today,
  )
  expect(population.code).toBe(0)
  const exported = await trustctl(
    demo.dir,
    'export',
    '--from',
    '2000-01-01',
    '--to',
    '2100-01-01',
    '--out',
    bundle,
  )
  expect(exported.code).toBe(0)
}, 120_000)

afterAll(() => {
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  demo?.cleanup()
  rmSync(work, { recursive: true, force: true })
})

describe('python3 for the independent verifier', () => {
  // CI must run the independent verifier: a missing python3 there fails instead of skipping.
  it.runIf(process.env.CI !== undefined && process.env.CI !== '')('is installed in CI', () => {
    expect(pythonVersion.error?.message ?? pythonVersion.stderr).toBe('')
    expect(hasPython).toBe(true)
  })
})

describe.skipIf(!hasPython)('the independent Python verifier', () => {
  it("verifies the demo's bundle with the same counts as trustctl", async () => {
    const py = python(bundle)
    expect(py.stderr).toBe('')
    expect(py.code).toBe(0)
    const ts = await trustctl(os.tmpdir(), 'verify', '--bundle', bundle, '--format', 'json')
    expect(ts.code).toBe(0)
    const report = JSON.parse(ts.stdout) as {
      records: number
      manifests: number
      chainHead: { seq: number; hash: string }
    }
    expect(report.manifests).toBe(2)
    expect(py.stdout).toContain(`verified; ${report.records} records, ${report.manifests} manifests`)
    expect(py.stdout).toContain(`chain head ${report.chainHead.seq} ${report.chainHead.hash}`)
    const fingerprint = (JSON.parse(ts.stdout) as { keys: { fingerprint: string }[] }).keys[0]?.fingerprint
    expect(python('--key', fingerprint ?? '', bundle).code).toBe(0)
  })

  it('catches an edited record field', async () => {
    const copy = tamperable('edited-field')
    const target = copy.records[4] as LedgerRecord
    copy.records[4] = { ...target, source: `${target.source}x` }
    copy.save()
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(new RegExp(`record ${target.seq} .*the record was edited`))
    expect(ts.code).toBe(1)
  })

  it('catches one changed byte in a blob', async () => {
    const copy = tamperable('edited-blob')
    const target = copy.records.find((r) => r.kind === 'evidence') as LedgerRecord
    const file = blobFile(copy.dir, target.contentHash)
    const bytes = readFileSync(file)
    bytes[1] = (bytes[1] as number) ^ 1
    writeFileSync(file, bytes)
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(
      new RegExp(`record ${target.seq} .*does not hash to its address: its bytes were altered`),
    )
    expect(ts.code).toBe(1)
  })

  it('catches a deleted record', async () => {
    const copy = tamperable('deleted-record')
    const [gone] = copy.records.splice(9, 1)
    copy.save()
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(new RegExp(`record ${gone?.seq} is missing .*deleted from the ledger`))
    expect(ts.code).toBe(1)
  })

  it('catches two records swapped', async () => {
    const copy = tamperable('swapped-records')
    const [a, b] = copy.records.slice(9, 11) as [LedgerRecord, LedgerRecord]
    copy.records.splice(9, 2, b, a)
    copy.save()
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(/records were reordered or duplicated/)
    expect(py.stdout).toMatch(/the chain is broken/)
    expect(ts.code).toBe(1)
  })

  it('catches a manifest signed by a forger who re-hashed everything else', async () => {
    const copy = tamperable('forged-signature')
    const at = copy.records.findLastIndex((r) => r.kind === 'manifest')
    const record = copy.records[at] as LedgerRecord
    const signed = JSON.parse(readFileSync(blobFile(copy.dir, record.contentHash), 'utf8')) as SignedManifest
    const forger = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    // The forger keeps the real key's fingerprint, so the verifier must check the signature itself.
    const forged = { ...signManifest(signed.manifest, forger), manifest: signed.manifest }
    copy.records[at] = rewriteBlob(copy.dir, record, canonicalBytes(forged))
    // A careful forger also removes the genuine manifest's blob, which would be a file no record names.
    rmSync(blobFile(copy.dir, record.contentHash))
    expect(at).toBe(copy.records.length - 1)
    copy.save()
    resealIndex(copy.dir, copy.records)
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(
      new RegExp(
        `manifest of run ${record.runId} \\(record ${record.seq}\\): the Ed25519 signature does not verify`,
      ),
    )
    expect(py.stdout.match(/^problem:/gm)).toHaveLength(1)
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(/the signature does not verify/)
  })

  it('catches a manifest, signed with the real key, whose anchors name another record', async () => {
    const copy = tamperable('wrong-anchor')
    const at = copy.records.findIndex((r) => r.kind === 'manifest')
    const record = copy.records[at] as LedgerRecord
    const signed = JSON.parse(readFileSync(blobFile(copy.dir, record.contentHash), 'utf8')) as SignedManifest
    const anchors = signed.manifest.anchors ?? []
    expect(anchors.map((a) => a.kind)).toContain('assessment')
    // The model anchored at the position and hash of another of the run's records.
    const other = copy.records.find((r) => r.runId === record.runId && r.kind === 'evidence') as LedgerRecord
    const manifest = {
      ...signed.manifest,
      anchors: anchors.map((a) => (a.kind === 'assessment' ? { ...a, seq: other.seq, hash: other.hash } : a)),
    }
    const signer = ed25519Signer(createPrivateKey(readFileSync(keyFile)))
    copy.records[at] = rewriteBlob(copy.dir, record, canonicalBytes(signManifest(manifest, signer)))
    rmSync(blobFile(copy.dir, record.contentHash))
    copy.save()
    const { py, ts } = await both(copy.dir)
    const wrong = new RegExp(
      `manifest of run ${record.runId} \\(record ${record.seq}\\): it anchors assessment assessment at record ${other.seq}, but the run's last such record before its manifest is record \\d+`,
    )
    // The manifest record's new hash also breaks the link of the record after it: both are named.
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(wrong)
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(/it anchors assessment assessment at record \d+ with hash/)
  })

  it('refuses manifests signed by another key than the pinned one', async () => {
    const other = ed25519Signer(generateKeyPairSync('ed25519').privateKey).fingerprint
    const { py, ts } = await both(bundle, '--key', other)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(
      new RegExp(`signed by key [0-9a-f]{12}, not the pinned key ${other.slice(0, 12)}`),
    )
    expect(py.stdout.match(/^problem:/gm)).toHaveLength(2)
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(/signed by another key/)
  })

  it('catches a record added to a sealed run after its manifest', async () => {
    const copy = tamperable('after-manifest')
    const manifest = copy.records.find((r) => r.kind === 'manifest') as LedgerRecord
    const evidence = copy.records.find(
      (r) => r.kind === 'evidence' && r.runId === manifest.runId,
    ) as LedgerRecord
    const last = copy.records.at(-1) as LedgerRecord
    // Chained correctly at the end, blob and index in order: only the sealed-run rule can see it.
    const bytes = canonicalBytes({ kind: 'k8s.workload', name: 'backdated', namespace: 'prod' })
    const added = rewriteBlob(
      copy.dir,
      { ...evidence, id: 'k8s.workload:prod/backdated', seq: last.seq + 1, prevHash: last.hash },
      bytes,
    )
    copy.records.push(added)
    copy.save()
    resealIndex(copy.dir, copy.records)
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(
      new RegExp(
        `record ${added.seq} \\(evidence k8s.workload:prod/backdated\\) of run ${manifest.runId} comes after that run's manifest \\(record ${manifest.seq}\\)`,
      ),
    )
    // An export ends at a listed run's manifest, so the record is also past the bundle's seal.
    expect(py.stdout).toMatch(new RegExp(`record ${added.seq} .* follows the last signed manifest`))
    expect(py.stdout.match(/^problem:/gm)).toHaveLength(2)
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(/which its signed manifest already closed/)
  })

  it('catches a run appended past the last manifest, which no sealed-run rule sees', async () => {
    const copy = tamperable('past-the-seal')
    const last = copy.records.at(-1) as LedgerRecord
    const runStart = copy.records.find((r) => r.kind === 'run-start') as LedgerRecord
    // A new, unsealed run: its start record correctly chained after the bundle's last manifest.
    const runId = last.runId + 1
    const added = rewriteBlob(
      copy.dir,
      { ...runStart, id: `run-${runId}`, runId, seq: last.seq + 1, prevHash: last.hash },
      canonicalBytes({ runId, startedAt: runStart.collectedAt, toolVersion: 'forged' }),
    )
    copy.records.push(added)
    copy.save()
    resealIndex(copy.dir, copy.records)
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(new RegExp(`record ${added.seq} .* follows the last signed manifest`))
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(
      new RegExp(`record ${added.seq} \\(run-start run-${runId}\\) follows the last signed manifest`),
    )
  })

  it('verifies a bundle that starts mid-chain with the key recorded before it', async () => {
    const copy = tamperable('later-run')
    const sealed = copy.records.findIndex((r) => r.kind === 'manifest')
    const before = copy.records.splice(0, sealed + 1)
    const keyRecord = before.find((r) => r.kind === 'signing-key') as LedgerRecord
    const { publicKeyPem } = JSON.parse(readFileSync(blobFile(copy.dir, keyRecord.contentHash), 'utf8'))
    // An export of the later run holds only its own records' blobs (rule 9: no other file).
    const kept = new Set(copy.records.map((r) => r.contentHash))
    for (const r of before)
      if (!kept.has(r.contentHash)) rmSync(blobFile(copy.dir, r.contentHash), { force: true })
    writeFileSync(path.join(copy.dir, 'keys', `${keyRecord.id}.pem`), publicKeyPem)
    copy.save()
    const file = path.join(copy.dir, 'bundle.json')
    const index = JSON.parse(readFileSync(file, 'utf8'))
    const last = before.at(-1) as LedgerRecord
    index.start = { seq: last.seq, hash: last.hash }
    index.runs = [...new Set(copy.records.map((r) => r.runId))]
    index.keys = [{ fingerprint: keyRecord.id, file: `keys/${keyRecord.id}.pem` }]
    writeFileSync(file, JSON.stringify(index))
    resealIndex(copy.dir, copy.records)
    const { py, ts } = await both(copy.dir, '--key', keyRecord.id)
    expect(ts.code).toBe(0)
    expect(py.stderr).toBe('')
    expect(py.code).toBe(0)
    expect(py.stdout).toMatch(/verified; \d+ records, 1 manifest,/)
    // The same slice without its key file cannot be checked, and is not passed.
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), keys: [] }))
    const keyless = python(copy.dir)
    expect(keyless.code).toBe(1)
    expect(keyless.stdout).toMatch(/is signed by key [0-9a-f]{12}, which the bundle does not hold/)
  })

  it('names a file added to the bundle that no record or key accounts for', async () => {
    const copy = tamperable('extra-file')
    writeFileSync(path.join(copy.dir, 'blobs', 'notes.txt'), 'the auditor should read this too')
    mkdirSync(path.join(copy.dir, 'blobs', 'ff'), { recursive: true })
    writeFileSync(path.join(copy.dir, 'blobs', 'ff', 'f'.repeat(64)), '{"kind":"k8s.workload"}')
    const ts = await trustctl(os.tmpdir(), 'verify', '--bundle', copy.dir, '--format', 'json')
    expect(ts.code).toBe(1)
    const report = JSON.parse(ts.stdout) as { problems: { type: string; message: string }[] }
    expect(report.problems.map((p) => [p.type, p.message.split(':')[0]])).toEqual([
      ['bundle-extra-file', `blobs/ff/${'f'.repeat(64)}`],
      ['bundle-extra-file', 'blobs/notes.txt'],
    ])
    const alone = python(copy.dir)
    expect(alone.code).toBe(1)
    expect(alone.stdout).toContain('blobs/notes.txt: a file no record or key of the bundle accounts for')
    expect(alone.stdout).toContain(`blobs/ff/${'f'.repeat(64)}: a file no record or key`)
  })

  it('names the record whose blob file was deleted', async () => {
    const copy = tamperable('missing-blob')
    const target = copy.records.find((r) => r.kind === 'evidence') as LedgerRecord
    rmSync(blobFile(copy.dir, target.contentHash))
    const { py, ts } = await both(copy.dir)
    expect(py.code).toBe(1)
    expect(py.stdout).toMatch(new RegExp(`record ${target.seq} .*blob [0-9a-f]+ is missing from the bundle`))
    expect(ts.code).toBe(1)
    expect(ts.stdout).toMatch(new RegExp(`record ${target.seq} .*blob ${target.blobRef} is missing`))
  })

  it('exits 2 on a folder that is not a bundle, and on misuse', () => {
    const notBundle = python(work)
    expect(notBundle.code).toBe(2)
    expect(notBundle.stderr).toMatch(/cannot read bundle.json/)
    const misuse = python()
    expect(misuse.code).toBe(2)
    expect(misuse.stderr).toMatch(/usage: verify-bundle.py/)
  })
})
