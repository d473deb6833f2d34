import { findConfig, loadConfig } from '../../app/load-config.js'
import { controlStatusLabel, location, qualifiedName } from '../../app/rendering.js'
import { assessForReading, loadLibrary } from '../../app/run-assessment.js'
import type { ControlExplanation, Explanation } from '../../core/explain.js'
import { explain } from '../../core/explain.js'
import type { CliIo } from '../cli-io.js'
import { processRun } from '../process-run.js'
import { progressStream, withProgress } from '../progress.js'

export interface ExplainOptions {
  config?: string
  format: string
  /** Store the run in the ledger, as `assess` does. */
  record?: boolean
}

function wrap(text: string, indent: string, width = 96): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ')
  const lines: string[] = []
  let line = ''
  for (const word of words) {
    if (line.length + word.length + 1 > width - indent.length && line !== '') {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(line)
  return lines.map((l) => indent + l).join('\n')
}

function formatControl(c: ControlExplanation, indent: string): string[] {
  const out = [
    `${indent}${c.control.id} — ${c.control.title}${c.result ? ` [${controlStatusLabel[c.result.status]}]` : ''}`,
  ]
  const inner = `${indent}  `
  out.push(wrap(c.control.statement, inner))
  out.push(
    `${inner}Type: ${c.control.type}; owner: ${c.result?.owner ?? c.control.owner}; operates ${c.control.frequency}.`,
  )
  if (c.control.analogy) {
    out.push(`${inner}What an auditor knows it as:`, wrap(c.control.analogy.traditional, `${inner}  `))
    out.push(`${inner}How it is done here:`, wrap(c.control.analogy.cloudNative, `${inner}  `))
  }
  if (c.checks.length > 0 || c.control.manualEvidence.length > 0) out.push(`${inner}How it is tested:`)
  for (const check of c.checks) {
    const test = c.result?.tests.find((t) => t.check === check.id)
    out.push(`${inner}  - automated: ${check.title} (${check.id})${test ? ` — ${test.conclusion}` : ''}`)
    const evidence = c.evidence.find((e) => e.check === check.id)
    for (const finding of (evidence?.findings ?? []).filter((f) => f.status === 'fail').slice(0, 5)) {
      out.push(
        `${inner}      exception: ${finding.subject.kind} ${qualifiedName(finding.subject)} at ${location(finding.subject)}: ${finding.message}`,
      )
      if (finding.inputSha256) out.push(`${inner}        evidence file sha256 ${finding.inputSha256}`)
    }
  }
  for (const m of c.control.manualEvidence) {
    const result = c.result?.manualEvidence.find((r) => r.id === m.id)
    const state =
      result === undefined
        ? ''
        : result.lastDate
          ? ` — ${result.status}, last ${result.lastDate} by ${result.by ?? '?'}`
          : ` — ${result.status}`
    out.push(`${inner}  - by a person, every ${m.every}: ${m.title}${state}`)
  }
  if (c.control.auditorQuestions.length > 0) {
    out.push(`${inner}Questions an auditor may ask:`)
    for (const qa of c.control.auditorQuestions) {
      out.push(wrap(`Q: ${qa.question}`, `${inner}  `), wrap(`A: ${qa.answer}`, `${inner}  `))
    }
  }
  return out
}

/** Plain words for an auditor: what the criterion asks, what meets it, how it is tested, what was found. */
export function formatExplanation(x: Explanation): string {
  if (x.type === 'criterion') {
    const lines = [
      `${x.criterion.id} — ${x.criterion.title} (${x.criterion.category}, series ${x.criterion.series}${x.criterion.cosoPrinciple ? `, COSO principle ${x.criterion.cosoPrinciple}` : ''})`,
      x.inScope === false ? '  Not in the current scope.' : '',
      '  What it asks:',
      wrap(x.criterion.summary, '    '),
      '',
      x.controls.length === 0
        ? '  No control in the library meets it: a gap.'
        : `  Controls that meet it (${x.controls.length}):`,
      '',
    ]
    for (const c of x.controls) lines.push(...formatControl(c, '  '), '')
    return lines.filter((l, i) => l !== '' || i > 1).join('\n')
  }
  if (x.type === 'control') {
    return [
      ...formatControl(x, ''),
      `  Criteria met: ${x.criteria.map((c) => `${c.id} (${c.title})`).join(', ')}`,
    ].join('\n')
  }
  const lines = [
    `${x.check.id} — ${x.check.title} (severity ${x.check.severity})`,
    wrap(x.check.description, '  '),
    `  Reads: ${x.check.reads.join(', ')}`,
    `  When it fails:`,
    wrap(x.check.remediation, '    '),
    `  Used by controls: ${x.controls.map((c) => c.id).join(', ') || 'none'}`,
    `  Criteria reached: ${x.criteria.map((c) => c.id).join(', ') || 'none'}`,
  ]
  if (x.evidence) {
    const counts = new Map<string, number>()
    for (const f of x.evidence.findings) counts.set(f.status, (counts.get(f.status) ?? 0) + 1)
    lines.push(`  Latest result: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'not run'}`)
    for (const f of x.evidence.findings.slice(0, 25)) {
      lines.push(
        `    ${f.status.padEnd(14)} ${f.subject.kind} ${qualifiedName(f.subject)} (${location(f.subject)}): ${f.message}`,
      )
    }
    if (x.evidence.findings.length > 25) lines.push(`    … and ${x.evidence.findings.length - 25} more`)
  }
  return lines.join('\n')
}

export async function explainCommand(id: string, options: ExplainOptions, io: CliIo): Promise<number> {
  const library = await loadLibrary({ deferChecks: true })
  // An unknown id is refused before anything is read: a typo costs no assessment.
  explain(id, library)
  // Outside a configured repository, explain still answers from the catalog alone.
  const hasConfig = options.config !== undefined || findConfig(io.cwd) !== undefined
  const loaded = hasConfig ? await loadConfig(options.config, io.cwd) : undefined
  const model =
    loaded === undefined
      ? undefined
      : await withProgress('assessing', progressStream(io), () =>
          assessForReading(loaded, library, new Date(), processRun(), options.record === true),
        )
  const explanation = explain(id, model === undefined ? library : { ...library, model })
  io.out(
    options.format === 'json'
      ? `${JSON.stringify(explanation, null, 2)}\n`
      : `${formatExplanation(explanation)}\n`,
  )
  return 0
}
