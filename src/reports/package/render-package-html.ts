import { escapeHtml as e } from '../../core/escape-markup.js'
import type { Block, PackageDocument, Section } from '../../core/package/document.js'
import { flattenSections } from '../../core/package/document.js'

/** Escaped prose in which `backticked` spans are shown as code. */
function prose(text: string): string {
  return e(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

// Print rules give each top-level section a new page and repeat table headers, as the PDF does.
const styles = `
:root { --ink:#1f2a37; --muted:#52606d; --line:#cbd2d9; --panel:#f5f7fa; --accent:#0b5394; }
* { box-sizing: border-box; }
body { font: 15px/1.55 Georgia, "Times New Roman", serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 960px; margin: 0 auto; padding: 24px 32px 64px; }
h1, h2, h3, h4, h5, .cover dt, th, nav { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 30px; color: var(--accent); margin: 48px 0 8px; }
h2 { font-size: 22px; color: var(--accent); border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 48px; }
h3 { font-size: 18px; margin-top: 32px; } h4 { font-size: 16px; margin-top: 24px; } h5 { font-size: 15px; margin: 20px 0 6px; }
.status { display: inline-block; border: 2px solid #b42318; color: #b42318; font-weight: 700; padding: 4px 10px; font-family: system-ui, sans-serif; }
.subtitle { font-size: 18px; color: var(--muted); }
dl.cover { display: grid; grid-template-columns: 220px 1fr; gap: 6px 16px; margin: 32px 0; }
dl.cover dt { color: var(--muted); } dl.cover dd { margin: 0; }
nav ol { list-style: none; padding-left: 0; } nav ol ol { padding-left: 20px; } nav a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 10px 0 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: var(--panel); }
table.fields th { width: 28%; font-weight: 600; }
.callout { border-left: 4px solid var(--accent); background: #eef4fb; padding: 8px 14px; margin: 12px 0; }
.callout.draft { border-color: #b42318; background: #fef3f2; } .callout.warning { border-color: #b54708; background: #fffaeb; }
.callout.auditor { border-color: #475467; background: #f2f4f7; }
.callout strong { font-family: system-ui, sans-serif; }
.muted { color: var(--muted); } figure { margin: 16px 0; } figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
.signature p { width: 60%; padding-top: 14px; margin: 0 0 6px; } .signature p.blank { border-bottom: 1px solid var(--ink); }
code { font: 12.5px ui-monospace, Menlo, monospace; }
@media print { section.top { break-before: page; } thead { display: table-header-group; } tr { break-inside: avoid; } }
`

function block(b: Block): string {
  switch (b.type) {
    case 'paragraph':
      return b.emphasis === 'strong'
        ? `<p><strong>${prose(b.text)}</strong></p>`
        : `<p${b.emphasis === 'muted' ? ' class="muted"' : ''}>${prose(b.text)}</p>`
    case 'heading':
      return `<h5>${prose(b.text)}</h5>`
    case 'list': {
      const tag = b.ordered === true ? 'ol' : 'ul'
      return `<${tag}>${b.items.map((i) => `<li>${prose(i)}</li>`).join('')}</${tag}>`
    }
    case 'table':
      return b.rows.length === 0
        ? '<p class="muted">None.</p>'
        : `<table><thead><tr>${b.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${r.map((c) => `<td>${prose(c)}</td>`).join('')}</tr>`)
            .join(
              '',
            )}</tbody></table>${b.caption === undefined ? '' : `<p class="muted">${e(b.caption)}</p>`}`
    case 'fields':
      return `<table class="fields"><tbody>${b.rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${prose(v)}</td></tr>`).join('')}</tbody></table>`
    case 'callout':
      return `<div class="callout ${b.tone}" role="note"><strong>${e(b.title)}</strong>${b.paragraphs.map((p) => `<p>${prose(p)}</p>`).join('')}</div>`
    case 'figure':
      // Our own SVG, generated from escaped labels: safe to inline so the file stays single.
      return `<figure>${b.svg}<figcaption>${e(b.caption)}</figcaption></figure>`
    case 'signature':
      return `<div class="signature">${b.lines.map((l) => `<p${l.endsWith(':') ? ' class="blank"' : ''}>${e(l)}</p>`).join('')}</div>`
  }
}

function section(s: Section, depth: number): string {
  const level = Math.min(depth, 4)
  return `<section id="${e(s.id)}"${depth === 2 ? ' class="top"' : ''}><h${level}>${e(s.number)} ${e(s.title)}</h${level}>${s.blocks
    .map(block)
    .join('\n')}${s.sections.map((c) => section(c, depth + 1)).join('\n')}</section>`
}

function toc(sections: readonly Section[], depth: number): string {
  if (sections.length === 0 || depth > 2) return ''
  return `<ol>${sections.map((s) => `<li><a href="#${e(s.id)}">${e(s.number)} ${e(s.title)}</a>${toc(s.sections, depth + 1)}</li>`).join('')}</ol>`
}

/** The package as one self-contained HTML file: styles and figures inline, no scripts. */
export function renderPackageHtml(doc: PackageDocument): string {
  const sectionCount = flattenSections(doc.sections).length
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)} — ${e(doc.organization)}</title><style>${styles}</style></head>
<body><main>
<header><p class="status">${e(doc.status)}</p><h1>${e(doc.title)}</h1><p class="subtitle">${e(doc.subtitle)}</p>
<dl class="cover">${doc.cover.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></header>
<nav aria-label="Contents"><h2>Contents</h2>${toc(doc.sections, 1)}<p class="muted">${sectionCount} sections.</p></nav>
${doc.sections.map((s) => section(s, 2)).join('\n')}
</main></body></html>
`
}
