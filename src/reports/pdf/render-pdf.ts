import { createRequire } from 'node:module'
import type { Content, ContentText, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import type { Block, PackageDocument, Section, Tone } from '../../core/package/document.js'

// pdfmake 0.2's server-side printer is CommonJS and typed by nothing current: describe what we use.
interface PdfKitDocument {
  on(event: 'data', listener: (chunk: Buffer) => void): void
  on(event: 'end' | 'error', listener: (arg?: unknown) => void): void
  end(): void
}
interface PdfPrinter {
  createPdfKitDocument(doc: TDocumentDefinitions, options?: Record<string, unknown>): PdfKitDocument
}
type PdfPrinterClass = new (fonts: Record<string, Record<string, Buffer | string>>) => PdfPrinter

const require = createRequire(import.meta.url)
let printer: PdfPrinter | undefined

/** The printer with pdfmake's bundled Roboto, loaded once: no browser and no system fonts needed. */
function loadPrinter(): PdfPrinter {
  if (printer !== undefined) return printer
  const Printer = require('pdfmake') as PdfPrinterClass
  const vfs = require('pdfmake/build/vfs_fonts.js') as Record<string, string>
  const font = (name: string) => Buffer.from(vfs[name] ?? '', 'base64')
  printer = new Printer({
    Roboto: {
      normal: font('Roboto-Regular.ttf'),
      bold: font('Roboto-Medium.ttf'),
      italics: font('Roboto-Italic.ttf'),
      bolditalics: font('Roboto-MediumItalic.ttf'),
    },
    // A standard PDF font: hashes and commands read best in fixed width.
    Courier: {
      normal: 'Courier',
      bold: 'Courier-Bold',
      italics: 'Courier-Oblique',
      bolditalics: 'Courier-BoldOblique',
    },
  })
  return printer
}

const accent = '#0b5394'
const toneColour: Record<Tone, { line: string; fill: string }> = {
  draft: { line: '#b42318', fill: '#fef3f2' },
  info: { line: accent, fill: '#eef4fb' },
  warning: { line: '#b54708', fill: '#fffaeb' },
  auditor: { line: '#475467', fill: '#f2f4f7' },
}

/** Text with `code` spans and long hex hashes set in a fixed-width font. */
function inline(text: string): ContentText['text'] {
  const parts = text.split(/(`[^`]+`|\b[0-9a-f]{40,}\b)/)
  if (parts.length === 1) return text
  return parts
    .filter((part) => part !== '')
    .map((part) =>
      part.startsWith('`')
        ? { text: part.slice(1, -1), font: 'Courier', fontSize: 8.5 }
        : /^[0-9a-f]{40,}$/.test(part)
          ? { text: part, font: 'Courier', fontSize: 7 }
          : part,
    )
}

function widths(block: Extract<Block, { type: 'table' }>): string[] {
  const weights = block.widths ?? block.columns.map(() => 1)
  const sum = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => `${((w / sum) * 100).toFixed(2)}%`)
}

const tableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineColor: () => '#cbd2d9',
  vLineColor: () => '#cbd2d9',
  paddingTop: () => 3,
  paddingBottom: () => 3,
}

function block(b: Block): Content {
  switch (b.type) {
    case 'paragraph':
      return {
        text: inline(b.text),
        margin: [0, 0, 0, 6],
        ...(b.emphasis === 'strong'
          ? { bold: true }
          : b.emphasis === 'muted'
            ? { color: '#52606d', italics: true }
            : {}),
      }
    case 'heading':
      return { text: b.text, style: 'h4' }
    case 'list':
      return b.ordered === true
        ? { ol: b.items.map((i) => ({ text: inline(i) })), margin: [0, 0, 0, 6] }
        : { ul: b.items.map((i) => ({ text: inline(i) })), margin: [0, 0, 0, 6] }
    case 'table': {
      if (b.rows.length === 0) return { text: 'None.', italics: true, margin: [0, 0, 0, 6] }
      const header: TableCell[] = b.columns.map((c) => ({ text: c, style: 'th' }))
      const body: TableCell[][] = [header, ...b.rows.map((r) => r.map((c) => ({ text: inline(c) })))]
      const table: Content = {
        // The header repeats on every page, a row never splits, and the header never stands alone at
        // the foot of a page: it moves to the next page with the first row.
        table: { headerRows: 1, keepWithHeaderRows: 1, dontBreakRows: true, widths: widths(b), body },
        layout: { ...tableLayout, fillColor: (row: number) => (row === 0 ? '#eef2f6' : null) },
        fontSize: 8.5,
        margin: [0, 2, 0, 8],
      }
      return b.caption === undefined
        ? table
        : { stack: [table, { text: b.caption, italics: true, fontSize: 8, margin: [0, -4, 0, 8] }] }
    }
    case 'fields':
      return {
        table: {
          widths: ['28%', '72%'],
          body: b.rows.map(([k, v]) => [{ text: k, bold: true }, { text: inline(v) }]),
        },
        layout: {
          ...tableLayout,
          fillColor: (_row: number, _node: unknown, column: number) => (column === 0 ? '#f5f7fa' : null),
        },
        fontSize: 9,
        margin: [0, 2, 0, 8],
      }
    case 'callout': {
      const colour = toneColour[b.tone]
      return {
        table: {
          widths: ['*'],
          dontBreakRows: true,
          body: [
            [
              {
                stack: [
                  { text: b.title, bold: true, color: colour.line, margin: [0, 0, 0, 3] },
                  ...b.paragraphs.map((p) => ({
                    text: inline(p),
                    margin: [0, 0, 0, 3] as [number, number, number, number],
                  })),
                ],
                fillColor: colour.fill,
              },
            ],
          ],
        },
        layout: {
          hLineWidth: () => 0,
          vLineWidth: (i: number) => (i === 0 ? 3 : 0),
          vLineColor: () => colour.line,
          paddingLeft: () => 8,
          paddingTop: () => 6,
          paddingBottom: () => 4,
        },
        fontSize: 9.5,
        margin: [0, 4, 0, 10],
      }
    }
    case 'figure':
      return {
        stack: [
          { svg: b.svg, width: Math.min(500, b.width), alignment: 'center' },
          { text: b.caption, italics: true, fontSize: 8.5, alignment: 'center', margin: [0, 4, 0, 12] },
        ],
        unbreakable: true,
      }
    case 'signature':
      return {
        stack: b.lines.map((l) => ({
          columns: [
            { text: l, width: 'auto' },
            l.endsWith(':')
              ? { canvas: [{ type: 'line', x1: 4, y1: 11, x2: 260, y2: 11, lineWidth: 0.5 }], width: '*' }
              : { text: '', width: '*' },
          ],
          margin: [0, 14, 0, 0] as [number, number, number, number],
        })),
        unbreakable: true,
        margin: [0, 10, 0, 0],
      }
  }
}

// Blocks short enough to travel with the heading above them onto the next page.
const keepable = new Set<Block['type']>(['paragraph', 'fields', 'callout', 'list'])

/**
 * A heading and the short block after it go in one unbreakable stack, so no page ends on a
 * heading. (pdfmake's pageBreakBefore hook does the same but costs quadratic time on long documents.)
 */
function keepTogether(heading: Content, blocks: readonly Block[]): Content[] {
  const [first, ...rest] = blocks
  if (first === undefined) return [heading]
  if (!keepable.has(first.type)) return [heading, ...blockList(blocks)]
  return [{ stack: [heading, block(first)], unbreakable: true }, ...blockList(rest)]
}

function blockList(blocks: readonly Block[]): Content[] {
  const out: Content[] = []
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as Block
    if (b.type === 'heading') {
      const next = blocks[i + 1]
      if (next !== undefined && keepable.has(next.type)) {
        out.push({ stack: [block(b), block(next)], unbreakable: true })
        i++
        continue
      }
    }
    out.push(block(b))
  }
  return out
}

function section(s: Section, depth: number): Content[] {
  const style = depth === 1 ? 'h1' : depth === 2 ? 'h2' : 'h3'
  const heading: Content = {
    text: `${s.number}  ${s.title}`,
    style,
    tocItem: depth <= 2,
    tocStyle: depth === 1 ? { bold: true } : {},
    tocMargin: [depth === 1 ? 0 : 14, depth === 1 ? 6 : 1, 0, 0],
    id: s.id,
  }
  // A top-level section starts a page; the break goes on a wrapper so the heading keeps its place.
  const content = keepTogether(heading, s.blocks)
  const first = content[0]
  if (depth === 1 && first !== undefined) content[0] = { stack: [first], pageBreak: 'before' }
  return [...content, ...s.sections.flatMap((c) => section(c, depth + 1))]
}

/** pdfmake's document definition for the package: cover, contents, the sections, running heads. */
export function packagePdfDefinition(doc: PackageDocument): TDocumentDefinitions {
  const cover: Content[] = [
    { text: doc.organization, fontSize: 14, color: '#52606d', margin: [0, 120, 0, 8] },
    { text: doc.title, fontSize: 30, bold: true, color: accent },
    { text: doc.subtitle, fontSize: 13, margin: [0, 12, 0, 30] },
    {
      table: {
        widths: ['35%', '65%'],
        body: doc.cover.map(([k, v]) => [{ text: k, color: '#52606d' }, { text: v }]),
      },
      layout: 'lightHorizontalLines',
      fontSize: 10,
    },
    {
      table: {
        widths: ['*'],
        body: [
          [{ text: doc.status, bold: true, color: '#b42318', alignment: 'center', margin: [0, 6, 0, 6] }],
        ],
      },
      layout: { hLineColor: () => '#b42318', vLineColor: () => '#b42318' },
      margin: [0, 40, 0, 0],
    },
  ]
  return {
    info: { title: `${doc.title} — ${doc.organization}`, author: doc.organization, creator: 'trustctl' },
    pageSize: 'A4',
    pageMargins: [56, 64, 56, 60],
    defaultStyle: { font: 'Roboto', fontSize: 9.5, lineHeight: 1.2 },
    styles: {
      h1: { fontSize: 18, bold: true, color: accent, margin: [0, 0, 0, 10] },
      h2: { fontSize: 13, bold: true, color: accent, margin: [0, 12, 0, 6] },
      h3: { fontSize: 11, bold: true, margin: [0, 10, 0, 4] },
      h4: { fontSize: 10, bold: true, margin: [0, 10, 0, 4], color: '#1f2a37' },
      th: { bold: true },
    },
    header: (page: number) =>
      page === 1
        ? ''
        : {
            columns: [
              { text: `${doc.organization} — ${doc.title}`, alignment: 'left' },
              { text: 'DRAFT', alignment: 'right', color: '#b42318', bold: true },
            ],
            fontSize: 8,
            color: '#52606d',
            margin: [56, 28, 56, 0],
          },
    footer: (page: number, pages: number) =>
      page === 1
        ? ''
        : {
            columns: [
              { text: doc.status, alignment: 'left', width: '*' },
              { text: `Page ${page} of ${pages}`, alignment: 'right', width: 80 },
            ],
            fontSize: 8,
            color: '#52606d',
            margin: [56, 20, 56, 0],
          },
    content: [
      ...cover,
      { toc: { title: { text: 'Contents', style: 'h1' } }, pageBreak: 'before' },
      ...doc.sections.flatMap((s) => section(s, 1)),
    ],
  }
}

/** Renders the package to PDF bytes. `compress: false` keeps the text streams readable (tests). */
export function renderPackagePdf(
  doc: PackageDocument,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const definition = { ...packagePdfDefinition(doc), compress: options.compress ?? true }
  const pdf = loadPrinter().createPdfKitDocument(definition as TDocumentDefinitions)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    pdf.on('data', (chunk) => chunks.push(chunk))
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))))
    pdf.end()
  })
}
