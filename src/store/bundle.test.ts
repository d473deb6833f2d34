import { generateKeyPairSync } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.js'
import { canonicalBytes, type LedgerEntry, type LedgerRecord, sha256 } from '../core/ledger.js'
import { ed25519Signer } from '../core/ledger-manifest.js'
import { exportBundle, verifyBundle } from './bundle.js'
import { ingestInputs } from './ingest.js'
import { SqliteStore } from './sqlite/sqlite-store.js'

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-bundle-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const at = '2026-12-06T00:00:00.000Z'
const bundle = path.join(work, 'bundle')
/** Larger than the first buffer the blob reader holds (64 KiB), so reading it must grow the buffer. */
const bigPad = 'p'.repeat(200_000)

const workload = (i: number, j: number): LedgerEntry => ({
  kind: 'evidence',
  id: `k8s.workload:prod/app-${i}-${j}`,
  source: `deploy/app-${i}.yaml`,
  collector: 'kubernetes',
  collectorVersion: 'test',
  collectedAt: at,
  effectiveAt: at,
  content: canonicalBytes({
    kind: 'k8s.workload',
    name: `app-${i}-${j}`,
    namespace: 'prod',
    // One evidence item far larger than the rest; two with the same content share one blob file.
    pad: i === 0 && j === 0 ? bigPad : j >= 3 ? 'shared' : `pad-${i}-${j}`,
  }),
})

beforeAll(async () => {
  const store = new SqliteStore(path.join(work, 'store', 'trustctl.db'))
  const runId = await store.beginRun({ startedAt: at, toolVersion: 'test', signer })
  await ingestInputs(
    store,
    runId,
    Array.from({ length: 3 }, (_, i) => ({
      source: `deploy/app-${i}.yaml`,
      collector: 'kubernetes',
      collectorVersion: 'test',
      sha256: sha256(`input-${i}`),
      parse: () => Array.from({ length: 5 }, (_, j) => workload(i, j)),
    })),
    { collectedAt: at },
  )
  await store.finishRun(runId, '2026-12-06T00:00:01.000Z', signer)
  await exportBundle(store, { from: '2026-12-06', to: '2026-12-06', dir: bundle, exportedAt: at })
  await store.close()
}, 60_000)

/** A copy of the bundle, its records.jsonl lines as exported, and a way to write them back. */
function copyOf(name: string): { dir: string; lines: string[]; write: (text: string) => void } {
  const dir = path.join(work, name)
  cpSync(bundle, dir, { recursive: true })
  const file = path.join(dir, 'records.jsonl')
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1)
  return { dir, lines, write: (text) => writeFileSync(file, text) }
}

const blobOf = (dir: string, record: Pick<LedgerRecord, 'contentHash'>): string =>
  path.join(dir, 'blobs', record.contentHash.slice(0, 2), record.contentHash)

describe('verifyBundle reads records.jsonl line by line', () => {
  it('verifies the exported bundle, the large blob and the shared one included', async () => {
    const report = await verifyBundle(bundle, { pinnedKey: signer.fingerprint })
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.manifests).toBe(1)
    expect(report.blobBytes).toBeGreaterThan(bigPad.length)
  })

  it('gives the same report for CRLF line breaks and a last line without a line break', async () => {
    const copy = copyOf('crlf')
    copy.write(copy.lines.join('\r\n'))
    const exported = await verifyBundle(bundle, { pinnedKey: signer.fingerprint })
    const report = await verifyBundle(copy.dir, { pinnedKey: signer.fingerprint })
    expect(report).toEqual(exported)
  })

  it('skips blank lines but counts them when it names the line of a malformed record', async () => {
    const copy = copyOf('malformed')
    const [first, second, ...rest] = copy.lines
    copy.write(`${first}\r\n\r\n${second}\n  \n{"seq": 3,\n${rest.join('\n')}\n`)
    const failure = verifyBundle(copy.dir)
    await expect(failure).rejects.toBeInstanceOf(ConfigError)
    await expect(failure).rejects.toThrow(`${path.join(copy.dir, 'records.jsonl')}:5: not a JSON record (`)
  })

  it('refuses a line that is JSON but not a record object, naming its line', async () => {
    for (const [name, line, kind] of [
      ['null-line', 'null', 'null'],
      ['array-line', '[1,2]', 'an array'],
      ['number-line', '42', 'a number'],
    ] as const) {
      const copy = copyOf(name)
      copy.write(`${copy.lines[0]}\n${line}\n${copy.lines.slice(1).join('\n')}\n`)
      await expect(verifyBundle(copy.dir)).rejects.toThrow(
        `records.jsonl:2: not a JSON record (a record is an object, this line is ${kind})`,
      )
    }
  })

  it('catches one changed byte past the first 64 KiB of a large blob', async () => {
    const copy = copyOf('big-blob-edited')
    const records = copy.lines.map((line) => JSON.parse(line) as LedgerRecord)
    const big = records.find((r) => r.id === 'k8s.workload:prod/app-0-0') as LedgerRecord
    const bytes = readFileSync(blobOf(copy.dir, big))
    expect(bytes.length).toBeGreaterThan(128 * 1024)
    bytes[150_000] = (bytes[150_000] as number) ^ 1
    writeFileSync(blobOf(copy.dir, big), bytes)
    const report = await verifyBundle(copy.dir, { pinnedKey: signer.fingerprint })
    expect(report.problems.map((p) => [p.type, p.seq])).toEqual([['blob-mismatch', big.seq]])
  })

  it('names a deleted blob, a blob replaced by a folder, and every file no record accounts for, sorted', async () => {
    const copy = copyOf('files')
    const records = copy.lines.map((line) => JSON.parse(line) as LedgerRecord)
    const deleted = records.find((r) => r.id === 'k8s.workload:prod/app-1-1') as LedgerRecord
    const folder = records.find((r) => r.id === 'k8s.workload:prod/app-2-1') as LedgerRecord
    rmSync(blobOf(copy.dir, deleted))
    rmSync(blobOf(copy.dir, folder))
    mkdirSync(blobOf(copy.dir, folder))
    writeFileSync(path.join(blobOf(copy.dir, folder), 'inside'), 'x')
    const sibling = `${folder.contentHash.slice(0, 2)}${'0'.repeat(62)}`
    writeFileSync(path.join(copy.dir, 'blobs', folder.contentHash.slice(0, 2), sibling), 'x')
    writeFileSync(path.join(copy.dir, 'README'), 'read me')
    writeFileSync(path.join(copy.dir, 'keys', 'extra.pem'), 'not listed')
    const report = await verifyBundle(copy.dir, { pinnedKey: signer.fingerprint })
    const folderFile = `blobs/${folder.contentHash.slice(0, 2)}/${folder.contentHash}`
    const extra = [
      'README',
      `${folderFile}/inside`,
      `blobs/${folder.contentHash.slice(0, 2)}/${sibling}`,
      'keys/extra.pem',
    ].sort()
    // The records are intact (the manifest's totals match): only the blob files were touched.
    expect(report.problems.map((p) => [p.type, p.seq ?? p.message.split(':')[0]])).toEqual([
      ['blob-missing', deleted.seq],
      ['blob-missing', folder.seq],
      ...extra.map((file) => ['bundle-extra-file', file]),
    ])
  })

  it('accounts for odd blob references and listed key files exactly as their paths say', async () => {
    const copy = copyOf('odd-references')
    const records = copy.lines.map((line) => JSON.parse(line) as LedgerRecord)
    const evidence = records.filter((r) => r.kind === 'evidence' && r.id.endsWith('-1'))
    const [short, nested, moved] = evidence as [LedgerRecord, LedgerRecord, LedgerRecord]
    // A one-character name lives in the folder of that character; a name with a slash in a subfolder.
    records[records.indexOf(short)] = { ...short, blobRef: 'sha256:a' }
    mkdirSync(path.join(copy.dir, 'blobs', 'a'), { recursive: true })
    writeFileSync(path.join(copy.dir, 'blobs', 'a', 'a'), 'x')
    records[records.indexOf(nested)] = { ...nested, blobRef: 'sha256:ab/cd' }
    mkdirSync(path.join(copy.dir, 'blobs', 'ab', 'ab'), { recursive: true })
    writeFileSync(path.join(copy.dir, 'blobs', 'ab', 'ab', 'cd'), 'x')
    // A blob file moved to another folder is missing where it belongs and extra where it is.
    const wrongFolder = moved.contentHash.startsWith('zz') ? 'yy' : 'zz'
    mkdirSync(path.join(copy.dir, 'blobs', wrongFolder), { recursive: true })
    cpSync(blobOf(copy.dir, moved), path.join(copy.dir, 'blobs', wrongFolder, moved.contentHash))
    rmSync(blobOf(copy.dir, moved))
    // bundle.json may list a key file anywhere, even among the blobs.
    const index = JSON.parse(readFileSync(path.join(copy.dir, 'bundle.json'), 'utf8'))
    index.keys = [{ fingerprint: signer.fingerprint, file: 'blobs/kk/key.pem' }]
    writeFileSync(path.join(copy.dir, 'bundle.json'), JSON.stringify(index))
    mkdirSync(path.join(copy.dir, 'blobs', 'kk'), { recursive: true })
    writeFileSync(path.join(copy.dir, 'blobs', 'kk', 'key.pem'), signer.publicKeyPem)
    copy.write(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
    const report = await verifyBundle(copy.dir, { pinnedKey: signer.fingerprint })
    const extra = report.problems.filter((p) => p.type === 'bundle-extra-file')
    // The blobs the two edited references no longer name are extra too; the odd ones are accounted for.
    const unnamed = [short, nested].map((r) => `blobs/${r.contentHash.slice(0, 2)}/${r.contentHash}`)
    expect(extra.map((p) => p.message.split(':')[0])).toEqual(
      [...unnamed, `blobs/${wrongFolder}/${moved.contentHash}`].sort(),
    )
    expect(report.problems.filter((p) => p.type === 'blob-missing').map((p) => p.seq)).toEqual([moved.seq])
  })
})
