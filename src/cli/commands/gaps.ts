import { loadConfig } from '../../app/load-config.js'
import { applyRecordedRemediation } from '../../app/remediation.js'
import { loadLibrary, runAssessment } from '../../app/run-assessment.js'
import { severityRank } from '../../core/check.js'
import { formatGaps } from '../present.js'
import { processRun } from '../process-run.js'
import { assessmentExitCode, parseSeverity } from './assess.js'

export interface GapsOptions {
  config?: string
  format: string
  severity?: string
}

export async function gapsCommand(
  options: GapsOptions,
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const minimum = options.severity === undefined ? undefined : parseSeverity(options.severity, '--severity')
  const loaded = await loadConfig(options.config, io.cwd)
  const run = processRun()
  const assessed = (await runAssessment(loaded, await loadLibrary(), new Date(), run)).model
  // Owners, due dates and statuses edited on the team server (signed change records) win.
  const model = await applyRecordedRemediation(loaded, run.env, assessed)
  const gaps = model.gaps.filter(
    (g) => minimum === undefined || severityRank(g.severity) >= severityRank(minimum),
  )
  io.out(options.format === 'json' ? `${JSON.stringify(gaps, null, 2)}\n` : `${formatGaps(gaps)}\n`)
  return assessmentExitCode(model, undefined)
}
