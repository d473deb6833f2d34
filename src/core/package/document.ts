/**
 * The SOC 2 package as a format-neutral document: numbered sections of simple blocks. Markdown,
 * HTML and PDF each render this one tree, so the three always say the same thing.
 */

export type Tone = 'draft' | 'info' | 'warning' | 'auditor'

export type Block =
  | { type: 'paragraph'; text: string; emphasis?: 'strong' | 'muted' }
  | { type: 'heading'; text: string }
  | { type: 'list'; items: string[]; ordered?: boolean }
  /** A table whose first row repeats on every page it spans. `widths` are relative weights. */
  | { type: 'table'; columns: string[]; widths?: number[]; rows: string[][]; caption?: string }
  /** Label and value pairs, such as a control's owner and frequency. */
  | { type: 'fields'; rows: [string, string][] }
  | { type: 'callout'; tone: Tone; title: string; paragraphs: string[] }
  | { type: 'figure'; svg: string; width: number; height: number; caption: string }
  /** Lines of a signature block; a line ending in `:` is a blank to fill in on paper. */
  | { type: 'signature'; lines: string[] }

export interface Section {
  /** Anchor, unique in the document. */
  id: string
  /** `3`, `3.2`: the number readers cite. */
  number: string
  title: string
  blocks: Block[]
  sections: Section[]
}

export interface PackageDocument {
  title: string
  subtitle: string
  organization: string
  /** Facts on the cover page. */
  cover: [string, string][]
  /** Said on the cover and in every running header: nothing here is an opinion yet. */
  status: string
  sections: Section[]
}

/** Every section in reading order, depth first. */
export function flattenSections(sections: readonly Section[]): Section[] {
  return sections.flatMap((s) => [s, ...flattenSections(s.sections)])
}
