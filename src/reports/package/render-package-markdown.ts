import type { Block, PackageDocument, Section } from '../../core/package/document.js'
import { flattenSections } from '../../core/package/document.js'

/** The SVG figures of a document with the file names the Markdown links to. */
export function documentFigures(doc: PackageDocument): { file: string; svg: string; caption: string }[] {
  const figures: { file: string; svg: string; caption: string }[] = []
  for (const section of flattenSections(doc.sections))
    for (const block of section.blocks)
      if (block.type === 'figure')
        figures.push({
          file: `figures/figure-${figures.length + 1}.svg`,
          svg: block.svg,
          caption: block.caption,
        })
  return figures
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function table(columns: readonly string[], rows: readonly string[][]): string {
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n')
}

function block(b: Block, figureFile: () => string): string {
  switch (b.type) {
    case 'paragraph':
      return b.emphasis === 'strong' ? `**${b.text}**` : b.emphasis === 'muted' ? `_${b.text}_` : b.text
    case 'heading':
      return `#### ${b.text}`
    case 'list':
      return b.items.map((item, i) => `${b.ordered === true ? `${i + 1}.` : '-'} ${item}`).join('\n')
    case 'table':
      return b.rows.length === 0
        ? '_None._'
        : `${table(b.columns, b.rows)}${b.caption === undefined ? '' : `\n\n_${b.caption}_`}`
    case 'fields':
      return table(
        ['', ''],
        b.rows.map(([k, v]) => [`**${k}**`, v]),
      )
    case 'callout':
      return [`> **${b.title}**`, ...b.paragraphs.map((para) => `>\n> ${para}`)].join('\n')
    case 'figure':
      return `![${b.caption}](${figureFile()})\n\n_${b.caption}_`
    case 'signature':
      return b.lines.map((l) => (l.endsWith(':') ? `${l} ______________________` : l)).join('\n\n')
  }
}

function section(s: Section, depth: number, figureFile: () => string): string {
  const heading = `<a id="${s.id}"></a>\n\n${'#'.repeat(Math.min(depth, 4))} ${s.number} ${s.title}`
  return [
    heading,
    ...s.blocks.map((b) => block(b, figureFile)),
    ...s.sections.map((c) => section(c, depth + 1, figureFile)),
  ].join('\n\n')
}

/** The package as Markdown; figures are linked as `figures/figure-N.svg` beside it. */
export function renderPackageMarkdown(doc: PackageDocument): string {
  const figures = documentFigures(doc)
  let next = 0
  const figureFile = () => figures[next++]?.file ?? ''
  const toc = flattenSections(doc.sections)
    .filter((s) => s.number.split('.').length <= 2)
    .map((s) => `${'  '.repeat(s.number.split('.').length - 1)}- [${s.number} ${s.title}](#${s.id})`)
  return `${[
    `# ${doc.title}`,
    `**${doc.subtitle}**`,
    `> ${doc.status}`,
    table(
      ['', ''],
      doc.cover.map(([k, v]) => [`**${k}**`, v]),
    ),
    '## Contents',
    toc.join('\n'),
    ...doc.sections.map((s) => section(s, 2, figureFile)),
  ].join('\n\n')}\n`
}
