import { loadConfig } from '../../app/load-config.js'
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
  const model = (await runAssessment(loaded, await loadLibrary(), new Date(), processRun())).model
  const gaps = model.gaps.filter(
    (g) => minimum === undefined || severityRank(g.severity) >= severityRank(minimum),
  )
  io.out(options.format === 'json' ? `${JSON.stringify(gaps, null, 2)}\n` : `${formatGaps(gaps)}\n`)
  return assessmentExitCode(model, undefined)
}
