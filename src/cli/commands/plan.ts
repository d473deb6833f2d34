import { loadConfig } from '../../app/load-config.js'
import { assessForReading, loadLibrary } from '../../app/run-assessment.js'
import { ConfigError } from '../../core/errors.js'
import { planRemediation } from '../../core/plan.js'
import type { CliIo } from '../cli-io.js'
import { formatPlan } from '../present.js'
import { processRun } from '../process-run.js'
import { progressStream, withProgress } from '../progress.js'
import { styleFor } from '../style.js'
import { assessmentExitCode } from './assess.js'
import { parseCount } from './gaps.js'

export interface PlanOptions {
  config?: string
  format: string
  perCycle: string
  cycles?: string
  record?: boolean
}

/** `trustctl plan`: the gaps ordered into remediation cycles, with readiness after each. */
export async function planCommand(options: PlanOptions, io: CliIo): Promise<number> {
  const perCycle = parseCount(options.perCycle, '--per-cycle')
  const maxCycles = options.cycles === undefined ? undefined : parseCount(options.cycles, '--cycles')
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary({ deferChecks: true })
  const model = await withProgress('assessing', progressStream(io), () =>
    assessForReading(loaded, library, new Date(), processRun(), options.record === true),
  )
  const plan = planRemediation(model, { perCycle, ...(maxCycles === undefined ? {} : { maxCycles }) })
  io.out(
    options.format === 'json'
      ? `${JSON.stringify(plan, null, 2)}\n`
      : `${formatPlan(plan, styleFor(io.colour?.out))}\n`,
  )
  return assessmentExitCode(model, undefined)
}
