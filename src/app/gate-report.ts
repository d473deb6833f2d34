import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import path from 'node:path'
import type { AssessmentModel } from '../core/assessment.js'
import { type Finding, type Severity, severityRank } from '../core/check.js'
import { findingsBatches, findingsView } from '../core/findings-columns.js'
import { qualifiedName } from '../reports/labels.js'

/** A failing finding as the gate reports it: where it is and how to fix it. */
export interface GateFailure {
  check: string
  checkTitle: string
  severity: Severity
  subject: string
  /** Path as the CI job sees it (relative to its working folder), when the subject is a file. */
  file?: string
  line?: number
  message: string
  fix: string
}

/**
 * The path the CI job sees a subject's file at (relative to its working folder), or undefined when
 * it is no file there: a live API's resource (no file), or a folder, such as the repository a commit
 * belongs to (`.`). An annotation or a Code Quality issue needs a file; an empty or folder path puts
 * it nowhere. Looked up once per file: thousands of findings name the same few hundred files.
 */
export function ciFilePath(root: string, cwd: string): (file: string) => string | undefined {
  const paths = new Map<string, string | undefined>()
  return (file) => {
    if (paths.has(file)) return paths.get(file)
    const absolute = path.resolve(root, file)
    const isFile = statSync(absolute, { throwIfNoEntry: false })?.isFile() === true
    const shown = isFile ? path.relative(cwd, absolute).split(path.sep).join('/') : undefined
    paths.set(file, shown)
    return shown
  }
}

/**
 * The failing findings at or above the threshold, most severe first. `pathOf` turns a subject's file
 * (relative to trustctl.yaml) into the path the CI job sees, or undefined when it is no file (a live
 * API's resource).
 */
export function gateFailures(
  model: AssessmentModel,
  threshold: Severity | undefined,
  pathOf: (file: string) => string | undefined,
): GateFailure[] {
  const checks = new Map(model.checks.map((c) => [c.id, c]))
  const atLeast = (f: Finding): boolean =>
    threshold === undefined || severityRank(f.severity) >= severityRank(threshold)
  // A batch at a time from the columns: only the failing findings are kept as objects.
  const failing: Finding[] = []
  for (const batch of findingsBatches(findingsView(model)))
    for (const f of batch) if (f.status === 'fail' && atLeast(f)) failing.push(f)
  return failing
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.check.localeCompare(b.check))
    .map((f) => {
      const file = pathOf(f.subject.file)
      return {
        check: f.check,
        checkTitle: checks.get(f.check)?.title ?? f.check,
        severity: f.severity,
        subject: `${f.subject.kind} ${qualifiedName(f.subject)}`,
        ...(file === undefined ? {} : { file }),
        ...(file === undefined || f.subject.line === undefined ? {} : { line: f.subject.line }),
        message: f.message,
        fix: checks.get(f.check)?.remediation ?? '',
      }
    })
}

/** Why the gate failed, one block per finding, for standard error. */
export function formatGateFailures(
  failures: readonly GateFailure[],
  threshold: Severity,
  /** Dresses the severity tag (colour on a terminal). */
  tag: (severity: Severity, text: string) => string = (_s, text) => text,
): string {
  const lines = [
    `trustctl: ${failures.length} failing ${failures.length === 1 ? 'finding' : 'findings'} at or above ${threshold}:`,
  ]
  for (const f of failures) {
    lines.push(
      '',
      `${tag(f.severity, `[${f.severity.toUpperCase()}]`)} ${f.check} — ${f.checkTitle}`,
      `  subject: ${f.subject}`,
      `  where:   ${f.file === undefined ? 'not a file' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}`}`,
      `  found:   ${f.message}`,
      `  fix:     ${f.fix.replace(/\s+/g, ' ').trim()}`,
    )
  }
  return `${lines.join('\n')}\n`
}

// GitHub's workflow-command escaping: data escapes %, CR and LF; property values also : and ,.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** One `::error` workflow command per failure: GitHub shows each on the file and line of the PR diff. */
export function githubAnnotations(failures: readonly GateFailure[]): string {
  return failures
    .map((f) => {
      const properties = [
        ...(f.file === undefined ? [] : [`file=${escapeProperty(f.file)}`]),
        ...(f.line === undefined ? [] : [`line=${f.line}`]),
        `title=${escapeProperty(`${f.check} (${f.severity})`)}`,
      ]
      return `::error ${properties.join(',')}::${escapeData(`${f.subject}: ${f.message}\nFix: ${f.fix}`)}\n`
    })
    .join('')
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim()

/** The Markdown job summary: the result, then a table of what failed the gate. */
export function githubSummary(
  model: AssessmentModel,
  failures: readonly GateFailure[],
  threshold: Severity | undefined,
): string {
  const s = model.summary
  const lines = [
    `## trustctl: ${model.organization}, ${model.system.name}`,
    '',
    `Readiness **${s.readiness}%** as of ${model.asOf}: ${s.controlsByStatus.pass} of ${s.controls} controls passing, ${s.gaps} gaps.`,
    '',
  ]
  if (threshold === undefined) return `${lines.join('\n')}\n`
  if (failures.length === 0) {
    lines.push(`The gate passed: no failing finding at or above ${threshold}.`)
    return `${lines.join('\n')}\n`
  }
  lines.push(
    `The gate failed: ${failures.length} failing ${failures.length === 1 ? 'finding' : 'findings'} at or above ${threshold}.`,
    '',
    '| severity | check | subject | where | found | fix |',
    '| --- | --- | --- | --- | --- | --- |',
  )
  for (const f of failures)
    lines.push(
      `| ${f.severity} | \`${f.check}\` | ${cell(f.subject)} | ${f.file === undefined ? '' : `\`${f.file}${f.line === undefined ? '' : `:${f.line}`}\``} | ${cell(f.message)} | ${cell(f.fix)} |`,
    )
  return `${lines.join('\n')}\n`
}

/** GitLab Code Quality severities (info, minor, major, critical, blocker) for ours. */
const gitlabSeverity: Record<Severity, string> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
  info: 'info',
}

/**
 * A GitLab Code Quality report: a JSON array, one issue per failure. The fingerprint is stable across
 * runs for the same check, subject and place, so GitLab can tell new issues from old ones.
 */
export function gitlabCodeQuality(failures: readonly GateFailure[], configPath: string): string {
  const issues = failures.map((f) => ({
    description: `${f.subject}: ${f.message}`,
    check_name: f.check,
    fingerprint: createHash('sha256')
      .update(JSON.stringify([f.check, f.subject, f.file ?? '', f.line ?? 0]))
      .digest('hex'),
    severity: gitlabSeverity[f.severity],
    location: {
      // GitLab needs a path; a live resource has none, so it points at the configuration that read it.
      path: f.file ?? configPath,
      lines: { begin: f.line ?? 1 },
    },
    categories: ['Security'],
    content: { body: `Fix: ${f.fix}` },
  }))
  return `${JSON.stringify(issues, null, 2)}\n`
}
