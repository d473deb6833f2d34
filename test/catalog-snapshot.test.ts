import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadChecks } from '../checks/load-checks.js'
import {
  buildCatalogSnapshotText,
  catalogFileHashes,
  catalogSnapshotText,
  readCatalogSnapshot,
} from '../src/catalog/catalog-snapshot.js'
import { catalogRoot, loadCatalog, readCatalogSources } from '../src/catalog/load-catalog.js'

const checks = await loadChecks()
const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-catalog-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const control = path.join('controls', 'access', 'production-access-restricted.yaml')

/** A copy of the shipped catalog with its snapshot, as a build would write them. */
async function catalogWithSnapshot(name: string): Promise<{ root: string; snapshot: string }> {
  const root = path.join(dir, name)
  cpSync(catalogRoot(), root, { recursive: true })
  const snapshot = path.join(dir, `${name}.json`)
  writeFileSync(snapshot, await buildCatalogSnapshotText(root, readCatalogSources))
  return { root, snapshot }
}

describe('the catalog snapshot', () => {
  it('gives the same catalog as validating every file', async () => {
    const { root, snapshot } = await catalogWithSnapshot('same')
    const read = await readCatalogSnapshot(snapshot)
    expect(read).toBeDefined()
    const fromSnapshot = await loadCatalog(checks, root, read)
    const validated = await loadCatalog(checks, root, null)
    expect(fromSnapshot).toEqual(validated)
    expect(fromSnapshot.controls.length).toBeGreaterThan(100)
    expect(fromSnapshot.packageTemplates?.size).toBe(validated.packageTemplates?.size)
  })

  it('is what a matching catalog is loaded from (its data is used, not re-read)', async () => {
    const { root, snapshot } = await catalogWithSnapshot('used')
    const read = await readCatalogSnapshot(snapshot)
    if (read === undefined) throw new Error('snapshot not read')
    // Same hashes, different data: only a load that took the snapshot can show this title.
    const sources = structuredClone(read.sources)
    const first = sources.controls[0]
    if (first === undefined) throw new Error('no controls')
    first.control.title = 'Marked title from the snapshot'
    const marked = path.join(dir, 'used-marked.json')
    writeFileSync(marked, catalogSnapshotText(read.files, sources))
    const catalog = await loadCatalog(checks, root, readCatalogSnapshot(marked))
    expect(catalog.controls.map((c) => c.title)).toContain('Marked title from the snapshot')
  })

  it('falls back to validation when a catalog file changed', async () => {
    const { root, snapshot } = await catalogWithSnapshot('changed')
    const file = path.join(root, control)
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, original.replace(/^title: .*/m, 'title: Production access is limited to on-call'))
    const catalog = await loadCatalog(checks, root, readCatalogSnapshot(snapshot))
    expect(catalog.controls.find((c) => c.id === 'access.production-access-restricted')?.title).toBe(
      'Production access is limited to on-call',
    )
    // An invalid edit is reported as it is without a snapshot, naming the file and key.
    writeFileSync(file, original.replace(/^type: \w+/m, 'type: sometimes'))
    await expect(loadCatalog(checks, root, readCatalogSnapshot(snapshot))).rejects.toThrow(
      /catalog\/controls\/access\/production-access-restricted\.yaml: type: /,
    )
  })

  it('falls back to validation when a control is added or removed', async () => {
    const { root, snapshot } = await catalogWithSnapshot('removed')
    const before = await catalogFileHashes(root)
    unlinkSync(path.join(root, control))
    const after = await catalogFileHashes(root)
    expect(Object.keys(after ?? {}).length).toBe(Object.keys(before ?? {}).length - 1)
    // The snapshot still holds the removed control; only a validating load sees it gone. (Check ids
    // alone: rules that name the removed control would otherwise, rightly, fail the catalog.)
    const ids = new Set(checks.map((c) => c.id))
    const catalog = await loadCatalog(ids, root, readCatalogSnapshot(snapshot))
    expect(catalog.controls.some((c) => c.id === 'access.production-access-restricted')).toBe(false)
  })

  it('ignores a damaged snapshot', async () => {
    const { root, snapshot } = await catalogWithSnapshot('damaged')
    const text = readFileSync(snapshot, 'utf8')
    const truncated = path.join(dir, 'truncated.json')
    writeFileSync(truncated, text.slice(0, text.length / 2))
    expect(await readCatalogSnapshot(truncated)).toBeUndefined()
    // One changed byte inside the body, envelope intact: its hash no longer matches.
    const edited = path.join(dir, 'edited.json')
    writeFileSync(edited, text.replace('\\"title\\":\\"', '\\"title\\":\\"X'))
    expect(await readCatalogSnapshot(edited)).toBeUndefined()
    expect(await readCatalogSnapshot(path.join(dir, 'missing.json'))).toBeUndefined()
    expect(await readCatalogSnapshot(snapshot)).toBeDefined()
    const validated = await loadCatalog(checks, root, null)
    expect(await loadCatalog(checks, root, readCatalogSnapshot(edited))).toEqual(validated)
  })

  it('refuses to build from data that JSON would change', async () => {
    const { root } = await catalogWithSnapshot('not-json')
    const sources = await readCatalogSources(root)
    const first = sources.controls[0]
    if (first === undefined) throw new Error('no controls')
    ;(first.control as { title: unknown }).title = undefined
    expect(() => catalogSnapshotText({}, sources)).toThrow(/does not survive JSON/)
  })

  it('reads only a body of its shape, with its hash, and keeps only the parts it names', async () => {
    const hash = 'a'.repeat(64)
    const sources = { framework: { id: 'f' }, controls: [], packageTemplates: [], extra: 1 }
    const written = (body: unknown, version: unknown = 1): string => {
      const file = path.join(dir, `shape-${Math.random().toString(36).slice(2)}.json`)
      const text = JSON.stringify(body)
      const bodySha256 = createHash('sha256').update(text).digest('hex')
      writeFileSync(file, JSON.stringify({ version, bodySha256, body: text }))
      return file
    }
    expect(await readCatalogSnapshot(written({ files: { a: hash }, sources, more: 2 }))).toEqual({
      version: 1,
      files: { a: hash },
      sources: { framework: { id: 'f' }, controls: [], packageTemplates: [] },
    })
    expect(await readCatalogSnapshot(written({ files: { a: hash }, sources }, 2))).toBeUndefined()
    expect(await readCatalogSnapshot(written({ files: { a: 'abc' }, sources }))).toBeUndefined()
    expect(await readCatalogSnapshot(written({ files: [hash], sources }))).toBeUndefined()
    expect(
      await readCatalogSnapshot(written({ files: {}, sources: { ...sources, controls: {} } })),
    ).toBeUndefined()
    expect(
      await readCatalogSnapshot(written({ files: {}, sources: { ...sources, packageTemplates: 'x' } })),
    ).toBeUndefined()
    expect(await readCatalogSnapshot(written({ files: {} }))).toBeUndefined()
    expect(await readCatalogSnapshot(written([]))).toBeUndefined()
  })
})
