import { loadLibrary } from '../../app/run-assessment.js'
import { listChecks, listControls } from '../../core/catalog-listing.js'
import { ConfigError } from '../../core/errors.js'
import { styleFor } from '../style.js'

export interface ListOptions {
  format: string
}

function checkFormat(format: string): void {
  if (format !== 'text' && format !== 'json')
    throw new ConfigError(`--format: unknown output format '${format}' (use text or json)`)
}

/** `trustctl checks list`: every valid check id, with its title, severity, controls and criteria. */
export async function checksListCommand(
  options: ListOptions,
  io: { out: (text: string) => void; colour?: { out: boolean } },
): Promise<number> {
  checkFormat(options.format)
  const style = styleFor(io.colour?.out)
  const library = await loadLibrary({ deferChecks: true })
  const checks = listChecks(library.checks, library.catalog)
  if (options.format === 'json') io.out(`${JSON.stringify(checks, null, 2)}\n`)
  else
    io.out(
      `${checks
        .map(
          (c) =>
            `${style.bold(c.id)}  ${style.severity(c.severity, `[${c.severity}]`)}\n  ${c.title}\n  controls: ${c.controls.join(', ') || 'none'}; criteria: ${c.criteria.join(', ') || 'none'}`,
        )
        .join('\n')}\n${checks.length} checks\n`,
    )
  return 0
}

/** `trustctl controls list`: every valid control id, with its title, owner, criteria and tests. */
export async function controlsListCommand(
  options: ListOptions,
  io: { out: (text: string) => void },
): Promise<number> {
  checkFormat(options.format)
  const controls = listControls((await loadLibrary({ deferChecks: true })).catalog)
  if (options.format === 'json') io.out(`${JSON.stringify(controls, null, 2)}\n`)
  else
    io.out(
      `${controls
        .map(
          (c) =>
            `${c.id}  [owner ${c.owner}, ${c.frequency}]\n  ${c.title}\n  criteria: ${c.criteria.join(', ')}; checks: ${c.checks.join(', ') || 'none'}${c.manualEvidence.length > 0 ? `; by a person: ${c.manualEvidence.join(', ')}` : ''}`,
        )
        .join('\n')}\n${controls.length} controls\n`,
    )
  return 0
}
