import { ConfigError } from '../core/errors.js'
import { reporters } from './reporters.js'

/**
 * `trustctl report` formats: the readiness formats, then the package parts that render on their own
 * from the assessment (a format that is both renders the readiness report there).
 */
export const reportReporters = [
  ...reporters.filter((r) => r.readiness !== undefined),
  ...reporters.filter((r) => r.readiness === undefined && r.package !== undefined),
]

/** The names `trustctl report --format` accepts. */
export const reportFormats: readonly string[] = reportReporters.map((r) => r.id)

/** The help text of `trustctl report --format`. */
export const reportFormatsHelp = `comma-separated: ${reportFormats.join(', ')}`

/** Parses `md,html,json`; an unknown name is a usage error naming it. */
export function parseReportFormats(list: string): string[] {
  const names = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
  for (const name of names) {
    if (!reportFormats.includes(name))
      throw new ConfigError(`--format: unknown report format '${name}' (use ${reportFormats.join(', ')})`)
  }
  return [...new Set(names)]
}
