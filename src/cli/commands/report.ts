import path from 'node:path'
import { loadConfig } from '../../app/load-config.js'
import { applyRecordedRemediation } from '../../app/remediation.js'
import { loadLibrary, runAssessment } from '../../app/run-assessment.js'
import { parseFormats, writeReports } from '../../app/write-report.js'
import { processRun } from '../process-run.js'
import { assessmentExitCode } from './assess.js'

export interface ReportOptions {
  config?: string
  format: string
  out?: string
}

export async function reportCommand(
  options: ReportOptions,
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const formats = parseFormats(options.format)
  const loaded = await loadConfig(options.config, io.cwd)
  const run = processRun()
  const assessed = (await runAssessment(loaded, await loadLibrary(), new Date(), run)).model
  const model = await applyRecordedRemediation(loaded, run.env, assessed)
  const outDir =
    options.out === undefined
      ? path.resolve(loaded.root, loaded.config.report.out)
      : path.resolve(io.cwd, options.out)
  const written = await writeReports(model, formats, outDir, loaded.config)
  const s = model.summary
  io.out(
    `Readiness report (${s.readiness}% ready, ${s.gaps} gaps, as of ${model.asOf}) written to:\n${written
      .map((f) => `  ${path.relative(io.cwd, f)}`)
      .join('\n')}\n`,
  )
  return assessmentExitCode(model, undefined)
}
