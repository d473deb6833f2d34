import type { ServiceModel } from '../../core/config-third-parties.js'
import { escapeXml } from '../../core/escape-markup.js'
import type { ModelColumn, ResponsibilityMatrix } from '../../core/third-parties/matrix.js'

const x = escapeXml

// Fills chosen for WCAG AA contrast with the dark text drawn on them, and told apart by their
// label too, so the figure does not rely on colour alone.
export const ownerStyle: Record<ModelColumn, { fill: string; label: string; meaning: string }> = {
  us: { fill: '#cfe2ff', label: 'us', meaning: 'we own it and produce the evidence' },
  shared: { fill: '#ffe8a3', label: 'shared', meaning: 'both have duties; both produce evidence' },
  provider: { fill: '#b7e4c7', label: 'provider', meaning: "the provider's, through its report" },
  'not-used': { fill: '#f1f3f5', label: 'not used', meaning: 'no service of this model in use' },
}

/** Columns across: our system as a whole, then SaaS, PaaS and IaaS (most to least provider-run). */
const columns: { key: 'overall' | ServiceModel; title: string }[] = [
  { key: 'overall', title: 'Service organization' },
  { key: 'saas', title: 'SaaS' },
  { key: 'paas', title: 'PaaS' },
  { key: 'iaas', title: 'IaaS' },
]

const layout = { labelWidth: 190, cellWidth: 132, rowHeight: 26, headerHeight: 58, top: 44, gap: 2 }

/**
 * The responsibility matrix as an SVG figure: control families down, the service organization
 * overall and each service model across, each cell coloured and labelled by owner. Every cell has a
 * <title> naming the family, the column, the owner and the services behind it, for screen readers
 * and tooltips.
 */
export function renderResponsibilitySvg(
  matrix: ResponsibilityMatrix,
  options: { title?: string } = {},
): string {
  const { labelWidth, cellWidth, rowHeight, headerHeight, top, gap } = layout
  const title = options.title ?? 'Shared responsibility by control family and service model'
  const servicesOf = (model: ServiceModel): string[] =>
    matrix.services.filter((s) => s.model === model).map((s) => `${s.provider} ${s.service}`)
  const width = labelWidth + columns.length * cellWidth + 20
  const gridTop = top + headerHeight
  const legendTop = gridTop + matrix.families.length * rowHeight + 18
  const height = legendTop + 4 * 20 + 12
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="rm-title rm-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">`,
    `<title id="rm-title">${x(title)}</title>`,
    `<desc id="rm-desc">${x(
      `For each of ${matrix.families.length} control families: who owns it for the system as a whole, and for the services in use of each model (SaaS ${servicesOf('saas').length}, PaaS ${servicesOf('paas').length}, IaaS ${servicesOf('iaas').length}). Owner is us, shared, or provider.`,
    )}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="26" font-size="16" font-weight="600" fill="#1b1f24">${x(title)}</text>`,
  )
  columns.forEach((column, i) => {
    const cx = labelWidth + i * cellWidth + cellWidth / 2
    const count = column.key === 'overall' ? matrix.services.length : servicesOf(column.key).length
    const sub = column.key === 'overall' ? `across ${count} services` : `${count} in use`
    parts.push(
      `<g><title>${x(column.key === 'overall' ? `${column.title}: the system as a whole` : `${column.title}: ${servicesOf(column.key).join(', ') || 'none in use'}`)}</title>`,
      `<text x="${cx}" y="${top + 22}" font-size="13" font-weight="600" text-anchor="middle" fill="#1b1f24">${x(column.title)}</text>`,
      `<text x="${cx}" y="${top + 40}" font-size="11" text-anchor="middle" fill="#57606a">${x(sub)}</text></g>`,
    )
  })
  matrix.families.forEach((family, row) => {
    const y = gridTop + row * rowHeight
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + rowHeight / 2 + 4}" font-size="12" text-anchor="end" fill="#1b1f24">${x(family.family)}</text>`,
    )
    columns.forEach((column, i) => {
      const owner: ModelColumn = column.key === 'overall' ? family.overall : family.byModel[column.key]
      const style = ownerStyle[owner]
      const cx = labelWidth + i * cellWidth
      const behind =
        column.key === 'overall' ? 'all services in use' : servicesOf(column.key).join(', ') || 'none'
      parts.push(
        `<g class="cell" data-family="${x(family.family)}" data-column="${column.key}" data-owner="${owner}"><title>${x(`${family.family}, ${column.title}: ${style.label} (${behind})`)}</title>`,
        `<rect x="${cx + gap}" y="${y + gap}" width="${cellWidth - 2 * gap}" height="${rowHeight - 2 * gap}" rx="4" fill="${style.fill}" stroke="#d0d7de"/>`,
        `<text x="${cx + cellWidth / 2}" y="${y + rowHeight / 2 + 4}" font-size="11" text-anchor="middle" fill="#1b1f24">${x(style.label)}</text></g>`,
      )
    })
  })
  ;(['us', 'shared', 'provider', 'not-used'] as const).forEach((owner, i) => {
    const y = legendTop + i * 20
    const style = ownerStyle[owner]
    parts.push(
      `<g class="legend"><title>${x(`${style.label}: ${style.meaning}`)}</title><rect x="10" y="${y}" width="14" height="14" rx="3" fill="${style.fill}" stroke="#d0d7de"/>`,
      `<text x="32" y="${y + 11}" font-size="12" fill="#1b1f24">${x(`${style.label}: ${style.meaning}`)}</text></g>`,
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
