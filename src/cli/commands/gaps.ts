import { loadConfig } from '../../app/load-config.js'
import { applyRecordedRemediation } from '../../app/remediation.js'
import { assessForReading, loadLibrary } from '../../app/run-assessment.js'
import { ConfigError } from '../../core/errors.js'
import {
  configuredOwners,
  filterGaps,
  type GapFilter,
  rankGaps,
  unknownGapFilterValues,
} from '../../core/plan.js'
import type { CliIo } from '../cli-io.js'
import { formatGapsGrouped } from '../present.js'
import { processRun } from '../process-run.js'
import { progressStream, withProgress } from '../progress.js'
import { styleFor } from '../style.js'
import { assessmentExitCode, parseSeverity } from './assess.js'

export interface GapsOptions {
  config?: string
  format: string
  severity?: string
  owner?: string
  criterion?: string
  top?: string
  /** Store the run in the ledger, as `assess` does (read-only commands store nothing otherwise). */
  record?: boolean
}

/** A positive whole number from a flag, or a usage error naming the flag. */
export function parseCount(value: string, flag: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag}: a whole number ≥ 1, not '${value}'`)
  return n
}

export async function gapsCommand(options: GapsOptions, io: CliIo): Promise<number> {
  const minimum = options.severity === undefined ? undefined : parseSeverity(options.severity, '--severity')
  const top = options.top === undefined ? undefined : parseCount(options.top, '--top')
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary({ deferChecks: true })
  const run = processRun()
  const assessed = await withProgress('assessing', progressStream(io), () =>
    assessForReading(loaded, library, new Date(), run, options.record === true),
  )
  // Owners, due dates and statuses edited on the team server (signed change records) win.
  const model = await applyRecordedRemediation(loaded, run.env, assessed)
  const filter: GapFilter = {
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    ...(options.criterion === undefined ? {} : { criterion: options.criterion }),
    ...(minimum === undefined ? {} : { minimum }),
  }
  // Owners assigned on the team server count as known: they are gaps' owners once applied above.
  const unknown = unknownGapFilterValues(filter, {
    owners: [...configuredOwners(loaded.config), ...model.gaps.map((g) => g.owner)],
    criteria: library.catalog.criteria.keys(),
  })
  if (unknown.length > 0)
    throw new ConfigError(unknown.join('\n'), { hint: 'trustctl gaps without a filter lists every owner' })
  const filtered = filterGaps(model.gaps, filter)
  // --top keeps the gaps that bring the most if closed (the order `plan` and `assess` use).
  const gaps =
    top === undefined
      ? filtered
      : rankGaps(model, filtered)
          .slice(0, top)
          .map((r) => r.gap)
  io.out(
    options.format === 'json'
      ? `${JSON.stringify(gaps, null, 2)}\n`
      : `${formatGapsGrouped(gaps, styleFor(io.colour?.out))}\n`,
  )
  return assessmentExitCode(model, undefined)
}
