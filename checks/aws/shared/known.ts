import type { AwsResourceBase } from '../../../src/core/evidence-aws.js'

/** True when `field` (or a part or parent of it) is known only after `terraform apply`. */
export function knownOnlyAfterApply(item: Pick<AwsResourceBase, 'unknown'>, field: string): boolean {
  return (item.unknown ?? []).some(
    (u) => u === field || u.startsWith(`${field}.`) || field.startsWith(`${u}.`),
  )
}

/** Why a value the check needs is missing: planned but unknown, or not in what was collected. */
export function whyUnknown(item: Pick<AwsResourceBase, 'unknown'>, field: string, what: string): string {
  return knownOnlyAfterApply(item, field)
    ? `${what} is known only after apply`
    : `${what} was not in the collected state`
}

/** Whole days from `from` to `to` (ISO 8601), rounded down. */
export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / 86_400_000)
}

/** True for a CIDR that covers every IPv4 or IPv6 address. */
export function isWorld(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0'
}
