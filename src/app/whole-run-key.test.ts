import { createHash } from 'node:crypto'
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { catalogRoot } from '../catalog/load-catalog.js'
import type { Config } from '../core/config.js'
import { catalogFilesHash, configuredFileHashes, type WholeRunParts, wholeRunKey } from './whole-run.js'

// The whole-run key decides whether a run may repeat the latest one without evaluating: any change to
// the catalog the model is derived with, shipped or named by trustctl.yaml, must change it.

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-whole-run-key-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const catalog = path.join(dir, 'catalog')
beforeEach(() => {
  rmSync(catalog, { recursive: true, force: true })
  cpSync(catalogRoot(), catalog, { recursive: true })
})

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** What the key has always held for the catalog: each file by name below it, with its bytes' hash. */
function expectedCatalogHash(root: string): string {
  const names = (readdirSync(root, { recursive: true }) as string[])
    .filter((name) => lstatSync(path.join(root, name)).isFile())
    .map((name) => name.split(path.sep).join('/'))
    .sort()
  return sha256(names.map((name) => `${name}\0${sha256(readFileSync(path.join(root, name)))}`).join('\n'))
}

const controlFile = (): string => {
  const family = readdirSync(path.join(catalog, 'controls'))[0] ?? ''
  return path.join(catalog, 'controls', family, readdirSync(path.join(catalog, 'controls', family))[0] ?? '')
}

describe('the hash of the shipped catalog files', () => {
  it('is the hash of every file by name and content, as runs recorded it', () => {
    expect(catalogFilesHash(catalog)).toBe(expectedCatalogHash(catalog))
    expect(catalogFilesHash(catalog)).toBe(catalogFilesHash(catalogRoot()))
  })

  it('changes when one byte of a file changes, and comes back when it is undone', () => {
    const before = catalogFilesHash(catalog)
    const file = controlFile()
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, `${text} `)
    expect(catalogFilesHash(catalog)).not.toBe(before)
    writeFileSync(file, text)
    expect(catalogFilesHash(catalog)).toBe(before)
  })

  it('changes when a file is added, removed, renamed or moved to another folder', () => {
    const before = catalogFilesHash(catalog)
    const file = controlFile()
    const added = path.join(catalog, 'policies', 'extra.md')
    writeFileSync(added, '---\nid: extra\n---\n')
    expect(catalogFilesHash(catalog)).not.toBe(before)
    rmSync(added)
    expect(catalogFilesHash(catalog)).toBe(before)

    const renamed = path.join(path.dirname(file), `z-${path.basename(file)}`)
    renameSync(file, renamed)
    expect(catalogFilesHash(catalog)).not.toBe(before)
    mkdirSync(path.join(catalog, 'controls', 'elsewhere'))
    const moved = path.join(catalog, 'controls', 'elsewhere', path.basename(file))
    renameSync(renamed, moved)
    expect(catalogFilesHash(catalog)).not.toBe(before)
    rmSync(moved)
    expect(catalogFilesHash(catalog)).not.toBe(before)
  })

  it('is undefined when the folder cannot be read: no run is repeated then', () => {
    expect(catalogFilesHash(path.join(dir, 'missing'))).toBeUndefined()
  })
})

describe('the whole-run key', () => {
  const parts = (overrides: Partial<WholeRunParts>): WholeRunParts => ({
    toolVersion: '0.1.0',
    toolInformationUri: undefined,
    engine: 'engine',
    config: { version: 1 } as unknown as Config,
    checks: [],
    catalog: catalogFilesHash(catalog),
    configuredFiles: [],
    probe: { inputs: [], errors: [] },
    storeEvidence: [],
    ...overrides,
  })

  it('changes with an edited shipped catalog file', () => {
    const before = wholeRunKey(parts({}))
    writeFileSync(controlFile(), `${readFileSync(controlFile(), 'utf8')}\n# edited\n`)
    expect(before).toBeDefined()
    expect(wholeRunKey(parts({}))).not.toBe(before)
  })

  it('changes with an edited, missing or added provider or crosswalk file of trustctl.yaml', async () => {
    const user = path.join(dir, 'user')
    mkdirSync(user, { recursive: true })
    writeFileSync(path.join(user, 'mapping.csv'), 'from,to\nA,B\n')
    writeFileSync(path.join(user, 'vendor.yaml'), 'id: vendor\n')
    const key = async (files: string[]) =>
      wholeRunKey(parts({ configuredFiles: await configuredFileHashes(user, files) }))
    const before = await key(['mapping.csv', 'vendor.yaml'])
    expect(await key(['mapping.csv', 'vendor.yaml'])).toBe(before)
    writeFileSync(path.join(user, 'mapping.csv'), 'from,to\nA,C\n')
    const edited = await key(['mapping.csv', 'vendor.yaml'])
    expect(edited).not.toBe(before)
    rmSync(path.join(user, 'vendor.yaml'))
    const missing = await key(['mapping.csv', 'vendor.yaml'])
    expect(missing).not.toBe(edited)
    expect(await key(['mapping.csv'])).not.toBe(missing)
  })

  it('is undefined when the catalog could not be hashed', () => {
    expect(wholeRunKey(parts({ catalog: undefined }))).toBeUndefined()
  })
})
