import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Check } from '../src/core/check.js'
import {
  buildRuleSnapshot,
  loadChecks,
  loadRule,
  type RuleSnapshot,
  readRuleSnapshot,
  ruleSnapshotEntry,
} from './load-checks.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-rule-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What a check is, as far as the engine and the reports can tell: its metadata and params' shape. */
const described = (checks: readonly Check[]) =>
  checks.map((c) => ({
    id: c.id,
    title: c.title,
    description: c.description,
    remediation: c.remediation,
    severity: c.severity,
    reads: c.reads,
  }))

const rule = (title: string) => `id: aws/sample-rule
title: ${title}
description: Storage that is not encrypted leaves snapshots readable.
remediation: Set storage_encrypted.
severity: high
controls: [data-protection.data-encrypted-at-rest]
resource: aws_rds_cluster
assert: { attribute: storage_encrypted, equals: true }
`

let snapshot: RuleSnapshot
beforeAll(async () => {
  snapshot = await buildRuleSnapshot()
})

describe('the build-time rule snapshot', () => {
  it('holds every rule.yaml, each with its file hash, and survives JSON unchanged', () => {
    const entries = Object.entries(snapshot.rules)
    expect(entries.length).toBeGreaterThan(200)
    for (const [folder, entry] of entries) {
      expect(entry.rule.id).toBe(folder)
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
  })

  // The build refuses a parsed form that JSON would change (deep-equal after a round trip), so the
  // compiled rule gets the same input either way; this compares what each load exposes.
  it('gives the same checks as validating every file', async () => {
    const fromFiles = await loadChecks(null)
    const fromSnapshot = await loadChecks(JSON.parse(JSON.stringify(snapshot)) as RuleSnapshot)
    expect(described(fromSnapshot)).toEqual(described(fromFiles))
  })

  it('uses an entry only while its hash matches the file: an edited rule is validated again', async () => {
    const file = path.join(dir, 'rule.yaml')
    const text = rule('Clusters encrypt their storage')
    writeFileSync(file, text)
    const entry = ruleSnapshotEntry('aws/sample-rule', text)
    // Same hash: the snapshot's form is compiled (its title says so, to prove which one was used).
    const marked: RuleSnapshot = {
      version: 1,
      rules: {
        'aws/sample-rule': {
          ...entry,
          rule: { ...entry.rule, title: `${entry.rule.title} (from the snapshot)` },
        },
      },
    }
    expect((await loadRule('aws/sample-rule', file, marked)).title).toContain('from the snapshot')
    // The file edited since: the file is read and validated, the stale entry ignored.
    writeFileSync(file, rule('Short'))
    await expect(loadRule('aws/sample-rule', file, marked)).rejects.toThrow(
      'checks/aws/sample-rule/rule.yaml: title',
    )
  })

  it('trusts an entry without reading the file only while the file keeps its stamp (size and times)', async () => {
    const file = path.join(dir, 'stamped', 'rule.yaml')
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, rule('Clusters encrypt their storage'))
    const stat = statSync(file)
    const entry = ruleSnapshotEntry('aws/sample-rule', rule('Clusters encrypt their storage'), {
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
    })
    // The hash is wrong on purpose: with the stamp holding, the file is not read, so it is not noticed.
    const marked: RuleSnapshot = {
      version: 1,
      rules: {
        'aws/sample-rule': {
          ...entry,
          sha256: '0'.repeat(64),
          rule: { ...entry.rule, title: `${entry.rule.title} (from the snapshot)` },
        },
      },
    }
    expect((await loadRule('aws/sample-rule', file, marked)).title).toContain('from the snapshot')
    // Any write changes the stamp: the file is read, its hash differs, and it is validated.
    writeFileSync(file, rule('Short'))
    await expect(loadRule('aws/sample-rule', file, marked)).rejects.toThrow(
      'checks/aws/sample-rule/rule.yaml: title',
    )
    // A stamp of another shape holds for nothing.
    const stale = marked.rules['aws/sample-rule']
    if (stale === undefined) throw new Error('expected the entry')
    const shapeless = {
      version: 1,
      rules: { 'aws/sample-rule': { ...stale, stamp: 7 } },
    } as unknown as RuleSnapshot
    await expect(loadRule('aws/sample-rule', file, shapeless)).rejects.toThrow('title')
  })

  it('reads no snapshot where there is none or it is damaged, so every rule is validated', async () => {
    expect(await readRuleSnapshot(path.join(dir, 'absent.json'))).toBeUndefined()
    writeFileSync(path.join(dir, 'damaged.json'), '{"version": 1, "rules": ')
    expect(await readRuleSnapshot(path.join(dir, 'damaged.json'))).toBeUndefined()
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(snapshot))
    expect(Object.keys((await readRuleSnapshot(path.join(dir, 'good.json')))?.rules ?? {})).toHaveLength(
      Object.keys(snapshot.rules).length,
    )
    // One entry with a malformed hash or no rule makes the whole snapshot unread: every rule is validated.
    const [folder, entry] = Object.entries(snapshot.rules)[0] ?? []
    if (folder === undefined || entry === undefined) throw new Error('expected a snapshot entry')
    for (const [name, bad] of [
      ['hash', { ...entry, sha256: 'ABC' }],
      ['no-rule', { sha256: entry.sha256 }],
    ] as const) {
      writeFileSync(
        path.join(dir, `${name}.json`),
        JSON.stringify({ ...snapshot, rules: { ...snapshot.rules, [folder]: bad } }),
      )
      expect(await readRuleSnapshot(path.join(dir, `${name}.json`))).toBeUndefined()
    }
  })
})
