import { z } from 'zod'
import type { Catalog } from './catalog.js'
import type { Check } from './check.js'
import { type Config, type ConfigIssue, describeIssues } from './config.js'
import { didYouMean } from './did-you-mean.js'

/**
 * The ids trustctl.yaml names that only the checks and the catalog can confirm: check ids (under
 * `checks:` and in `exceptions`), each check's parameters, control ids (under `controls:`) and the
 * manual evidence attestations speak for. Every problem at once, each with its key path and the
 * nearest known id, so one edit fixes them all. Parameters are checked for every check the file
 * names, in scope or not: a typo must not wait for the day its check comes into scope.
 */
export function configReferenceIssues(
  config: Config,
  checks: readonly Check[],
  catalog: Pick<Catalog, 'controls'>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const checkIds = checks.map((c) => c.id)
  const byId = new Map(checks.map((c) => [c.id, c]))
  for (const [id, entry] of Object.entries(config.checks)) {
    const check = byId.get(id)
    if (check === undefined) {
      issues.push({ path: ['checks', id], atKey: true, message: `no such check${didYouMean(id, checkIds)}` })
      continue
    }
    issues.push(...paramIssues(check, entry.params))
  }
  const controlIds = catalog.controls.map((c) => c.id)
  for (const id of Object.keys(config.controls)) {
    if (!controlIds.includes(id))
      issues.push({
        path: ['controls', id],
        atKey: true,
        message: `no such control${didYouMean(id, controlIds)}`,
      })
  }
  config.exceptions.forEach((exception, i) => {
    if (!byId.has(exception.check))
      issues.push({
        path: ['exceptions', i, 'check'],
        message: `no such check '${exception.check}'${didYouMean(exception.check, checkIds)}`,
      })
  })
  const evidenceIds = catalog.controls.flatMap((c) => c.manualEvidence.map((m) => m.id))
  config.attestations.forEach((attestation, i) => {
    if (!evidenceIds.includes(attestation.evidence))
      issues.push({
        path: ['attestations', i, 'evidence'],
        message: `no control asks for evidence '${attestation.evidence}'${didYouMean(attestation.evidence, evidenceIds)}`,
      })
  })
  return issues
}

/** A check's parameters, validated strictly: a mistyped parameter would otherwise be ignored. */
function paramIssues(check: Check, params: Record<string, unknown>): ConfigIssue[] {
  const schema = check.params instanceof z.ZodObject ? check.params.strict() : check.params
  const parsed = schema.safeParse(params)
  if (parsed.success) return []
  return describeIssues(schema, parsed.error.issues).map((issue) => ({
    ...issue,
    path: ['checks', check.id, 'params', ...issue.path],
  }))
}
