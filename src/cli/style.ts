import type { Severity } from '../core/check.js'

/** How text is dressed for a terminal: plain ANSI codes, so no dependency and the same on every Node. */
export interface Style {
  bold: (text: string) => string
  dim: (text: string) => string
  severity: (severity: Severity, text: string) => string
}

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`

const severityColour: Record<Severity, (text: string) => string> = {
  critical: (t) => wrap(1, 22)(wrap(31, 39)(t)),
  high: wrap(31, 39),
  medium: wrap(33, 39),
  low: wrap(36, 39),
  info: wrap(2, 22),
}

/** No colour: what pipes, files, NO_COLOR and tests get. */
export const plainStyle: Style = { bold: (t) => t, dim: (t) => t, severity: (_s, t) => t }

export const colourStyle: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  severity: (severity, text) => severityColour[severity](text),
}

/**
 * Whether to colour a stream: never with NO_COLOR (https://no-color.org: any non-empty value); always
 * with FORCE_COLOR set to anything but 0 or false; otherwise only on a terminal that is not dumb.
 */
export function wantsColour(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false'
  return isTerminal && env.TERM !== 'dumb'
}

export const styleFor = (colour: boolean | undefined): Style => (colour === true ? colourStyle : plainStyle)
