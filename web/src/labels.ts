import type { Labels } from '../../src/server/contract/types'

// The words for statuses, severities and kinds are the reports' own (src/core/labels.ts). The
// dashboard reads them from GET /api/labels once, before its first render (main.tsx), so a report
// and the screen never disagree; the order of each table is the order values are listed in.
let loaded: Labels | undefined

export function installLabels(labels: Labels): void {
  loaded = labels
}

/** The server's label tables; main.tsx installs them before anything renders. */
export function labels(): Labels {
  if (loaded === undefined)
    throw new Error('the labels are not loaded: main.tsx installs them before rendering')
  return loaded
}

/** The values a label table names, in the order it lists them. */
function valuesOf<K extends string>(table: Record<K, string>): K[] {
  return Object.keys(table).filter((key): key is K => key in table)
}

export const controlStatuses = () => valuesOf(labels().controlStatus)
export const findingStatuses = () => valuesOf(labels().findingStatus)
export const severities = () => valuesOf(labels().severity)
export const remediationStatuses = () => valuesOf(labels().remediationStatus)
export const roles = () => labels().roles

/** A label for a value the table above may not know yet (a newer server): the raw value, readable. */
export function labelOf<K extends string>(table: Record<K, string>, value: string): string {
  return (table as Record<string, string>)[value] ?? value
}

/** 2026-11-28T19:44:01.000Z → 2026-11-28 19:44 UTC: unambiguous for a team across time zones. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 12)}…` : hash
}

/** "Priya Raman <priya@acme.example>" → "Priya Raman": tables show the name, the title holds the rest. */
export function ownerName(owner: string): string {
  const name = owner.replace(/\s*<[^>]*>\s*$/, '').trim()
  return name === '' ? owner : name
}

const durationUnits = [
  ['Y', 'year'],
  ['M', 'month'],
  ['W', 'week'],
  ['D', 'day'],
] as const

/**
 * An ISO 8601 duration of whole calendar units in words (`P3M` → "3 months", `P1Y` → "1 year",
 * `P1Y6M` → "1 year 6 months"); anything else (times, fractions) is shown as it is.
 */
export function durationInWords(iso: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso)
  if (match === null || iso === 'P') return iso
  const parts: string[] = []
  durationUnits.forEach(([, unit], i) => {
    const count = match[i + 1]
    if (count === undefined) return
    const n = Number(count)
    parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`)
  })
  return parts.join(' ')
}

/** Prose split at `backticks`: plain runs and code runs, so a page shows code as code, never the ticks. */
export function proseRuns(text: string): { code: boolean; text: string }[] {
  const runs: { code: boolean; text: string }[] = []
  const pattern = /`([^`]+)`/g
  let at = 0
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > at) runs.push({ code: false, text: text.slice(at, match.index) })
    runs.push({ code: true, text: match[1] ?? '' })
    at = match.index + match[0].length
  }
  if (at < text.length) runs.push({ code: false, text: text.slice(at) })
  return runs
}
