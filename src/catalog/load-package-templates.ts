import path from 'node:path'
import { CatalogError } from '../core/errors.js'
import {
  type PackageTemplateFile,
  type PackageTemplateKey,
  type PackageTemplates,
  packageTemplateKeys,
  packageTemplateMetaSchema,
  parsePackageTemplate,
} from '../core/package/templates.js'
import { splitFrontMatter } from './load-policies.js'
import { readText, validateData } from './read-data-file.js'

/**
 * The package prose (catalog/package/<part>.md): one file per part of the document, each with the
 * keys that part needs. A missing file, key or front matter is an error naming the file.
 */
export async function loadPackageTemplates(catalogDir: string): Promise<PackageTemplates> {
  const templates = new Map<PackageTemplateKey, readonly string[]>()
  for (const id of Object.keys(packageTemplateKeys)) {
    const label = `catalog/package/${id}.md`
    const { meta, body } = splitFrontMatter(
      await readText(path.join(catalogDir, 'package', `${id}.md`), label, 'catalog'),
      label,
    )
    const file: PackageTemplateFile = validateData(packageTemplateMetaSchema, meta, label, 'catalog').id
    if (file !== id) throw new CatalogError(`${label}: id: '${file}' must be '${id}'`)
    for (const [key, paragraphs] of parsePackageTemplate(file, body, label)) templates.set(key, paragraphs)
  }
  return templates
}
