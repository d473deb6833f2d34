import { isMap, isScalar, isSeq } from 'yaml'
import type { ShellScript } from '../../core/shell-command.js'
import { parseShell } from '../shell/parse-shell.js'

const posixShells = new Set(['bash', 'sh'])

/** `defaults: { run: { shell } }` of a workflow or job, when set. */
export function defaultShell(defaults: unknown): string | undefined {
  if (!isMap(defaults)) return undefined
  const run = defaults.get('run', true)
  if (!isMap(run)) return undefined
  const shell = run.get('shell', true)
  return isScalar(shell) && typeof shell.value === 'string' ? shell.value : undefined
}

/** Whether `runs-on` names a Windows runner, whose default shell is PowerShell (pwsh). */
export function runsOnWindows(runsOn: unknown): boolean {
  const labels = isSeq(runsOn) ? runsOn.items : isMap(runsOn) ? [runsOn.get('labels', true)] : [runsOn]
  return labels.some((label) => isScalar(label) && /windows/i.test(String(label.value)))
}

/**
 * Parses a step's `run:` under the shell that runs it: the step's `shell:`, else the job's and then
 * the workflow's `defaults.run.shell`, else bash (pwsh on Windows runners). `${{ … }}` expressions are
 * substituted by GitHub before the shell runs, so they become placeholder words while parsing.
 */
export function parseRunScript(run: string, shell: string | undefined, windows: boolean): ShellScript {
  const chosen = shell ?? (windows ? 'pwsh' : 'bash')
  // A custom shell is a command line with `{0}` for the script file: `bash --noprofile --norc -eo pipefail {0}`.
  const program = chosen.trim().split(/\s+/)[0] ?? ''
  const name = program.slice(program.lastIndexOf('/') + 1)
  if (!posixShells.has(name)) {
    const why = shell === undefined ? 'the default shell of a Windows runner' : `shell: ${shell}`
    return { parsed: false, reason: `runs under ${name} (${why}), which is not a POSIX shell` }
  }
  return parseShell(run, { githubExpressions: true })
}
