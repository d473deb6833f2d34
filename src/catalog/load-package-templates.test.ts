import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CatalogError } from '../core/errors.js'
import { packageTemplateKeys } from '../core/package/templates.js'
import { catalogRoot } from './load-catalog.js'
import { loadPackageTemplates } from './load-package-templates.js'

describe('loadPackageTemplates', () => {
  it('loads every key of every part of the shipped package prose', async () => {
    const templates = await loadPackageTemplates(catalogRoot())
    const expected = Object.entries(packageTemplateKeys).flatMap(([file, keys]) =>
      keys.map((k) => `${file}.${k}`),
    )
    expect([...templates.keys()].sort()).toEqual(expected.sort())
    for (const [key, paragraphs] of templates) {
      expect(paragraphs.length, key).toBeGreaterThan(0)
      for (const paragraph of paragraphs) expect(paragraph, key).not.toMatch(/\n|\s{2}/)
    }
  })

  it('names the file whose front matter says another part', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-package-templates-'))
    cpSync(path.join(catalogRoot(), 'package'), path.join(root, 'package'), { recursive: true })
    const file = path.join(root, 'package', 'tests.md')
    writeFileSync(file, readFileSync(file, 'utf8').replace('id: tests', 'id: assertion'))
    await expect(loadPackageTemplates(root)).rejects.toThrow(CatalogError)
    await expect(loadPackageTemplates(root)).rejects.toThrow(
      /catalog\/package\/tests\.md: id: 'assertion' must be 'tests'/,
    )
  })
})
