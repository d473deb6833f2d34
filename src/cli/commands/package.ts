import path from 'node:path'
import { loadConfig } from '../../app/load-config.js'
import { loadLibrary } from '../../app/run-assessment.js'
import { type PackageOptions, parseEngagement, writeSoc2Package } from '../../app/soc2-package.js'
import { processRun } from '../process-run.js'

/** `trustctl package`: assesses as of the date and writes the whole SOC 2 package into one folder. */
export async function packageCommand(
  options: PackageOptions,
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const engagement = parseEngagement(options, loaded.config.scope.asOf)
  const library = await loadLibrary({ deferChecks: true })
  const { model, pkg, folder, files } = await writeSoc2Package(
    loaded,
    library,
    {
      engagement,
      now: new Date(),
      folder: (asOf) =>
        options.out === undefined
          ? path.resolve(loaded.root, loaded.config.report.out, `soc2-type${engagement.type}-${asOf}`)
          : path.resolve(io.cwd, options.out),
    },
    processRun(),
  )
  const s = model.summary
  io.out(
    `SOC 2 Type ${engagement.type} package (${pkg.periodText}; ${s.controls} controls, ${s.controlsByStatus.fail} with exceptions, ${s.gaps} gaps) written to ${path.relative(io.cwd, folder) || '.'}:\n${files.map((f) => `  ${f}`).join('\n')}\n`,
  )
  return 0
}
