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

/** What coverage reads of a finding: which check made it, about what. */
export type CoveredFinding = Pick<Finding, 'check' | 'subject'>

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

/** Items by file, then by name: the items a subject of that file and name (or name prefix) may name. */
type ItemsByFileAndName = Map<string, Map<string, EvidenceItem[]>>

function itemsByFileAndName(evidence: readonly EvidenceItem[]): ItemsByFileAndName {
  const byFile: ItemsByFileAndName = new Map()
  for (const item of evidence) {
    let byName = byFile.get(item.file)
    if (byName === undefined) {
      byName = new Map()
      byFile.set(item.file, byName)
    }
    const items = byName.get(item.name)
    if (items === undefined) byName.set(item.name, [item])
    else items.push(item)
  }
  return byFile
}

/**
 * Each finding's check and subject, in order: a list of findings, or columns that hand them over without
 * making an object per finding (FindingsColumns: a 10k-object estate has ~90k findings, read twice).
 */
export type CoveredFindings = Iterable<CoveredFinding> | CoveredColumns

/** Findings that give their check and subject to a visitor, in order (FindingsColumns.forEachCovered). */
export interface CoveredColumns {
  forEachCovered(visit: (check: string, subject: Subject) => void): void
}

function eachCovered(findings: CoveredFindings, visit: (check: string, subject: Subject) => void): void {
  if ('forEachCovered' in findings) findings.forEachCovered(visit)
  else for (const finding of findings) visit(finding.check, finding.subject)
}

/**
 * The items a subject names (`names`): those of its file under its name and under each prefix of it
 * that ends before a space (`names` accepts no other). One item alone, or null for none, as most
 * subjects name exactly the item they were made from.
 */
function itemsNamedBy(
  subject: Subject,
  byFile: ItemsByFileAndName,
): EvidenceItem | readonly EvidenceItem[] | null {
  const byName = byFile.get(subject.file)
  if (byName === undefined) return null
  const named: EvidenceItem[] = []
  const add = (items: readonly EvidenceItem[] | undefined): void => {
    if (items !== undefined) for (const item of items) if (names(subject, item)) named.push(item)
  }
  const { name } = subject
  add(byName.get(name))
  for (let i = name.indexOf(' '); i !== -1; i = name.indexOf(' ', i + 1)) add(byName.get(name.slice(0, i)))
  return named.length === 0 ? null : named.length === 1 ? (named[0] as EvidenceItem) : named
}

/**
 * What the findings name, as coverage asks it: the items a check that reads their kind names (`names`),
 * per kind the checks that name any item of it, and the checks with a finding on something other than
 * an evidence item. Found from the evidence's side, in one pass over the findings: the items a subject
 * names are looked up once per subject (a workload's subject is shared by the ~25 checks that judge
 * it), then each finding costs a map read. An index of the findings by subject instead held a list of
 * every finding beside the findings themselves, at the run's peak of memory (a 100k-object estate:
 * ~880k findings on ~100k subjects, ~35 MB); this holds the items each subject names (mostly one, held
 * alone) and a few ids per kind. Scanning the findings of a check for each item was quadratic (10,000
 * objects took 12 s, 40,000 took 160 s).
 */
function namedItems(
  evidence: readonly EvidenceItem[],
  findings: CoveredFindings,
  readers: ReadonlyMap<string, readonly CoverageCheck[]>,
): {
  namedByReader: Set<EvidenceItem>
  checksNamingKind: Map<string, Set<string>>
  judgesOtherSubjects: Set<string>
} {
  const byFile = itemsByFileAndName(evidence)
  const readerIds = new Map([...readers].map(([kind, checks]) => [kind, new Set(checks.map((c) => c.id))]))
  const namedByReader = new Set<EvidenceItem>()
  const checksNamingKind = new Map<string, Set<string>>()
  const judgesOtherSubjects = new Set<string>()
  const namedBySubject = new Map<Subject, EvidenceItem | readonly EvidenceItem[] | null>()
  // The check and item kind noted last, and whether that check reads that kind: findings come a check
  // at a time, of one kind mostly, so the sets are written once a run of them (~87k findings at 10k objects).
  let lastCheck: string | undefined
  let lastKind: string | undefined
  let lastReads = false
  const note = (check: string, item: EvidenceItem): void => {
    if (check !== lastCheck || item.kind !== lastKind) {
      let checks = checksNamingKind.get(item.kind)
      if (checks === undefined) {
        checks = new Set()
        checksNamingKind.set(item.kind, checks)
      }
      checks.add(check)
      lastCheck = check
      lastKind = item.kind
      lastReads = readerIds.get(item.kind)?.has(check) === true
    }
    if (lastReads) namedByReader.add(item)
  }
  let lastJudging: string | undefined
  eachCovered(findings, (check, subject) => {
    if (subject.kind !== 'Evidence' && check !== lastJudging) {
      judgesOtherSubjects.add(check)
      lastJudging = check
    }
    let named = namedBySubject.get(subject)
    if (named === undefined) {
      named = itemsNamedBy(subject, byFile)
      namedBySubject.set(subject, named)
    }
    if (named === null) return
    if (Array.isArray(named)) for (const item of named as readonly EvidenceItem[]) note(check, item)
    else note(check, named as EvidenceItem)
  })
  return { namedByReader, checksNamingKind, judgesOtherSubjects }
}

/** The subject names (alone, and with their file) of findings of checks that judge what a resource does. */
function judgedNames(
  findings: CoveredFindings,
  checkById: ReadonlyMap<string, CoverageCheck>,
): { iacJudged: Set<string>; iacJudgedInFile: Set<string> } {
  const iacJudged = new Set<string>()
  const iacJudgedInFile = new Set<string>()
  eachCovered(findings, (id, subject) => {
    const check = checkById.get(id)
    const judges = check?.judgesResources === true || check?.reads.some((k) => !isIacKind(k)) === true
    if (!judges || subject.kind === 'Evidence') return
    iacJudged.add(subject.name)
    iacJudgedInFile.add(`${subject.file}\n${subject.name}`)
  })
  return { iacJudged, iacJudgedInFile }
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
  /** Each finding's check and subject: a list, columns, or anything that can be read through more than once. */
  findings: CoveredFindings,
  checks: readonly CoverageCheck[],
): Coverage {
  const readers = new Map<string, CoverageCheck[]>()
  for (const check of checks)
    for (const kind of check.reads) readers.set(kind, [...(readers.get(kind) ?? []), check])
  // judgesOtherSubjects: checks with a finding on something other than an evidence item, looked up for
  // every item a check did not name, where scanning the check's findings each time was items × findings
  // (10k Trivy items).
  const { namedByReader, checksNamingKind, judgesOtherSubjects } = namedItems(evidence, findings, readers)
  const checkById = new Map(checks.map((c) => [c.id, c]))

  const iac = evidence.filter((e) => e.kind === 'iac.resource')
  const iacKeys = new Set(iac.map((e) => `${e.file}\n${e.name}`))
  for (const e of iac) if ('partOf' in e && e.partOf !== undefined) iacKeys.add(`${e.file}\n${e.partOf}`)
  // Without IaC resources no item is a view of one: no key is built for each of 10k scan findings.
  const isView = (e: EvidenceItem) =>
    iacKeys.size > 0 && e.kind !== 'iac.resource' && iacKeys.has(`${e.file}\n${e.name}`)

  // Subject names the checks that judge what a resource does named, for IaC resources: built only when
  // there are any (a Kubernetes estate has none, and this is a pass over every finding).
  const { iacJudged, iacJudgedInFile } =
    iac.length === 0
      ? { iacJudged: new Set<string>(), iacJudgedInFile: new Set<string>() }
      : judgedNames(findings, checkById)

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
      const tagged = namedByReader.has(item)
      if (partOf !== undefined) return `read into ${partOf}, which no check examined`
      return (
        notAssessedReasonByType[item.resourceKind] ??
        `no check examines ${item.resourceKind} resources${tagged ? ' (only their tags were checked)' : ''}`
      )
    }
    const reading = readers.get(item.kind) ?? []
    if (reading.length === 0) return `no check in scope reads ${item.kind}`
    if (namedByReader.has(item)) return undefined
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
    return checksNamingKind.get(kind)?.has(check.id) === true
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
