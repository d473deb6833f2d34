import { loadConfig } from '../../app/load-config.js'
import { assessForReading, loadLibrary } from '../../app/run-assessment.js'
import { ConfigError } from '../../core/errors.js'
import { planRemediation } from '../../core/plan.js'
import { formatPlan } from '../present.js'
import { processRun } from '../process-run.js'
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
export async function planCommand(
  options: PlanOptions,
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const perCycle = parseCount(options.perCycle, '--per-cycle')
  const maxCycles = options.cycles === undefined ? undefined : parseCount(options.cycles, '--cycles')
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  const loaded = await loadConfig(options.config, io.cwd)
  const model = await assessForReading(
    loaded,
    await loadLibrary(),
    new Date(),
    processRun(),
    options.record === true,
  )
  const plan = planRemediation(model, { perCycle, ...(maxCycles === undefined ? {} : { maxCycles }) })
  io.out(options.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlan(plan)}\n`)
  return assessmentExitCode(model, undefined)
}
