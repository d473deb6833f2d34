import path from 'node:path'
import type { Control } from '../core/catalog.js'
import { CatalogError } from '../core/errors.js'
import {
  type PolicyMeta,
  type PolicyTemplate,
  policyMetaSchema,
  unknownPlaceholders,
} from '../core/third-parties/policies.js'
import { listFiles, parseYaml, readText, validateData } from './read-data-file.js'
import { shippedSnapshot, shippedSnapshotFile, snapshotParse } from './yaml-snapshot.js'

/**
 * The shipped policies' front matter as the schema returned it at build time, by the hash of the
 * front matter's text (`npm run build` writes it beside the built loader; a run from source has
 * none): a recorded text is not parsed nor validated again, any other is. Ids, controls, criteria
 * and placeholders are checked at every load.
 */
export const validatedPoliciesFile = shippedSnapshotFile('policies-snapshot.json')

/** A policy template's front matter (group 1) and body (group 2). */
export const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/

/** Splits `---\nfront matter\n---\nbody`; a file without front matter is an error naming it. */
export function splitFrontMatter(text: string, label: string): { meta: unknown; body: string } {
  const { front, body } = frontMatterOf(text, label)
  return { meta: parseYaml(front, label, 'catalog'), body }
}

/** The front matter's text and the body; a file without front matter is an error naming it. */
function frontMatterOf(text: string, label: string): { front: string; body: string } {
  const match = frontMatter.exec(text.replace(/^\uFEFF/, ''))
  if (match === null)
    throw new CatalogError(`${label}: starts with no front matter (a YAML block between --- lines)`)
  return { front: match[1] ?? '', body: match[2] ?? '' }
}

/** A template's validated front matter: the build's for a recorded text, else parsed and validated. */
function policyMeta(front: string, label: string, snapshot: ReadonlyMap<string, string>): PolicyMeta {
  const shipped = snapshotParse(front, snapshot) as PolicyMeta | undefined
  return shipped ?? validateData(policyMetaSchema, parseYaml(front, label, 'catalog'), label, 'catalog')
}

/**
 * The policy and procedure templates (catalog/policies/*.md). Each names controls that exist,
 * criteria those controls satisfy, and only placeholders trustctl fills in.
 */
export async function loadPolicies(
  catalogDir: string,
  controls: readonly Control[],
  snapshot: ReadonlyMap<string, string> = shippedSnapshot(validatedPoliciesFile),
): Promise<PolicyTemplate[]> {
  const byId = new Map(controls.map((c) => [c.id, c]))
  const templates: PolicyTemplate[] = []
  const problems: string[] = []
  for (const file of await listFiles(path.join(catalogDir, 'policies'), ['.md'])) {
    const label = `catalog/policies/${path.basename(file)}`
    const { front, body } = frontMatterOf(await readText(file, label, 'catalog'), label)
    const template: PolicyTemplate = { meta: policyMeta(front, label, snapshot), body, file: label }
    const expected = path.basename(file, '.md')
    if (template.meta.id !== expected)
      problems.push(`${label}: id: '${template.meta.id}' must be '${expected}'`)
    const met = new Set<string>()
    template.meta.controls.forEach((id, i) => {
      const control = byId.get(id)
      if (control === undefined) problems.push(`${label}: controls[${i}]: no such control '${id}'`)
      for (const c of control?.satisfies.soc2 ?? []) met.add(c)
    })
    template.meta.criteria.forEach((id, i) => {
      if (!met.has(id))
        problems.push(`${label}: criteria[${i}]: none of the policy's controls satisfies ${id}`)
    })
    for (const name of unknownPlaceholders(template))
      problems.push(`${label}: unknown placeholder {{${name}}}`)
    templates.push(template)
  }
  if (problems.length > 0) throw new CatalogError(problems.join('\n'))
  return templates
}
