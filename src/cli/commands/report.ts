import path from 'node:path'
import { loadConfig } from '../load-config.js'
import { latestOrAssess, loadLibrary } from '../run-assessment.js'
import { parseFormats, writeReports } from '../write-report.js'

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
  const model = await latestOrAssess(loaded, await loadLibrary(), new Date(), () =>
    io.err('trustctl: no current assessment for this configuration; assessing now\n'),
  )
  const outDir =
    options.out === undefined
      ? path.resolve(loaded.root, loaded.config.report.out)
      : path.resolve(io.cwd, options.out)
  const written = await writeReports(model, formats, outDir)
  const s = model.summary
  io.out(
    `Readiness report (${s.readiness}% ready, ${s.gaps} gaps, as of ${model.asOf}) written to:\n${written
      .map((f) => `  ${path.relative(io.cwd, f)}`)
      .join('\n')}\n`,
  )
  return 0
}
