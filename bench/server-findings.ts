// Generated findings for the server bench: a large estate's worth (a million by default) with the
// shape a real run has — real check ids and their controls and criteria, five severities, statuses
// mostly pass, hundreds of namespaces and tens of thousands of subjects. Deterministic, so every run
// queries the same data.
import type { Catalog } from '../src/core/catalog.js'
import type { Check, FindingStatus, Severity } from '../src/core/check.js'
import type { IndexedFinding } from '../src/core/team.js'

export type GeneratedFinding = Omit<IndexedFinding, 'runId'>

/** What a generated finding can be about, per check: its controls, criteria and subject shape. */
interface CheckProfile {
  id: string
  severity: Severity
  /** Scanner checks carry each finding's own severity (a CVE's), so they spread over all five. */
  perFindingSeverity: boolean
  controls: string[]
  criteria: string[]
  subjectKinds: readonly string[]
  source: string
}

/** Deterministic pseudo-random integers (a linear congruential generator), seeded per use. */
export function randomInts(seed: number): (below: number) => number {
  let state = seed >>> 0
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return Math.floor((state / 2 ** 32) * below)
  }
}

const subjectKindsBySource: Record<string, readonly string[]> = {
  kubernetes: ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Service', 'Ingress', 'NetworkPolicy'],
  container: ['Dockerfile'],
  aws: ['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::RDS::DBInstance', 'AWS::EC2::SecurityGroup'],
  terraform: ['aws_s3_bucket', 'aws_db_instance', 'aws_security_group', 'aws_iam_policy'],
  ci: ['Workflow'],
  github: ['Repository', 'Organization'],
  git: ['Commit', 'PullRequest'],
  scan: ['Vulnerability', 'Package'],
  secrets: ['File'],
  logs: ['AuditLog'],
}

/** Status mix of a mature estate: mostly pass, a tenth failing, a few gaps and errors. */
const statusWeights: readonly [FindingStatus, number][] = [
  ['pass', 800],
  ['fail', 120],
  ['not-applicable', 45],
  ['no-evidence', 30],
  ['error', 5],
]
const scanSeverities: readonly Severity[] = ['critical', 'high', 'high', 'medium', 'medium', 'low', 'info']

/** Namespaces like a platform with many teams and environments: `payments-prod`, `search-staging`. */
export function benchNamespaces(): string[] {
  const teams = [
    'payments',
    'search',
    'ingest',
    'billing',
    'identity',
    'analytics',
    'notifications',
    'exports',
    'gateway',
    'reporting',
    'ml',
    'platform',
    'observability',
    'webhooks',
    'sdk-edge',
    'warehouse',
    'scheduler',
    'audit',
    'admin',
    'growth',
  ]
  const environments = [
    'prod',
    'staging',
    'dev',
    'sandbox',
    'perf',
    'eu-prod',
    'us-prod',
    'qa',
    'canary',
    'dr',
  ]
  return teams.flatMap((team) => environments.map((env) => `${team}-${env}`))
}

/** Picks 80 checks across sources, each with the controls that test it and the criteria those satisfy. */
export function checkProfiles(checks: readonly Check[], catalog: Catalog, count = 80): CheckProfile[] {
  return [...checks]
    .sort((a, b) => a.id.localeCompare(b.id))
    .slice(0, count)
    .map((check) => {
      const controls = catalog.controls.filter((c) => c.testedBy.includes(check.id))
      const source = check.id.split('/')[0] ?? 'kubernetes'
      return {
        id: check.id,
        severity: check.severity,
        perFindingSeverity: source === 'scan',
        controls: controls.map((c) => c.id),
        criteria: [...new Set(controls.flatMap((c) => c.satisfies.soc2))].sort(),
        subjectKinds: subjectKindsBySource[source] ?? ['Resource'],
        source,
      }
    })
}

function weightedStatus(roll: number): FindingStatus {
  let left = roll
  for (const [status, weight] of statusWeights) {
    if (left < weight) return status
    left -= weight
  }
  return 'pass'
}

const messages: Record<FindingStatus, string> = {
  pass: 'meets the check',
  fail: 'does not meet the check; see the remediation',
  'not-applicable': 'not applicable to this subject',
  'no-evidence': 'no evidence of the kinds this check reads',
  error: 'the check failed to evaluate this subject',
}

/**
 * `total` findings, lazily (a million never sit in memory at once): subjects are spread over
 * namespaces and apps, each check judging many subjects.
 */
export function* generateFindings(
  profiles: readonly CheckProfile[],
  namespaces: readonly string[],
  total: number,
  seed = 42,
): Generator<GeneratedFinding> {
  const next = randomInts(seed)
  const apps = 400
  for (let ordinal = 0; ordinal < total; ordinal++) {
    const profile = profiles[next(profiles.length)] as CheckProfile
    const namespace = namespaces[next(namespaces.length)] as string
    const app = next(apps)
    const subjectKind = profile.subjectKinds[next(profile.subjectKinds.length)] as string
    const status = weightedStatus(next(1000))
    const severity = profile.perFindingSeverity
      ? (scanSeverities[next(scanSeverities.length)] as Severity)
      : profile.severity
    const subjectName =
      profile.source === 'scan'
        ? `CVE-2026-${10000 + next(40000)} in app-${app}`
        : `app-${app}-${subjectKind}`
    const line = next(4) === 0 ? undefined : 1 + next(300)
    yield {
      ordinal,
      check: profile.id,
      status,
      severity,
      subjectKind,
      subjectName,
      ...(profile.source === 'kubernetes' || profile.source === 'scan' ? { namespace } : {}),
      file:
        profile.source === 'kubernetes'
          ? `deploy/${namespace}/app-${app}.yaml`
          : `${profile.source}/app-${app}.json`,
      ...(line === undefined ? {} : { line }),
      message: `${subjectKind} app-${app}: ${messages[status]}`,
      controls: profile.controls,
      criteria: profile.criteria,
    }
  }
}
