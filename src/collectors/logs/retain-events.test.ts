import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import notStopped from '../../../checks/logs/audit-logging-not-stopped/check.js'
import noExec from '../../../checks/logs/no-exec-into-production-pods/check.js'
import noRoot from '../../../checks/logs/no-root-account-use/check.js'
import { evaluateCheck } from '../../core/engine.js'
import { groupEvidence } from '../../core/evidence.js'
import type { LogEvent, LogSummary } from '../../core/evidence-logs.js'
import { k8sAuditLogOptions, readLogs } from './index.js'
import type { RetentionLimits } from './retain-events.js'

// The audit log reader keeps samples of like events and counts the rest, so a longer log of the same
// behaviour costs no more memory and gets the same verdicts; a log of ever-new behaviour stops at
// the cap and the checks say they could not see everything instead of passing.

const checksDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../checks/logs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-retain-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const context = { root: tmp, where: 'sources[0]', now: new Date('2026-06-30T00:00:00Z'), env: {} }

/** The real audit log of the failing case: a developer's shell into a production pod among routine calls. */
const failLines = gunzipSync(
  readFileSync(
    path.join(checksDir, 'no-exec-into-production-pods/cases/fail/logs/kube-apiserver-audit.log.gz'),
  ),
)
  .toString('utf8')
  .trimEnd()
  .split('\n')
const passLines = readFileSync(
  path.join(checksDir, 'no-exec-into-production-pods/cases/pass/logs/kube-apiserver-audit.log'),
  'utf8',
)
  .trimEnd()
  .split('\n')

/** The same day's events `days` times over, each copy a day later: the same behaviour, a longer log. */
function repeatDays(lines: readonly string[], days: number): string {
  const out: string[] = []
  for (let d = 0; d < days; d++)
    for (const line of lines) {
      const day = String(12 + d).padStart(2, '0')
      out.push(line.replaceAll('2026-06-12T', `2026-06-${day}T`))
    }
  return `${out.join('\n')}\n`
}

async function read(name: string, text: string, limits?: RetentionLimits) {
  writeFileSync(path.join(tmp, name), text)
  const { collection, retained } = await readLogs(
    k8sAuditLogOptions.parse({ type: 'k8s-audit-log', path: name }),
    context,
    'k8s-audit',
    limits,
  )
  const findings = evaluateCheck(
    { check: noExec, params: noExec.params.parse({}) },
    groupEvidence(collection.evidence),
  )
  return {
    retained,
    summary: collection.evidence.find((e): e is LogSummary => e.kind === 'log.summary'),
    events: collection.evidence.filter((e): e is LogEvent => e.kind === 'log.event'),
    verdicts: findings.map((f) => `${f.status} ${f.subject.kind} ${f.subject.name}`),
    messages: findings.map((f) => f.message),
  }
}

describe('the audit log reader keeps samples, not events', () => {
  it('gives the same verdicts and holds the same samples for a log ten times as long', async () => {
    const one = await read('one.log', repeatDays(failLines, 1))
    const ten = await read('ten.log', repeatDays(failLines, 10))
    expect(ten.summary?.eventsRead).toBe(10 * (one.summary?.eventsRead ?? 0))
    expect(ten.summary?.eventsKept).toBe(10 * (one.summary?.eventsKept ?? 0))
    expect(one.verdicts.some((v) => v.startsWith('fail'))).toBe(true)
    expect(ten.verdicts).toEqual(one.verdicts.map((v) => v.replace('one.log', 'ten.log')))
    // Retained state is bounded by what the log does, not by how long it is.
    expect(ten.retained).toBe(one.retained)
    expect(ten.events.length).toBe(one.events.length)
    // The finding cites its first occurrence and says how often it recurred, and until when.
    const shell = ten.messages.find((m) => m.includes('ran exec into pod production/'))
    expect(shell).toMatch(/at 2026-06-12T.* and 9 more times until 2026-06-21T/)
    expect(ten.summary?.notRetained).toBeUndefined()
  })

  it('passes a clean log ten times as long, as it passes the original', async () => {
    const one = await read('clean-one.log', repeatDays(passLines, 1))
    const ten = await read('clean-ten.log', repeatDays(passLines, 10))
    expect(one.verdicts).toEqual(['pass KubernetesAuditLog clean-one.log'])
    expect(ten.verdicts).toEqual(['pass KubernetesAuditLog clean-ten.log'])
    expect(ten.retained).toBe(one.retained)
  })

  it('stops growing at the cap, and then cannot pass the file, though it still fails what it kept', async () => {
    // Break-glass execs into ever-new pods: nothing to fail, but each one is a new group.
    const template = JSON.parse(
      passLines.find((l) => l.includes('marcus@') && l.includes('ResponseComplete')) ?? '{}',
    )
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ ...template, objectRef: { ...template.objectRef, name: `api-${i}` } }),
    )
    const limits = { groupsPerCategory: 25 }
    const capped = await read('capped.log', `${lines.join('\n')}\n`, limits)
    expect(capped.retained).toBeLessThanOrEqual(limits.groupsPerCategory)
    expect(capped.summary?.eventsKept).toBe(200)
    expect(capped.summary?.notRetained).toEqual([{ category: 'pod-exec', events: 175 }])
    expect(capped.verdicts).toEqual(['no-evidence KubernetesAuditLog capped.log'])
    expect(capped.messages[0]).toMatch(/175 events .* not kept/)
    // Under the default limits the same log is kept whole and passes.
    const whole = await read('whole.log', `${lines.join('\n')}\n`)
    expect(whole.retained).toBe(200)
    expect(whole.verdicts).toEqual(['pass KubernetesAuditLog whole.log'])
    // An offence kept before the cap still fails the file.
    const offence = failLines.find((l) => l.includes('exec?command=bash')) ?? ''
    const mixed = await read('mixed.log', `${[offence, ...lines].join('\n')}\n`, limits)
    expect(mixed.verdicts.filter((v) => v.startsWith('fail'))).toHaveLength(1)
    expect(mixed.verdicts.some((v) => v.startsWith('pass'))).toBe(false)
  })

  it('a cap on one category leaves checks of other categories free to pass', async () => {
    // CloudTrail: a root sign-in kept, console logins by others past the cap.
    const login = (i: number, type: string, arn: string) => ({
      eventTime: `2026-06-10T08:${String(i % 60).padStart(2, '0')}:00Z`,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: { type, arn },
      sourceIPAddress: `198.51.100.${i % 250}`,
      additionalEventData: { MFAUsed: 'Yes' },
      responseElements: { ConsoleLogin: 'Success' },
    })
    const records = Array.from({ length: 60 }, (_, i) =>
      login(i, 'IAMUser', `arn:aws:iam::123456789012:user/u${i}`),
    )
    writeFileSync(path.join(tmp, 'ct.json'), JSON.stringify({ Records: records }))
    const { collection } = await readLogs(
      { type: 'cloudtrail-log', path: 'ct.json', exclude: [] },
      context,
      'cloudtrail',
      { groupsPerCategory: 10 },
    )
    const summary = collection.evidence.find((e): e is LogSummary => e.kind === 'log.summary')
    expect(summary?.notRetained).toEqual([{ category: 'console-login', events: 50 }])
    const evidence = groupEvidence(collection.evidence)
    const root = evaluateCheck({ check: noRoot, params: noRoot.params.parse({}) }, evidence)
    // The root check judges console logins too: fifty unseen ones could have been root's.
    expect(root.map((f) => f.status)).toEqual(['no-evidence'])
    // Whether the trail was stopped does not hang on console logins: every such event was kept.
    const trail = evaluateCheck({ check: notStopped, params: notStopped.params.parse({}) }, evidence)
    expect(trail.map((f) => f.status)).toEqual(['pass'])
  })
})
