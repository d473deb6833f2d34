import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CatalogError, ConfigError } from '../core/errors.js'
import { readText } from './read-data-file.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-read-data-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readText', () => {
  it('gives the text of a file', async () => {
    const file = path.join(dir, 'profile.yaml')
    writeFileSync(file, 'id: aws\n')
    expect(await readText(file, 'catalog/providers/profile.yaml', 'catalog')).toBe('id: aws\n')
  })

  it('rejects (never throws) with the error of whose file it is, naming it and the cause', async () => {
    const missing = path.join(dir, 'missing.yaml')
    const shipped = readText(missing, 'catalog/providers/missing.yaml', 'catalog')
    await expect(shipped).rejects.toThrow(CatalogError)
    await expect(shipped).rejects.toThrow('catalog/providers/missing.yaml: cannot read the file (ENOENT)')
    await expect(readText(missing, 'vendors/missing.yaml', 'user')).rejects.toThrow(ConfigError)
    await expect(readText(dir, 'vendors', 'user')).rejects.toThrow('vendors: cannot read the file (EISDIR)')
  })
})
