import type { Finding } from './check.js'
import type { EvidenceItem } from './evidence.js'

/**
 * How old evidence may be, in days, by evidence family (the part of the kind before the first dot),
 * before a result on it is reported as resting on stale evidence. Only items that say when they were
 * observed (a live read's or an export's `observedAt`, a scan report's `scannedAt`) can go stale:
 * files read from the repository are read as they are now. Override per family with `freshness:` in
 * trustctl.yaml.
 */
export const defaultFreshnessDays: Readonly<Record<string, number>> = {
  // Cloud and cluster state changes daily; an export older than a week no longer shows it.
  aws: 7,
  k8s: 7,
  // Vulnerability data goes out of date as advisories are published.
  scan: 7,
  // Who holds which account changes daily; who works here is read from a monthly roster at least.
  identity: 7,
  people: 30,
  secret: 30,
  vcs: 30,
  log: 30,
}
const fallbackDays = 30

/** When an item was observed, if it says so. */
export function observedAtOf(item: EvidenceItem): string | undefined {
  const fields = item as unknown as Record<string, unknown>
  for (const field of ['observedAt', 'scannedAt']) {
    const value = fields[field]
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value
  }
  return undefined
}

/** Days the item's evidence family may age, with overrides from trustctl.yaml. */
export function freshnessDays(kind: string, overrides: Readonly<Record<string, number>> = {}): number {
  const family = kind.split('.')[0] ?? kind
  return overrides[family] ?? overrides[kind] ?? defaultFreshnessDays[family] ?? fallbackDays
}

/** How stale an item is on the as-of date, or undefined when it is fresh or carries no observation time. */
export function staleness(
  item: EvidenceItem,
  asOf: string,
  overrides: Readonly<Record<string, number>> = {},
): { observedAt: string; ageDays: number; limitDays: number } | undefined {
  const observedAt = observedAtOf(item)
  if (observedAt === undefined) return undefined
  const ageDays = Math.floor((Date.parse(`${asOf}T23:59:59Z`) - Date.parse(observedAt)) / 86_400_000)
  const limitDays = freshnessDays(item.kind, overrides)
  return ageDays > limitDays ? { observedAt, ageDays, limitDays } : undefined
}

const subjectKey = (s: {
  kind: string
  name: string
  namespace?: string | undefined
  file: string
}): string => `${s.kind}|${s.namespace ?? ''}|${s.name}|${s.file}`

/**
 * Adds to each finding whose subject rests on stale evidence what it rests on. A pass on it becomes
 * no-evidence: a month-old export shows the system as it was, not on the as-of date, so the check did
 * not see what a pass needs (a fail stays a fail, noted: the fault was there and nothing shows it gone).
 */
export function noteStaleEvidence(
  findings: readonly Finding[],
  evidence: readonly EvidenceItem[],
  asOf: string,
  overrides: Readonly<Record<string, number>> = {},
): Finding[] {
  return [...staleEvidenceNoter(evidence, asOf, overrides)(findings)]
}

/**
 * noteStaleEvidence for findings handed over a part at a time (one check's): the evidence is looked
 * at once, and a part with nothing stale comes back as it is, not copied.
 */
export function staleEvidenceNoter(
  evidence: readonly EvidenceItem[],
  asOf: string,
  overrides: Readonly<Record<string, number>> = {},
): (findings: readonly Finding[]) => readonly Finding[] {
  const stale = new Map<string, NonNullable<ReturnType<typeof staleness>>>()
  for (const item of evidence) {
    const s = staleness(item, asOf, overrides)
    if (s !== undefined) stale.set(subjectKey({ ...item, kind: item.resourceKind }), s)
  }
  if (stale.size === 0) return (findings) => findings
  return (findings) =>
    findings.map((finding) => {
      const s = stale.get(subjectKey(finding.subject))
      if (s === undefined) return finding
      const note = `stale evidence: observed ${s.observedAt.slice(0, 10)}, ${s.ageDays} days before the as-of date; the limit for this evidence is ${s.limitDays} days`
      return finding.status === 'pass'
        ? {
            ...finding,
            status: 'no-evidence' as const,
            message: `${finding.message}, but only as of ${s.observedAt.slice(0, 10)} (${note}): collect it again to show it now`,
          }
        : { ...finding, message: `${finding.message} (${note})` }
    })
}
