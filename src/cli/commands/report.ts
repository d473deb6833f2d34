import path from 'node:path'
import { loadConfig } from '../../app/load-config.js'
import { applyRecordedRemediation } from '../../app/remediation.js'
import { assessForReading, loadLibrary } from '../../app/run-assessment.js'
import { parseFormats, writeReports } from '../../app/write-report.js'
import type { CliIo } from '../cli-io.js'
import { processRun } from '../process-run.js'
import { progressStream, withProgress } from '../progress.js'
import { assessmentExitCode } from './assess.js'

export interface ReportOptions {
  config?: string
  format: string
  /** Store the run in the ledger, as `assess` does (read-only commands store nothing otherwise). */
  record?: boolean
  out?: string
}

export async function reportCommand(options: ReportOptions, io: CliIo): Promise<number> {
  const formats = parseFormats(options.format)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary({ deferChecks: true })
  const run = processRun()
  const assessed = await withProgress('assessing', progressStream(io), () =>
    assessForReading(loaded, library, new Date(), run, options.record === true),
  )
  // Owners, due dates and statuses edited on the team server (signed change records) win.
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
      .join('\n')}\n${
      model.ledger === undefined
        ? 'Not recorded in the ledger, so the report names no signed run; --record stores and signs this run and the report then says how to verify it.\n'
        : ''
    }`,
  )
  return assessmentExitCode(model, undefined)
}
