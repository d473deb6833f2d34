import { appendFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { startEarlyWork } from '../../app/early-start.js'
import {
  ciFilePath,
  formatGateFailures,
  gateFailures,
  githubAnnotations,
  githubSummary,
  gitlabCodeQuality,
} from '../../app/gate-report.js'
import type { LoadedConfig } from '../../app/load-config.js'
import { loadConfig } from '../../app/load-config.js'
import { storeDescription } from '../../app/open-store.js'
import { jsonChunks } from '../../app/rendering.js'
import { loadLibraryLater, runAssessment, storeFile } from '../../app/run-assessment.js'
import type { AssessmentModel } from '../../core/assessment.js'
import { type Severity, severities, severityRank } from '../../core/check.js'
import { ConfigError } from '../../core/errors.js'
import { someFinding } from '../../core/findings-columns.js'
import { startHere } from '../../core/plan.js'
import { type CliIo, writeOut } from '../cli-io.js'
import { exitCode } from '../exit-codes.js'
import { collectReleased, favourMemoryOverSpeed } from '../memory-budget.js'
import { formatStartHere, formatSummary } from '../present.js'
import { processRun } from '../process-run.js'
import { progressStream, withProgress } from '../progress.js'
import { type Style, styleFor } from '../style.js'

export interface AssessOptions {
  config?: string
  format: string
  failOn?: string
  /** Write a GitLab Code Quality report of the failing findings to this file. */
  gitlabCodequality?: string
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
    if (someFinding(model, (f) => f.status === 'fail' && severityRank(f.severity) >= threshold))
      return exitCode.failures
  }
  // Partial: an input could not be read, a test could not run, or nothing at all was read. The
  // summary's count, not a walk of the findings: a repeated run parses its findings only when read.
  const partial =
    model.errors.length > 0 || model.summary.findingsByStatus.error > 0 || model.inputs.length === 0
  return partial ? exitCode.partial : exitCode.clean
}

export async function assessCommand(options: AssessOptions, io: CliIo): Promise<number> {
  const failOn = options.failOn === undefined ? undefined : parseSeverity(options.failOn, '--fail-on')
  if (options.format !== 'text' && options.format !== 'json') {
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  }
  const env = io.env ?? process.env
  const loaded = await loadConfig(options.config, io.cwd)
  // A first run's secrets scan starts now, on workers, while the checks, store and catalog load.
  const run = processRun()
  const stopEarlyWork = await startEarlyWork(loaded, run.env)
  let assessed: Awaited<ReturnType<typeof runAssessment>>
  try {
    // The catalog is loaded, and the heap set for a large estate, only if the run evaluates: a run
    // that repeats an earlier one whole needs neither.
    const library = await loadLibraryLater({ deferChecks: true })
    assessed = await withProgress('assessing', progressStream(io), () =>
      runAssessment(loaded, library, new Date(), run, {
        keepEvidence: false,
        beforeEvaluating: favourMemoryOverSpeed,
        evidenceReleased: () => {
          collectReleased()
        },
      }),
    )
  } finally {
    await stopEarlyWork()
  }
  const { model, ignoredCacheEntries, untrustedCacheRuns } = assessed
  const style = styleFor(io.colour?.out)
  const store =
    loaded.config.store.backend === 'postgres'
      ? storeDescription(loaded, env)
      : path.relative(io.cwd, storeFile(loaded)) || '.'
  // The JSON a piece at a time: a large estate's is half a gigabyte, nearly all findings still columns.
  if (options.format === 'json') await writeOut(io, jsonChunks(model))
  else
    io.out(
      `${formatSummary(model, { store, ignoredCacheEntries, untrustedCacheRuns }, style)}\n${startHereText(model, style)}`,
    )
  const code = assessmentExitCode(model, failOn)
  await reportGate(model, failOn, code === exitCode.failures, { ...options, loaded, env, io })
  return code
}

function startHereText(model: AssessmentModel, style: Style): string {
  const text = formatStartHere(startHere(model), style)
  return text === '' ? '' : `${text}\n`
}

/**
 * Says why the gate failed where the reader is: every failing finding on standard error; under GitHub
 * Actions an annotation per finding and a job summary; a GitLab Code Quality file when asked.
 * Annotations go to standard error too (the runner reads workflow commands from both streams), so
 * `--format json` keeps standard output to the JSON alone.
 */
async function reportGate(
  model: AssessmentModel,
  failOn: Severity | undefined,
  failed: boolean,
  context: {
    gitlabCodequality?: string | undefined
    loaded: LoadedConfig
    env: NodeJS.ProcessEnv
    io: CliIo
  },
): Promise<void> {
  const { loaded, env, io } = context
  const showFailures = failed && failOn !== undefined
  const github = env.GITHUB_ACTIONS === 'true'
  // Nobody to tell: a passing run outside CI skips the walk over every failing finding.
  if (!showFailures && !github && context.gitlabCodequality === undefined) return
  const failures = gateFailures(model, failOn, ciFilePath(loaded.root, io.cwd))
  if (showFailures) io.err(formatGateFailures(failures, failOn, styleFor(io.colour?.err).severity))
  if (github) {
    if (failed) io.err(githubAnnotations(failures))
    const summary = env.GITHUB_STEP_SUMMARY
    if (summary !== undefined && summary !== '')
      await appendFile(summary, githubSummary(model, failures, failOn))
  }
  if (context.gitlabCodequality !== undefined) {
    const configPath = path.relative(io.cwd, loaded.file).split(path.sep).join('/')
    await writeFile(path.resolve(io.cwd, context.gitlabCodequality), gitlabCodeQuality(failures, configPath))
  }
}
