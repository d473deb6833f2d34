import { createHash } from 'node:crypto'
import type { Severity } from '../../core/check.js'
import type { PackageModel } from '../../core/package/model.js'

const level: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
}

// Code-scanning dashboards sort by this number (0–10).
const securitySeverity: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
}

/**
 * Where a finding points. A subject read from a file gets a physical location with a region
 * (SARIF2017: viewers need one to place the result; line 1 stands for the whole file when the
 * evidence has no line). A subject with no file (an API resource) gets only a logical location:
 * an empty artifact URI would point at nothing.
 */
export function sarifLocation(file: string, line: number | undefined, name: string): Record<string, unknown> {
  const logicalLocations = [{ name, kind: 'resource' }]
  if (file.trim() === '') return { logicalLocations }
  return {
    physicalLocation: { artifactLocation: { uri: file }, region: { startLine: line ?? 1 } },
    logicalLocations,
  }
}

/**
 * SARIF 2.1.0 for code-scanning dashboards: one rule per check, one result per failing subject;
 * subjects under an accepted exception are reported as suppressed, with the approval as justification.
 */
export function renderSarif(pkg: PackageModel): string {
  const model = pkg.assessment
  const ruleIndex = new Map(model.checks.map((c, i) => [c.id, i]))
  const controlsByCheck = new Map<string, Set<string>>()
  for (const control of model.controls)
    for (const test of control.tests) {
      const set = controlsByCheck.get(test.check) ?? new Set<string>()
      set.add(control.id)
      controlsByCheck.set(test.check, set)
    }
  const accepted = new Map(
    model.exceptions
      .filter((e) => e.status === 'applied')
      .map((e) => [`${e.check}\u0000${e.subject.namespace ?? ''}\u0000${e.subject.name}`, e]),
  )
  const results: unknown[] = []
  for (const f of model.findings) {
    const exception =
      f.status === 'not-applicable'
        ? accepted.get(`${f.check}\u0000${f.subject.namespace ?? ''}\u0000${f.subject.name}`)
        : undefined
    if (f.status !== 'fail' && exception === undefined) continue
    const qualified =
      f.subject.namespace === undefined ? f.subject.name : `${f.subject.namespace}/${f.subject.name}`
    results.push({
      ruleId: f.check,
      ruleIndex: ruleIndex.get(f.check) ?? -1,
      level: level[f.severity],
      message: { text: `${f.subject.kind} ${qualified}: ${f.message}` },
      locations: [sarifLocation(f.subject.file, f.subject.line, qualified)],
      partialFingerprints: {
        'trustctlSubject/v1': createHash('sha256')
          .update(`${f.check}\u0000${f.subject.kind}\u0000${qualified}`)
          .digest('hex'),
      },
      properties: { controls: f.controls, criteria: f.criteria },
      ...(exception === undefined
        ? {}
        : {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: `${exception.reason} Approved by ${exception.approvedBy} until ${exception.expires}.`,
              },
            ],
          }),
    })
  }
  const sarif = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trustctl',
            version: model.tool.version,
            // SARIF2005: a tool names where to read about it, but only a real address (package.json
            // `homepage`/`repository`); SARIF allows leaving it out, and a guessed one would mislead.
            ...(model.tool.informationUri === undefined ? {} : { informationUri: model.tool.informationUri }),
            rules: model.checks.map((c) => ({
              id: c.id,
              name: c.id.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, ch: string | undefined) =>
                (ch ?? '').toUpperCase(),
              ),
              shortDescription: { text: c.title },
              fullDescription: { text: c.description || c.title },
              help: { text: c.remediation || c.title },
              defaultConfiguration: { level: level[c.severity] },
              properties: {
                tags: ['soc2', ...(controlsByCheck.get(c.id) ?? [])],
                'security-severity': securitySeverity[c.severity],
              },
            })),
          },
        },
        automationDetails: { id: `trustctl/soc2-type${pkg.engagement.type}/${model.asOf}/` },
        invocations: [{ executionSuccessful: model.errors.length === 0, endTimeUtc: model.generatedAt }],
        results,
      },
    ],
  }
  return `${JSON.stringify(sarif)}\n`
}
