import { escapeXml } from '../escape-markup.js'
import type { SystemComponents } from './components.js'

/** An SVG drawing and its size in points, ready to embed in HTML or PDF. */
export interface Diagram {
  svg: string
  width: number
  height: number
}

const font = 'font-family="Roboto, Helvetica, Arial, sans-serif"'
const ink = '#1f2a37'
const line = '#52606d'
const accent = '#0b5394'

/** Shortens a label to what fits a box of `width` points at the given font size. */
function clip(text: string, width: number, size: number): string {
  const max = Math.max(4, Math.floor(width / (size * 0.55)))
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function text(
  x: number,
  y: number,
  value: string,
  size: number,
  opts: { bold?: boolean; fill?: string; anchor?: string } = {},
): string {
  const weight = opts.bold === true ? ' font-weight="bold"' : ''
  const anchor = opts.anchor === undefined ? '' : ` text-anchor="${opts.anchor}"`
  return `<text x="${x}" y="${y}" ${font} font-size="${size}"${weight}${anchor} fill="${opts.fill ?? ink}">${escapeXml(value)}</text>`
}

function box(
  x: number,
  y: number,
  w: number,
  h: number,
  opts: { fill?: string; stroke?: string; dashed?: boolean } = {},
): string {
  const dash = opts.dashed === true ? ' stroke-dasharray="6 4"' : ''
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" ry="4" fill="${opts.fill ?? '#ffffff'}" stroke="${opts.stroke ?? line}" stroke-width="1"${dash}/>`
}

/** A straight arrow; the head is a polygon so every SVG renderer (PDF ones too) draws it. */
function arrow(x1: number, y1: number, x2: number, y2: number, label?: string): string {
  const angle = Math.atan2(y2 - y1, x2 - x1)
  const head = (a: number) =>
    `${(x2 - 8 * Math.cos(angle + a)).toFixed(1)},${(y2 - 8 * Math.sin(angle + a)).toFixed(1)}`
  const parts = [
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${line}" stroke-width="1.2"/>`,
    `<polygon points="${x2},${y2} ${head(0.45)} ${head(-0.45)}" fill="${line}"/>`,
  ]
  if (label !== undefined)
    parts.push(text((x1 + x2) / 2, (y1 + y2) / 2 - 4, label, 8, { anchor: 'middle', fill: line }))
  return parts.join('')
}

/** A titled box listing items, with "and N more" when they do not fit. */
function listBox(
  x: number,
  y: number,
  w: number,
  title: string,
  items: string[],
  limit: number,
  opts: { fill?: string; dashed?: boolean } = {},
): { svg: string; height: number } {
  const shown =
    items.length > limit ? [...items.slice(0, limit - 1), `and ${items.length - limit + 1} more`] : items
  const rows = shown.length === 0 ? ['none found in the evidence'] : shown
  const height = 24 + rows.length * 13 + 6
  const body = rows.map((item, i) => text(x + 8, y + 34 + i * 13, clip(item, w - 16, 9), 9)).join('')
  return {
    svg:
      box(x, y, w, height, opts) +
      text(x + 8, y + 16, clip(title, w - 16, 10), 10, { bold: true, fill: accent }) +
      body,
    height,
  }
}

function wrap(width: number, height: number, body: string, title: string): Diagram {
  return {
    width,
    height,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}"><rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`,
  }
}

/**
 * The system boundary: what is inside (entry points, workloads, pipelines, data stores), who uses it
 * from outside, and the subservice organizations it runs on, drawn outside the boundary because
 * their controls are carved out.
 */
export function boundaryDiagram(system: string, c: SystemComponents): Diagram {
  const width = 780
  const parts: string[] = []
  const inner = { x: 195, y: 40, w: 390 }
  const col = (inner.w - 30) / 2
  const left = inner.x + 10
  const right = inner.x + 20 + col
  const tint = { fill: '#f4f8fc' }
  const entry = listBox(
    left,
    inner.y + 30,
    col,
    'Entry points',
    c.entryPoints.map((e) => e.host),
    5,
    tint,
  )
  const apps = listBox(
    right,
    inner.y + 30,
    col,
    'Application workloads',
    c.namespaces.map((n) => `${n.name} (${n.workloads} workload${n.workloads === 1 ? '' : 's'})`),
    8,
    tint,
  )
  const rowTwo = inner.y + 40 + Math.max(entry.height, apps.height)
  const pipes = listBox(
    left,
    rowTwo,
    col,
    'Delivery pipelines',
    c.pipelines.map((p) => p.name.split('/').pop() ?? p.name),
    6,
    tint,
  )
  const stores = listBox(
    right,
    rowTwo,
    col,
    'Data stores',
    c.dataStores.map((d) => `${d.name} (${d.where})`),
    6,
    tint,
  )
  const innerHeight = rowTwo - inner.y + Math.max(stores.height, pipes.height) + 12
  parts.push(box(inner.x, inner.y, inner.w, innerHeight, { dashed: true, stroke: accent, fill: '#fbfdff' }))
  parts.push(
    text(inner.x + 10, inner.y + 18, clip(`System boundary: ${system}`, inner.w - 20, 11), 11, {
      bold: true,
      fill: accent,
    }),
  )
  parts.push(entry.svg, apps.svg, pipes.svg, stores.svg)

  const usersY = inner.y + 30
  const users = listBox(
    10,
    usersY,
    140,
    'User entities',
    ['Customers and their users', 'Customer administrators'],
    3,
  )
  const staff = listBox(10, rowTwo, 140, 'Workforce', ['Engineers and operators', 'Security and support'], 3)
  parts.push(users.svg, staff.svg)
  parts.push(arrow(150, usersY + 24, left, usersY + 24, 'use'))
  parts.push(arrow(150, rowTwo + 24, left, rowTwo + 24, 'change'))

  const px = 625
  let y = 40
  parts.push(text(px, 30, 'Subservice organizations', 10, { bold: true, fill: accent }))
  const providers =
    c.providers.length === 0 ? [{ name: 'none declared', model: 'saas' as const, services: [] }] : c.providers
  for (const provider of providers.slice(0, 8)) {
    const services = `${provider.model.toUpperCase()}${provider.services.length > 0 ? `: ${provider.services.join(', ')}` : ''}`
    const b = listBox(px, y, 145, provider.name, [services], 1, { dashed: true })
    parts.push(b.svg)
    y += b.height + 6
  }
  if (providers.length > 8) parts.push(text(px, y + 10, `and ${providers.length - 8} more (section 3.7)`, 9))
  parts.push(arrow(inner.x + inner.w, inner.y + 24, px, inner.y + 24, 'runs on'))
  const height = Math.max(inner.y + innerHeight, y, rowTwo + staff.height) + 30
  parts.push(
    text(
      inner.x,
      height - 10,
      'Dashed outline: the system boundary. Dashed boxes outside it: carved out.',
      8,
      { fill: line },
    ),
  )
  return wrap(width, height, parts.join(''), `System boundary of ${system}`)
}

/**
 * How data and changes move: customer data from entry points through workloads to data stores;
 * code from the repository through pipelines and images to the cluster.
 */
export function dataFlowDiagram(system: string, c: SystemComponents): Diagram {
  const width = 780
  const w = 124
  const gap = (width - 20 - 5 * w) / 4
  const xs = [0, 1, 2, 3, 4].map((i) => 10 + i * (w + gap))
  const at = (i: number) => xs[i] ?? 0
  const laneOne = [
    listBox(at(0), 40, w, 'Customers', ['SDKs, browsers,', 'API clients'], 2),
    listBox(
      at(1),
      40,
      w,
      'Entry points (TLS)',
      c.entryPoints.map((e) => e.host),
      4,
    ),
    listBox(
      at(2),
      40,
      w,
      'Workloads',
      c.workloads.map((wl) => `${wl.namespace}/${wl.name}`),
      5,
    ),
    listBox(
      at(3),
      40,
      w,
      'Data stores',
      c.dataStores.map((d) => d.name),
      4,
    ),
    listBox(
      at(4),
      40,
      w,
      'Providers',
      c.providers.map((p) => p.name),
      4,
      { dashed: true },
    ),
  ]
  const y2 = 40 + Math.max(...laneOne.map((b) => b.height)) + 50
  const laneTwo = [
    listBox(at(0), y2, w, 'Engineers', ['propose changes', 'review and approve'], 2),
    listBox(at(1), y2, w, 'Source repository', ['pull requests, reviews'], 2),
    listBox(
      at(2),
      y2,
      w,
      'Pipelines',
      c.pipelines.map((p) => p.name.split('/').pop() ?? p.name),
      4,
    ),
    listBox(
      at(3),
      y2,
      w,
      'Container images',
      c.images.map((i) => i.name),
      4,
    ),
    listBox(
      at(4),
      y2,
      w,
      'Cluster',
      c.namespaces.map((n) => n.name),
      4,
    ),
  ]
  const parts = [
    text(10, 26, 'Customer data', 11, { bold: true, fill: accent }),
    text(10, y2 - 14, 'Changes to the system', 11, { bold: true, fill: accent }),
    ...laneOne.map((b) => b.svg),
    ...laneTwo.map((b) => b.svg),
  ]
  const labelsOne = ['HTTPS', 'calls', 'data', 'hosted']
  const labelsTwo = ['PR', 'merge', 'build', 'deploy']
  for (let i = 0; i < 4; i++) {
    parts.push(arrow(at(i) + w + 2, 40 + 24, at(i + 1) - 2, 40 + 24, labelsOne[i]))
    parts.push(arrow(at(i) + w + 2, y2 + 24, at(i + 1) - 2, y2 + 24, labelsTwo[i]))
  }
  return wrap(
    width,
    y2 + Math.max(...laneTwo.map((b) => b.height)) + 20,
    parts.join(''),
    `Data flows of ${system}`,
  )
}
