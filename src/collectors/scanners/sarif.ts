import { z } from 'zod'
import type { ScanCodeFinding } from '../../core/evidence-scan.js'
import { type Importer, reportOf, type ScanEvidence, targetOf } from './importer.js'
import { cleanText, severityFromScore } from './normalise.js'
import { parseReport } from './parse-json.js'
import * as plain from './plain-json.js'
import { ScanReportError } from './scan-report-error.js'

const text = z.string().nullish()
const levels = ['error', 'warning', 'note', 'none'] as const
type Level = (typeof levels)[number]

const properties = z.record(z.string(), z.unknown()).nullish()

const rule = z.object({
  id: z.string(),
  defaultConfiguration: z.object({ level: z.enum(levels).nullish() }).nullish(),
  properties,
})

const toolComponent = z.object({
  name: z.string(),
  version: text,
  semanticVersion: text,
  rules: z.array(rule).nullish(),
})

/** Exported for the fast path's test (plain-json.test.ts). */
export const resultSchema = z.object({
  ruleId: text,
  ruleIndex: z.number().nullish(),
  rule: z
    .object({
      id: text,
      index: z.number().nullish(),
      toolComponent: z.object({ index: z.number().nullish() }).nullish(),
    })
    .nullish(),
  level: z.enum(levels).nullish(),
  kind: text,
  message: z.object({ text: text }).nullish(),
  locations: z
    .array(
      z.object({
        physicalLocation: z
          .object({
            artifactLocation: z.object({ uri: text }).nullish(),
            region: z.object({ startLine: z.number().nullish() }).nullish(),
          })
          .nullish(),
      }),
    )
    .nullish(),
  suppressions: z.array(z.object({ status: text })).nullish(),
  baselineState: text,
  properties,
})

const run = z.object({
  tool: z.object({ driver: toolComponent, extensions: z.array(toolComponent).nullish() }),
  results: z.array(resultSchema).nullish(),
  versionControlProvenance: z.array(z.object({ repositoryUri: text })).nullish(),
  invocations: z
    .array(z.object({ endTimeUtc: text, startTimeUtc: text, executionSuccessful: z.boolean().nullish() }))
    .nullish(),
})

const log = z.object({ version: z.string(), runs: z.array(run) })

/**
 * The log with each run's results left unchecked, for the fast path (`plainResult` checks them, and
 * parseLog that they are an array or absent). Not `z.array(z.unknown())`: zod would still visit and
 * copy every one of 10k results for nothing.
 */
const logEnvelope = z.object({
  version: z.string(),
  runs: z.array(run.extend({ results: z.unknown() })),
})

const location = (l: unknown): boolean =>
  plain.record(l) &&
  plain.optionalRecord(
    l.physicalLocation,
    (p) =>
      plain.optionalRecord(p.artifactLocation, (a) => plain.text(a.uri)) &&
      plain.optionalRecord(p.region, (r) => plain.num(r.startLine)),
  )

const ruleReference = (rule: Record<string, unknown>): boolean =>
  plain.text(rule.id) &&
  plain.num(rule.index) &&
  plain.optionalRecord(rule.toolComponent, (c) => plain.num(c.index))
const messageText = (m: Record<string, unknown>): boolean => plain.text(m.text)
const suppression = (x: unknown): boolean => plain.record(x) && plain.text(x.status)

/**
 * True only for a result `result` accepts: the fast path's test, no wider than the schema. The tests
 * of its parts are module constants, not arrows made again for each of 10k results.
 */
export function plainResult(r: unknown): boolean {
  return (
    plain.record(r) &&
    plain.text(r.ruleId) &&
    plain.num(r.ruleIndex) &&
    plain.optionalRecord(r.rule, ruleReference) &&
    (plain.absent(r.level) || levels.includes(r.level as Level)) &&
    plain.text(r.kind) &&
    plain.optionalRecord(r.message, messageText) &&
    plain.optionalArray(r.locations, location) &&
    plain.optionalArray(r.suppressions, suppression) &&
    plain.text(r.baselineState) &&
    (plain.absent(r.properties) || plain.record(r.properties))
  )
}

/** The log as `log` reads it; results are checked by hand, and by zod (with its messages) on a miss. */
function parseLog(document: unknown, file: string): z.output<typeof log> {
  const envelope = logEnvelope.safeParse(document)
  if (envelope.success && envelope.data.runs.every((r) => plain.optionalArray(r.results, plainResult)))
    return envelope.data as z.output<typeof log>
  return parseReport(log, document, file, 'SARIF')
}

type Run = z.output<typeof run>
type Result = z.output<typeof resultSchema>
type Rule = z.output<typeof rule>

/** The rule a result points at: by index into the driver or an extension, else by id. */
function ruleOf(r: Result, sarifRun: Run): Rule | undefined {
  const extension = r.rule?.toolComponent?.index
  const component =
    extension === undefined || extension === null
      ? sarifRun.tool.driver
      : sarifRun.tool.extensions?.[extension]
  const index = r.ruleIndex ?? r.rule?.index
  if (index !== undefined && index !== null && index >= 0) return component?.rules?.[index]
  const id = r.ruleId ?? r.rule?.id
  return component?.rules?.find((candidate) => candidate.id === id)
}

/** `security-severity` as GitHub code scanning reads it: a CVSS-like score in a string. */
function securitySeverity(...bags: (Record<string, unknown> | null | undefined)[]): number | undefined {
  for (const bag of bags) {
    const value = Number(bag?.['security-severity'])
    if (bag?.['security-severity'] !== undefined && Number.isFinite(value)) return value
  }
  return undefined
}

/** A result's level after SARIF's defaults: its own, its rule's configuration, else `warning`. */
function levelOf(r: Result, found: Rule | undefined): Level {
  if (r.level) return r.level
  // A result of another kind (pass, review, informational) is not a failure: SARIF gives it `none`.
  if (r.kind && r.kind !== 'fail') return 'none'
  return found?.defaultConfiguration?.level ?? 'warning'
}

const levelSeverity = { error: 'high', warning: 'medium', note: 'low', none: 'info' } as const

/**
 * The `security-severity` of each rule results point at, read once per rule: 10k results of a report
 * name a few hundred rules. A result's own property bag still comes first (securitySeverity).
 */
class RuleScores {
  private readonly scores = new Map<Rule | undefined, number | undefined>()

  of(r: Result, found: Rule | undefined): number | undefined {
    if (r.properties !== undefined && r.properties !== null)
      return securitySeverity(r.properties, found?.properties)
    if (this.scores.has(found)) return this.scores.get(found)
    const score = securitySeverity(found?.properties)
    this.scores.set(found, score)
    return score
  }
}

/**
 * One result's item, its keys set in canonical (sorted) order, as trivy.ts's findings (hashed and
 * recorded without a copy), and an optional key only when it has a value: what prune() made of a
 * literal, without the literal copied key by key for each of 10k results.
 */
function findingOf(
  r: Result,
  sarifRun: Run,
  report: { tool: string; target: string; file: string },
  scores: RuleScores,
): ScanCodeFinding {
  const { tool, target, file } = report
  const found = ruleOf(r, sarifRun)
  const level = levelOf(r, found)
  const score = scores.of(r, found)
  const physical = r.locations?.[0]?.physicalLocation
  const path = physical?.artifactLocation?.uri ?? undefined
  const line = physical?.region?.startLine ?? undefined
  const ruleId = r.ruleId ?? r.rule?.id ?? found?.id ?? 'unknown'
  const suppressed = (r.suppressions ?? []).some(
    (s) => s.status === undefined || s.status === null || s.status === 'accepted',
  )
  const item: Record<string, unknown> = {}
  const baselineState = r.baselineState ?? undefined
  if (baselineState !== undefined) item.baselineState = baselineState
  item.file = file
  item.kind = 'scan.code-finding'
  item.level = level
  if (path !== undefined) item.location = line === undefined ? { path } : { line, path }
  item.message = cleanText(r.message?.text) ?? ruleId
  item.name = `${ruleId} ${path ?? target}${line === undefined ? '' : `:${line}`}`
  item.resourceKind = 'CodeFinding'
  item.ruleId = ruleId
  item.severity = score === undefined ? levelSeverity[level] : severityFromScore(score)
  item.suppressed = suppressed
  item.target = target
  item.tool = tool
  item.toolSeverity = score === undefined ? level : `${level} (security-severity ${score})`
  return item as ScanCodeFinding
}

/**
 * Whether a run shows a finished analysis. SARIF writes `results: []` when the tool found nothing, and
 * leaves `results` out (or null) when the tool did not run or could not tell; an invocation with
 * `executionSuccessful: false` failed part way. Either run says nothing of the code: it must not stand
 * for a clean scan.
 */
export function runCompleted(sarifRun: {
  results?: unknown
  invocations?: readonly { executionSuccessful?: boolean | null | undefined }[] | null | undefined
}): boolean {
  return (
    Array.isArray(sarifRun.results) &&
    !(sarifRun.invocations ?? []).some((invocation) => invocation.executionSuccessful === false)
  )
}

/** SARIF 2.1.0 from any tool: one report per run, each result a code finding with its rule's level. */
export const importSarif: Importer = (document, context) => {
  const version = z.looseObject({ version: z.unknown() }).safeParse(document)
  const declared = version.success ? version.data.version : undefined
  if (declared !== '2.1.0') {
    throw new ScanReportError(
      `${context.file}: unsupported SARIF version ${JSON.stringify(declared)} (trustctl reads SARIF 2.1.0)`,
    )
  }
  const parsed = parseLog(document, context.file)
  const items: ScanEvidence[] = []
  for (const sarifRun of parsed.runs) {
    const driver = sarifRun.tool.driver
    const tool = driver.name.toLowerCase()
    const target = targetOf(sarifRun.versionControlProvenance?.[0]?.repositoryUri, context)
    const scores = new RuleScores()
    const report = { tool, target, file: context.file }
    const findings = (sarifRun.results ?? []).map((r) => findingOf(r, sarifRun, report, scores))
    const invocation = sarifRun.invocations?.[0]
    items.push(
      reportOf(
        {
          format: 'sarif',
          tool,
          toolVersion: driver.semanticVersion ?? driver.version ?? undefined,
          schemaVersion: parsed.version,
          target,
          targetType: sarifRun.versionControlProvenance?.[0]?.repositoryUri ? 'repository' : 'unknown',
          scannedAt: invocation?.endTimeUtc ?? invocation?.startTimeUtc ?? undefined,
          covers: runCompleted(sarifRun) ? ['code'] : [],
        },
        findings,
        context.file,
      ),
    )
    for (const finding of findings) items.push(finding)
  }
  return items
}
