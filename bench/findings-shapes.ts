// Every query shape of the findings API: each filter the API accepts, the combinations the dashboard
// makes (its findings page adds status=fail,no-evidence unless "any" is chosen; a control page links to
// control + status=fail), times every sort and both orders. Shared by the shape test (plans and
// results on a small store) and the findings API bench (latency at a million findings).
import { severities } from '../src/core/check.js'
import { type FindingQuery, type FindingSort, findingSorts, type IndexedFinding } from '../src/core/team.js'

/** Filters of one shape (everything of a query but the run, sort, order, cursor and limit). */
export type FindingFilters = Omit<FindingQuery, 'runId' | 'sort' | 'order' | 'after' | 'limit'>

/** Values the filters name, picked from the data so that each filter matches something. */
export interface ShapeValues {
  check: string
  otherCheck: string
  control: string
  criterion: string
  namespace: string
  /** A prefix matching few subjects (read by the subject index and sorted). */
  narrowSubject: string
  /** A prefix matching many subjects (tested on each row read in sort order). */
  broadSubject: string
}

/** The filter sets, named as the API would be asked (query string without sort and order). */
export function filterSets(v: ShapeValues): [string, FindingFilters][] {
  const dashboard = { status: ['fail', 'no-evidence'] } as const satisfies FindingFilters
  return [
    ['(none)', {}],
    ['status=fail', { status: ['fail'] }],
    ['status=error', { status: ['error'] }],
    ['status=fail,no-evidence', { ...dashboard }],
    ['severity=critical', { severity: ['critical'] }],
    ['severity=critical,high', { severity: ['critical', 'high'] }],
    ['severity=critical,medium', { severity: ['critical', 'medium'] }],
    [`check=${v.check}`, { check: [v.check] }],
    [`check=${v.check},${v.otherCheck}`, { check: [v.check, v.otherCheck] }],
    [`control=${v.control}`, { control: v.control }],
    [`criterion=${v.criterion}`, { criterion: v.criterion }],
    [`namespace=${v.namespace}`, { namespace: v.namespace }],
    [`subject=${v.narrowSubject}`, { subject: v.narrowSubject }],
    [`subject=${v.broadSubject}`, { subject: v.broadSubject }],
    [`subject=zz-none`, { subject: 'zz-none' }],
    ['dash status + severity=critical,high', { ...dashboard, severity: ['critical', 'high'] }],
    [`dash status + check=${v.check}`, { ...dashboard, check: [v.check] }],
    [`dash status + namespace=${v.namespace}`, { ...dashboard, namespace: v.namespace }],
    [`dash status + subject=${v.narrowSubject}`, { ...dashboard, subject: v.narrowSubject }],
    [`dash status + subject=${v.broadSubject}`, { ...dashboard, subject: v.broadSubject }],
    [`dash status + control=${v.control}`, { ...dashboard, control: v.control }],
    [`dash status + criterion=${v.criterion}`, { ...dashboard, criterion: v.criterion }],
    [`control=${v.control} status=fail`, { control: v.control, status: ['fail'] }],
    [`control=${v.control} criterion=${v.criterion}`, { control: v.control, criterion: v.criterion }],
    [`control=${v.control} namespace=${v.namespace}`, { control: v.control, namespace: v.namespace }],
    [`control=${v.control} subject=${v.narrowSubject}`, { control: v.control, subject: v.narrowSubject }],
  ]
}

/** Every shape: each filter set × each sort × both orders. */
export function findingShapes(
  v: ShapeValues,
): { name: string; query: Omit<FindingQuery, 'runId' | 'limit'> }[] {
  return filterSets(v).flatMap(([name, filters]) =>
    findingSorts.flatMap((sort) =>
      (['asc', 'desc'] as const).map((order) => ({
        name: `${name} sort=${sort} ${order}`,
        query: { ...filters, sort, order },
      })),
    ),
  )
}

/** Whether a finding matches the filters: the naive reading of FindingQuery, for comparison. */
export function matchesFilters(f: Omit<IndexedFinding, 'runId'>, q: FindingFilters): boolean {
  return (
    (q.status === undefined || q.status.includes(f.status)) &&
    (q.severity === undefined || q.severity.includes(f.severity)) &&
    (q.check === undefined || q.check.includes(f.check)) &&
    (q.control === undefined || f.controls.includes(q.control)) &&
    (q.criterion === undefined || f.criteria.includes(q.criterion)) &&
    (q.namespace === undefined || f.namespace === q.namespace) &&
    (q.subject === undefined || f.subjectName.toLowerCase().startsWith(q.subject.toLowerCase()))
  )
}

/** The ordinals a shape must return, in order: filter and sort in memory. */
export function expectedOrdinals(
  findings: readonly Omit<IndexedFinding, 'runId'>[],
  query: Omit<FindingQuery, 'runId' | 'limit'>,
): number[] {
  const sign = query.order === 'asc' ? 1 : -1
  return findings
    .filter((f) => matchesFilters(f, query))
    .sort((a, b) => sign * compareKeys(referenceKey(a, query.sort), referenceKey(b, query.sort)))
    .map((f) => f.ordinal)
}

/** The order the API promises, computed independently of the stores (text compared bytewise). */
function referenceKey(f: Omit<IndexedFinding, 'runId'>, sort: FindingSort): (string | number)[] {
  switch (sort) {
    case 'severity':
      return [severities.indexOf(f.severity), f.check, f.subjectName, f.ordinal]
    case 'check':
      return [f.check, f.subjectName, f.ordinal]
    case 'subject':
      return [f.subjectName.toLowerCase(), f.ordinal]
    case 'file':
      return [f.file, f.ordinal]
  }
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number
    const y = b[i] as string | number
    const order =
      typeof x === 'string' && typeof y === 'string'
        ? Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'))
        : Math.sign((x as number) - (y as number))
    if (order !== 0) return order
  }
  return 0
}
