import { z } from 'zod'
import { CatalogError } from '../errors.js'

/**
 * The package's prose lives in templates under catalog/package/, one file per part of the document,
 * each a list of `## key` entries. These are the keys each file must define, no more and no fewer,
 * so a template and the code that lays the document out cannot drift apart unnoticed.
 */
export const packageTemplateKeys = {
  cover: ['subtitle', 'status', 'auditor-to-be-engaged'],
  'auditor-report': ['addressee', 'subject-matter', 'no-subservice', 'tests-by-auditor', 'reserved'],
  assertion: [
    'draft',
    'draft-with-exceptions',
    'draft-without-exceptions',
    'responsibility',
    'carve-out',
    'inclusive',
    'user-entity-controls',
    'confirm',
    'confirm-description',
    'confirm-design',
    'confirm-operation',
    'known-exceptions',
    'no-known-exceptions',
    'incidents-none',
    'incidents-declared',
    'on-behalf-of',
  ],
  description: [
    'missing',
    'intro',
    'services-default',
    'services',
    'services-missing',
    'commitments',
    'commitments-heading',
    'commitments-missing',
    'requirements-heading',
    'requirements-missing',
    'components',
    'boundary-caption',
    'flow-caption',
    'software',
    'more-workloads',
    'people',
    'personnel',
    'personnel-missing',
    'procedures-missing',
    'procedures-automated',
    'data-missing',
    'incidents-none',
    'criteria',
    'user-entity-controls',
    'subservice-none',
    'subservice-carve-out',
    'not-relevant-none',
    'changes-type1',
    'changes-none',
  ],
  tests: [
    'intro',
    'period-runs',
    'period-without-ledger',
    'no-control',
    'test-case',
    'auditor-questions',
    'analogy',
    'automated-test',
    'described-earlier',
    'not-applicable',
    'exceptions',
    'response',
    'more-evidence',
    'ledger-hashes',
  ],
  'other-information': [
    'intro',
    'attestations',
    'attestations-not-recorded',
    'provider-user-controls',
    'responsibility-matrix',
    'no-gaps',
    'evidence-unsigned',
    'evidence-signed',
    'more-evidence',
    'companion-files',
  ],
} as const satisfies Record<string, readonly string[]>

type Files = typeof packageTemplateKeys
export type PackageTemplateFile = keyof Files
/** A key of the package prose: `<file>.<entry>`, such as `assertion.responsibility`. */
export type PackageTemplateKey = {
  [F in PackageTemplateFile]: `${F}.${Files[F][number]}`
}[PackageTemplateFile]

const fileIds = Object.keys(packageTemplateKeys) as [PackageTemplateFile, ...PackageTemplateFile[]]

/** The front matter of a package template (catalog/package/<id>.md). */
export const packageTemplateMetaSchema = z.strictObject({
  id: z.enum(fileIds),
  title: z.string().min(3),
})

/** The package prose as loaded: each key's paragraphs, with {{placeholders}} and {{#flag}} sections. */
export type PackageTemplates = ReadonlyMap<PackageTemplateKey, readonly string[]>

/**
 * Splits a template body into its `## key` entries. Lines of a paragraph are joined with a space
 * (templates are wrapped for reading); a blank line starts the next paragraph of the same entry.
 * A key the file must define and lacks, or one it does not know, is an error naming the file.
 */
export function parsePackageTemplate(
  id: PackageTemplateFile,
  body: string,
  label: string,
): Map<PackageTemplateKey, string[]> {
  const entries = new Map<string, string[]>()
  const problems: string[] = []
  for (const chunk of body.split(/^## /m).slice(1)) {
    const [heading = '', ...lines] = chunk.split(/\r?\n/)
    const key = heading.trim()
    if (entries.has(key)) problems.push(`${label}: ## ${key}: defined twice`)
    const paragraphs = lines
      .join('\n')
      .trim()
      .split(/\n\s*\n/)
      .map((p) =>
        p
          .split('\n')
          .map((line) => line.trim())
          .join(' '),
      )
      .filter((p) => p !== '')
    if (paragraphs.length === 0) problems.push(`${label}: ## ${key}: has no text`)
    entries.set(key, paragraphs)
  }
  const expected: readonly string[] = packageTemplateKeys[id]
  for (const key of expected) if (!entries.has(key)) problems.push(`${label}: missing ## ${key}`)
  for (const key of entries.keys())
    if (!expected.includes(key)) problems.push(`${label}: ## ${key}: not a key of the ${id} template`)
  if (problems.length > 0) throw new CatalogError(problems.join('\n'))
  const parsed = new Map<PackageTemplateKey, string[]>()
  for (const key of expected) parsed.set(`${id}.${key}` as PackageTemplateKey, entries.get(key) ?? [])
  return parsed
}

/** What a template may be filled with: text for {{name}}, a flag for {{#name}}…{{/name}} and {{^name}}…{{/name}}. */
export type TemplateValues = Readonly<Record<string, string | number | boolean>>

const section = /\{\{([#^])([a-zA-Z][\w-]*)\}\}([\s\S]*?)\{\{\/\2\}\}/g
const placeholder = /\{\{\s*([a-zA-Z][\w.-]*)\s*\}\}/g

/**
 * Fills one template paragraph. A name without a value is an error rather than `{{name}}` left in
 * a document an auditor reads.
 */
export function fillTemplate(template: string, values: TemplateValues, label: string): string {
  const flag = (name: string): boolean => {
    const value = values[name]
    if (typeof value !== 'boolean') throw new CatalogError(`${label}: {{#${name}}} needs a yes/no value`)
    return value
  }
  return template
    .replace(section, (_, kind: string, name: string, inner: string) =>
      flag(name) === (kind === '#') ? inner : '',
    )
    .replace(placeholder, (_, name: string) => {
      const value = values[name]
      if (value === undefined || typeof value === 'boolean')
        throw new CatalogError(`${label}: no value for {{${name}}}`)
      return String(value)
    })
}

/** Reads the package prose: a key's paragraphs or its only paragraph, filled with the values given. */
export interface PackageProse {
  paragraphs(key: PackageTemplateKey, values?: TemplateValues): string[]
  say(key: PackageTemplateKey, values?: TemplateValues): string
}

/** The prose of one document: the templates with the values every part shares. */
export function packageProse(templates: PackageTemplates, shared: TemplateValues): PackageProse {
  const paragraphs = (key: PackageTemplateKey, values: TemplateValues = {}): string[] => {
    const template = templates.get(key)
    if (template === undefined) throw new CatalogError(`catalog/package: no template ${key}`)
    return template.map((p) => fillTemplate(p, { ...shared, ...values }, `catalog/package ${key}`))
  }
  return {
    paragraphs,
    say: (key, values) => paragraphs(key, values).join(' '),
  }
}
