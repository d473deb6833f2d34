import path from 'node:path'
import { loadConfig } from '../../app/load-config.js'
import { storeDescription } from '../../app/open-store.js'
import { renderJson } from '../../app/rendering.js'
import { loadLibrary, runAssessment, storeFile } from '../../app/run-assessment.js'
import type { AssessmentModel } from '../../core/assessment.js'
import { type Severity, severities, severityRank } from '../../core/check.js'
import { ConfigError } from '../../core/errors.js'
import { exitCode } from '../exit-codes.js'
import { formatSummary } from '../present.js'
import { processRun } from '../process-run.js'

export interface AssessOptions {
  config?: string
  format: string
  failOn?: string
}

export function parseSeverity(value: string, flag: string): Severity {
  const found = severities.find((s) => s === value.toLowerCase())
  if (found === undefined)
    throw new ConfigError(`${flag}: unknown severity '${value}' (use ${severities.join(', ')})`)
  return found
}

/** The exit code for a finished assessment: failures at the threshold first, then partial input. */
export function assessmentExitCode(model: AssessmentModel, failOn: Severity | undefined): number {
  if (failOn !== undefined) {
    const threshold = severityRank(failOn)
    if (model.findings.some((f) => f.status === 'fail' && severityRank(f.severity) >= threshold))
      return exitCode.failures
  }
  // Partial: an input could not be read, a test could not run, or nothing at all was read.
  const partial =
    model.errors.length > 0 || model.findings.some((f) => f.status === 'error') || model.inputs.length === 0
  return partial ? exitCode.partial : exitCode.clean
}

export async function assessCommand(
  options: AssessOptions,
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const failOn = options.failOn === undefined ? undefined : parseSeverity(options.failOn, '--fail-on')
  if (options.format !== 'text' && options.format !== 'json') {
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  }
  const loaded = await loadConfig(options.config, io.cwd)
  const { model, ignoredCacheEntries, untrustedCacheRuns } = await runAssessment(
    loaded,
    await loadLibrary(),
    new Date(),
    processRun(),
  )
  const store =
    loaded.config.store.backend === 'postgres'
      ? storeDescription(loaded, process.env)
      : path.relative(io.cwd, storeFile(loaded)) || '.'
  io.out(
    options.format === 'json'
      ? renderJson(model)
      : `${formatSummary(model, { store, ignoredCacheEntries, untrustedCacheRuns })}\n`,
  )
  return assessmentExitCode(model, failOn)
}
