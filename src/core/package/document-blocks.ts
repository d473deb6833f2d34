import type { Config } from '../config.js'
import type { Block, Section, Tone } from './document.js'
import type { PackageModel } from './model.js'
import { type PackageProse, type PackageTemplates, packageProse } from './templates.js'

/** What the document is laid out from: the package facts, the settings and the prose templates. */
export interface DocumentContext {
  f: Omit<PackageModel, 'document'>
  config: Pick<Config, 'package' | 'providers' | 'owners'>
  t: PackageProse
}

const categoryTitle: Record<string, string> = {
  security: 'Security',
  availability: 'Availability',
  confidentiality: 'Confidentiality',
  'processing-integrity': 'Processing Integrity',
  privacy: 'Privacy',
}

/** `a, b and c`. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

export function section(
  id: string,
  number: string,
  title: string,
  blocks: Block[],
  sections: Section[] = [],
): Section {
  return { id, number, title, blocks, sections }
}

export const p = (text: string, emphasis?: 'strong' | 'muted'): Block =>
  emphasis === undefined ? { type: 'paragraph', text } : { type: 'paragraph', text, emphasis }

/** A callout from a template whose first paragraph is its title. */
export function callout(tone: Tone, [title = '', ...paragraphs]: readonly string[]): Block {
  return { type: 'callout', tone, title, paragraphs }
}

/** The trust services categories in scope, in words. */
export function categories(f: DocumentContext['f']): string {
  return listWords(f.assessment.scope.categories.map((c) => categoryTitle[c] ?? c))
}

/** The period without its `as of` / `for the period` lead-in, as a field shows it. */
export function periodValue(f: DocumentContext['f']): string {
  return f.periodText.replace(/^(as of|for the period) /, '')
}

/** A Type 1 speaks of one date; a Type 2 of a point (the period end) and of the whole period. */
function dateWords(f: DocumentContext['f']): { point: string; through: string } {
  return f.engagement.type === 1
    ? { point: f.periodText, through: f.periodText }
    : {
        point: `as of ${f.periodText.replace('for the period ', 'the end of the period ')}`,
        through: `throughout the period ${f.periodText.replace('for the period ', '')}`,
      }
}

/** The context of one document: the templates filled with the facts every part may say. */
export function documentContext(
  f: DocumentContext['f'],
  config: DocumentContext['config'],
  templates: PackageTemplates,
): DocumentContext {
  const type = f.engagement.type
  const t = packageProse(templates, {
    organization: f.organization,
    system: f.system,
    categories: categories(f),
    periodText: f.periodText,
    ...dateWords(f),
    type,
    type1: type === 1,
    type2: type === 2,
  })
  return { f, config, t }
}
