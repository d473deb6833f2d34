import type { Finding, Subject } from './check.js'
import type { EvidenceItem } from './evidence.js'

/**
 * Coverage: every collected resource is either examined by at least one check or listed as not
 * assessed, with its type, file and line. A resource nobody judged is the completeness question an
 * auditor asks ("what in the population did your tests not look at?"); it is never silently dropped.
 */

/** A resource no check examined, and why. */
export interface NotAssessedResource {
  name: string
  file: string
  line?: number
  namespace?: string
  reason: string
}

/** One source's resources of one type. */
export interface CoverageByType {
  /** `terraform`, `cloudformation`, `kubernetes`, `ci`, `aws`, …: where the resource was read. */
  source: string
  /** The resource type in the source's words: `aws_rds_cluster`, `Deployment`, `GitHubWorkflow`. */
  resourceKind: string
  /** The evidence kind it was collected as. */
  evidenceKind: string
  count: number
  assessed: number
  notAssessed: number
  notAssessedResources: NotAssessedResource[]
}

export interface Coverage {
  resources: number
  assessed: number
  notAssessed: number
  /** Types with anything not assessed first, then by source and type. */
  byType: CoverageByType[]
}

/** What coverage needs to know of a check that ran: its id and the evidence kinds it reads. */
export interface CoverageCheck {
  id: string
  reads: readonly string[]
  /** A declarative rule: it judges the `iac.resource` items it names, not only reads them. */
  judgesResources?: boolean
}

const sourceOfFamily: Record<string, string> = { k8s: 'kubernetes' }

function sourceOf(item: EvidenceItem): string {
  if (item.kind === 'iac.resource' && 'tool' in item) return item.tool
  const family = item.kind.slice(0, item.kind.indexOf('.'))
  return sourceOfFamily[family] ?? family
}

/** A check's subject names the item: same kind and file, and its name (or the name and a part of it). */
function names(subject: Subject, item: EvidenceItem): boolean {
  if (subject.kind !== item.resourceKind || subject.file !== item.file) return false
  if (subject.namespace !== undefined && item.namespace !== undefined && subject.namespace !== item.namespace)
    return false
  return subject.name === item.name || subject.name.startsWith(`${item.name} `)
}

const isIacKind = (kind: string) => kind.startsWith('iac.')

/**
 * Why resources of these types stay not assessed when no check named them: they hold no setting a
 * test could judge, or only some of them can be told apart in code. Listing the reason lets an
 * auditor see the gap was weighed, not missed; the resources are still counted as not assessed.
 */
const notAssessedReasonByType: Readonly<Record<string, string>> = {
  aws_internet_gateway:
    'an internet gateway has no setting to judge; what reaches the internet through it is judged on the route tables (aws/private-route-table-has-no-internet-gateway-route) and security groups',
  aws_nat_gateway:
    'a NAT gateway has no setting to judge: it only carries outbound traffic of private subnets; the route tables that send traffic to it are judged',
  aws_eip:
    'an Elastic IP is only an address; whether what it fronts is exposed is judged on that instance, load balancer or NAT gateway and its security groups (an unused address is a cost matter the live account shows)',
  aws_route_table:
    'only route tables tagged private (Name or Tier) are judged: an untagged table cannot be told private or public from the code',
  aws_route:
    "only routes in a table tagged private are judged: the code does not say whether another table's subnets are meant to be private",
}

/** The index key of what a finding can name: kind, file and a name. */
const subjectKey = (kind: string, file: string, name: string): string => `${kind}\n${file}\n${name}`

/**
 * The findings by every item they could name (see `names`): the full name and each prefix that ends
 * before a space. Looking an item up is then one map read, not a pass over every finding of the
 * check: with a pass, 10,000 objects took 12 s to assess and 40,000 took 160 s. The key leaves the
 * check out: a subject is judged by several checks, and one key and list per subject, not per check
 * and subject, keeps the index a fraction of the findings' size (a 100k-object estate has ~830k
 * findings on ~100k subjects, and the index is built while all of them are held).
 */
function subjectIndex(findings: readonly Finding[]): Map<string, readonly Finding[][]> {
  // Findings about one evidence item share its subject object (toSubject): grouped by that first, the
  // keys are built once per subject, not once per finding (a subject is judged by ~25 checks).
  const bySubject = new Map<Subject, Finding[]>()
  for (const f of findings) {
    const list = bySubject.get(f.subject)
    if (list === undefined) bySubject.set(f.subject, [f])
    else list.push(f)
  }
  // A key lists the subjects' lists themselves, in order, not a copy of their findings: at the end of
  // a large assessment a copy was another list of every finding beside the model's.
  const index = new Map<string, Finding[][]>()
  const add = (key: string, list: Finding[]): void => {
    const known = index.get(key)
    if (known === undefined) index.set(key, [list])
    else known.push(list)
  }
  for (const [{ kind, file, name }, list] of bySubject) {
    add(subjectKey(kind, file, name), list)
    for (let i = name.indexOf(' '); i !== -1; i = name.indexOf(' ', i + 1))
      add(subjectKey(kind, file, name.slice(0, i)), list)
  }
  return index
}

/** The findings a subject index holds under a key, in order. */
function* indexed(index: ReadonlyMap<string, readonly Finding[][]>, key: string): Generator<Finding> {
  for (const list of index.get(key) ?? []) yield* list
}

/** The subject names (alone, and with their file) of findings of checks that judge what a resource does. */
function judgedNames(
  findings: readonly Finding[],
  checkById: ReadonlyMap<string, CoverageCheck>,
): { iacJudged: Set<string>; iacJudgedInFile: Set<string> } {
  const behaviourFindings = findings.filter((f) => {
    const check = checkById.get(f.check)
    const judges = check?.judgesResources === true || check?.reads.some((k) => !isIacKind(k)) === true
    return judges && f.subject.kind !== 'Evidence'
  })
  return {
    iacJudged: new Set(behaviourFindings.map((f) => f.subject.name)),
    iacJudgedInFile: new Set(behaviourFindings.map((f) => `${f.subject.file}\n${f.subject.name}`)),
  }
}

/**
 * Kinds that hold every object of a source the collector has no specific kind for (ConfigMaps,
 * ServiceAccounts; Terraform types with no AWS mapping). Checks read them to find a few things, so
 * being read is not being judged: one counts as assessed only when a finding names it.
 */
const catchAllKinds: ReadonlySet<string> = new Set(['iac.resource', 'k8s.resource'])

/**
 * Accounts for every collected resource. An `iac.resource` counts as assessed only when a check of
 * what the resource does (an `aws.*` check of the item it was read into, or a declarative rule on
 * the resource's own attributes) names it: the tag and
 * planned-change checks read every IaC resource, so they alone do not make an unmapped type such as
 * `aws_rds_cluster` or `google_sql_database_instance` assessed. Items that are another view of an
 * IaC resource (the `aws.*` item Terraform code maps to, its `iac.change`) are counted with it.
 */
export function assessCoverage(
  evidence: readonly EvidenceItem[],
  findings: readonly Finding[],
  checks: readonly CoverageCheck[],
): Coverage {
  const readers = new Map<string, CoverageCheck[]>()
  for (const check of checks)
    for (const kind of check.reads) readers.set(kind, [...(readers.get(kind) ?? []), check])
  // Appended in place: copying the list for every finding made this quadratic in the findings.
  // Checks with a finding on something other than an evidence item: looked up for every item a check
  // did not name, where scanning the check's findings each time was items × findings (10k Trivy items).
  const judgesOtherSubjects = new Set<string>()
  for (const f of findings) if (f.subject.kind !== 'Evidence') judgesOtherSubjects.add(f.check)
  const bySubject = subjectIndex(findings)
  /** True when a finding of `check` names `item` (what `names` decides, through the index). */
  const namedBy = (check: string, item: EvidenceItem): boolean =>
    (bySubject.get(subjectKey(item.resourceKind, item.file, item.name)) ?? []).some((list) =>
      list.some((f) => f.check === check && names(f.subject, item)),
    )
  const checkById = new Map(checks.map((c) => [c.id, c]))

  const iac = evidence.filter((e) => e.kind === 'iac.resource')
  const iacKeys = new Set(iac.map((e) => `${e.file}\n${e.name}`))
  for (const e of iac) if ('partOf' in e && e.partOf !== undefined) iacKeys.add(`${e.file}\n${e.partOf}`)
  const isView = (e: EvidenceItem) => e.kind !== 'iac.resource' && iacKeys.has(`${e.file}\n${e.name}`)

  // Subject names the checks that judge what a resource does named, for IaC resources: built only when
  // there are any (a Kubernetes estate has none, and this is a pass over every finding).
  const { iacJudged, iacJudgedInFile } =
    iac.length === 0
      ? { iacJudged: new Set<string>(), iacJudgedInFile: new Set<string>() }
      : judgedNames(findings, checkById)

  const namingChecks = new Map<string, ReadonlySet<string>>()
  const groups = new Map<string, CoverageByType>()
  for (const item of evidence) {
    if (isView(item)) continue
    const source = sourceOf(item)
    const key = `${source}\n${item.resourceKind}\n${item.kind}`
    let group = groups.get(key)
    if (group === undefined) {
      group = {
        source,
        resourceKind: item.resourceKind,
        evidenceKind: item.kind,
        count: 0,
        assessed: 0,
        notAssessed: 0,
        notAssessedResources: [],
      }
      groups.set(key, group)
    }
    group.count++
    const reason = notAssessedReason(item)
    if (reason === undefined) {
      group.assessed++
      continue
    }
    group.notAssessed++
    const entry: NotAssessedResource = { name: item.name, file: item.file, reason }
    if (item.line !== undefined) entry.line = item.line
    if (item.namespace !== undefined) entry.namespace = item.namespace
    group.notAssessedResources.push(entry)
  }

  function notAssessedReason(item: EvidenceItem): string | undefined {
    if (item.kind === 'iac.resource') {
      const partOf = 'partOf' in item ? item.partOf : undefined
      if (partOf !== undefined ? iacJudged.has(partOf) : iacJudgedInFile.has(`${item.file}\n${item.name}`))
        return undefined
      const tagged = (readers.get('iac.resource') ?? []).some((c) => namedBy(c.id, item))
      if (partOf !== undefined) return `read into ${partOf}, which no check examined`
      return (
        notAssessedReasonByType[item.resourceKind] ??
        `no check examines ${item.resourceKind} resources${tagged ? ' (only their tags were checked)' : ''}`
      )
    }
    const reading = readers.get(item.kind) ?? []
    if (reading.length === 0) return `no check in scope reads ${item.kind}`
    const judged = (c: CoverageCheck) => namedBy(c.id, item)
    if (reading.some(judged)) return undefined
    if (catchAllKinds.has(item.kind)) return `no check judges ${item.resourceKind} objects`
    // A check that read this kind and judged something else with it (network policies for a
    // namespace, commits for a change-management test) examined every item as supporting evidence;
    // one that names some items of the kind and not this one passed over it.
    const supporting = reading.filter((c) => judgesOtherSubjects.has(c.id) && !namesAnyOf(c, item.kind))
    return supporting.length > 0
      ? undefined
      : `the checks that read ${item.kind} (${reading.map((c) => c.id).join(', ')}) reported nothing on it`
  }

  function namesAnyOf(check: CoverageCheck, kind: string): boolean {
    return checksNaming(kind).has(check.id)
  }

  /**
   * The checks with a finding that names some item of `kind`: one pass over the kind's items for all
   * checks, where a pass per check and kind walked 10k Trivy items for each check that named none.
   */
  function checksNaming(kind: string): ReadonlySet<string> {
    let checks = namingChecks.get(kind)
    if (checks === undefined) {
      const found = new Set<string>()
      for (const e of evidence) {
        if (e.kind !== kind) continue
        for (const f of indexed(bySubject, subjectKey(e.resourceKind, e.file, e.name)))
          if (names(f.subject, e)) found.add(f.check)
      }
      checks = found
      namingChecks.set(kind, checks)
    }
    return checks
  }

  const byType = [...groups.values()].sort(
    (a, b) =>
      Number(b.notAssessed > 0) - Number(a.notAssessed > 0) ||
      a.source.localeCompare(b.source) ||
      a.resourceKind.localeCompare(b.resourceKind),
  )
  const assessed = byType.reduce((n, g) => n + g.assessed, 0)
  const total = byType.reduce((n, g) => n + g.count, 0)
  return { resources: total, assessed, notAssessed: total - assessed, byType }
}
