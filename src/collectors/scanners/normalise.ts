import { createHmac } from 'node:crypto'
import type { ScanSeverity } from '../../core/evidence-scan.js'
import { redactSecrets } from '../../core/secrets.js'

const severityWords: Readonly<Record<string, ScanSeverity>> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'info',
  info: 'info',
  informational: 'info',
  none: 'info',
  unknown: 'unknown',
}

/** A tool's severity word (`HIGH`, `Medium`, `Informational`, `Negligible`) on trustctl's scale. */
export function normaliseSeverity(word: string | null | undefined): ScanSeverity {
  if (word === null || word === undefined) return 'unknown'
  return severityWords[word.trim().toLowerCase()] ?? 'unknown'
}

/** A CVSS-style score (SARIF `security-severity`) in the bands CVSS v3 names. */
export function severityFromScore(score: number): ScanSeverity {
  if (score >= 9) return 'critical'
  if (score >= 7) return 'high'
  if (score >= 4) return 'medium'
  if (score > 0) return 'low'
  return 'info'
}

const dayMs = 86_400_000

/** Whole days from an ISO date to the run clock; undefined when the date does not parse. */
export function ageInDays(date: string | undefined, now: Date): number | undefined {
  if (date === undefined) return undefined
  const time = Date.parse(date)
  if (Number.isNaN(time)) return undefined
  return Math.max(0, Math.floor((now.getTime() - time) / dayMs))
}

/**
 * A preview of a secret that identifies it to its owner without disclosing it: a few leading
 * characters (only for values long enough that they give nothing away) and the length.
 */
export function maskSecret(value: string): string {
  const shown = value.length >= 16 ? value.slice(0, 4) : ''
  return redactSecrets(`${shown}…(${value.length})`)
}

/** Used without a store salt (tests, one-off runs); the same default as the secrets scanner's. */
const unsalted = 'trustctl-unsalted-fingerprint'

/** The salted fingerprint of a secret, computed as the secrets scanner does; undefined for an empty value. */
export function fingerprintSecret(value: string, salt: string | undefined): string | undefined {
  if (value === '') return undefined
  return createHmac('sha256', salt ?? unsalted)
    .update(value)
    .digest('hex')
    .slice(0, 32)
}

/** Whitespace that `cleanText` changes: any but a space, or two in a row. */
const oddSpace = /[^\S ]|\s\s/

/** Tool text for messages: credentials masked, one line, bounded length. */
export function cleanText(text: string | null | undefined, max = 300): string | undefined {
  if (text === null || text === undefined) return undefined
  const redacted = redactSecrets(text)
  // Most texts are one line with single spaces already: `replace(/\s+/g)` would copy each of them
  // (every single space matches), so the copy is made only where a run or another space is found.
  const line = (oddSpace.test(redacted) ? redacted.replace(/\s+/g, ' ') : redacted).trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * A copy without the keys whose value is undefined, so stored evidence holds only what the report
 * said. A copy, not `delete`: deleting a key puts a V8 object in slow dictionary mode, and every later
 * walk of 10k such items (canonical JSON, hashing, the checks) paid for it.
 */
export function prune<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const v = value[key]
    if (v !== undefined) out[key] = v
  }
  return out as T
}
