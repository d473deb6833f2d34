import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel, Gap } from '../core/assessment.js'
import { FindingsColumns, lazyFindings } from '../core/findings-columns.js'
import { canonicalBytes } from '../core/ledger.js'
import { ed25519Signer } from '../core/ledger-manifest.js'
import { type ChangeRequest, recordChange } from '../store/ledger-change.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import { applyRemediationEdits, foldRemediationChanges, withRecordedRemediation } from './remediation.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-remediation-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

const gap = (id: string): Gap => ({
  id,
  type: 'failing-test',
  severity: 'high',
  title: `Gap ${id}`,
  criteria: ['CC6.1'],
  controls: ['access.production-access-restricted'],
  ownerRole: 'engineering',
  owner: 'Platform team',
  dueDate: '2027-01-31',
  remediation: 'Fix it.',
})
const model = { gaps: [gap('g1'), gap('g2')] } as unknown as AssessmentModel
const editor = { kind: 'user', id: 1, name: 'ana@example.com', role: 'editor' } as const

const change = (action: string, target: string, after: unknown, at: string): ChangeRequest => ({
  actor: editor,
  action,
  target,
  after,
  at,
})

describe('remediation recorded on the team server', () => {
  it('folds edits field by field, later ones winning, and keeps every comment', () => {
    const edits = foldRemediationChanges([
      {
        actor: { name: 'a' },
        action: 'gap.update',
        target: 'g1',
        at: '2026-11-01T00:00:00Z',
        after: { owner: 'Tomás', status: 'in-progress' },
      },
      {
        actor: { name: 'b' },
        action: 'gap.comment',
        target: 'g1',
        at: '2026-11-02T00:00:00Z',
        after: { body: 'PR open' },
      },
      {
        actor: { name: 'c' },
        action: 'gap.update',
        target: 'g1',
        at: '2026-11-03T00:00:00Z',
        after: { status: 'resolved' },
      },
    ])
    const [g1, g2] = applyRemediationEdits(model.gaps, edits)
    expect(g1).toMatchObject({
      owner: 'Tomás',
      dueDate: '2027-01-31',
      tracking: {
        status: 'resolved',
        updatedBy: 'c',
        updatedAt: '2026-11-03T00:00:00Z',
        comments: [{ author: 'b', body: 'PR open', at: '2026-11-02T00:00:00Z' }],
      },
    })
    expect(g2).toBe(model.gaps[1])
  })

  it('reads the signed change records back from the ledger and applies them to the gaps', async () => {
    const store = new SqliteStore(path.join(dir, 'signed.db'))
    try {
      await recordChange(
        store,
        change(
          'gap.update',
          'g2',
          { owner: 'Security lead', dueDate: '2026-12-15', status: 'in-progress' },
          '2026-11-01T10:00:00Z',
        ),
        signer,
        'test',
      )
      await recordChange(
        store,
        change('gap.comment', 'g2', { id: 1, body: 'Waiting on IAM' }, '2026-11-01T11:00:00Z'),
        signer,
        'test',
      )
      await recordChange(
        store,
        change('user.create', 'x@example.com', { role: 'auditor' }, '2026-11-01T12:00:00Z'),
        signer,
        'test',
      )
      const applied = await withRecordedRemediation(store, model)
      expect(applied.gaps[0]).toEqual(model.gaps[0])
      expect(applied.gaps[1]).toMatchObject({
        owner: 'Security lead',
        dueDate: '2026-12-15',
        tracking: {
          status: 'in-progress',
          updatedBy: 'ana@example.com',
          comments: [{ author: 'ana@example.com', body: 'Waiting on IAM' }],
        },
      })
    } finally {
      await store.close()
    }
  })

  it("applies them without making a model's findings, still columns, into objects", async () => {
    const store = new SqliteStore(path.join(dir, 'columns.db'))
    try {
      await recordChange(
        store,
        change('gap.update', 'g1', { owner: 'Security lead', status: 'in-progress' }, '2026-11-01T10:00:00Z'),
        signer,
        'test',
      )
      const found = {
        check: 'kubernetes/workload-runs-as-non-root',
        severity: 'high',
        status: 'fail',
        subject: { kind: 'Deployment', name: 'api', file: 'deploy/api.yaml' },
        message: 'may run as root',
        controls: ['workload.non-root'],
        criteria: ['CC6.1'],
      } as const
      const columns = new FindingsColumns()
      columns.push({ ...found, controls: [...found.controls], criteria: [...found.criteria] })
      const lazy = lazyFindings(
        {
          schemaVersion: 1,
          findings: [],
          gaps: model.gaps,
          asOf: '2026-11-30',
        } as unknown as AssessmentModel,
        columns,
      )
      const applied = await withRecordedRemediation(store, lazy)
      // A spread would have read both models' findings: the getter would be gone from each.
      expect(Object.getOwnPropertyDescriptor(lazy, 'findings')?.get).toBeDefined()
      expect(Object.getOwnPropertyDescriptor(applied, 'findings')?.get).toBeDefined()
      expect(Object.keys(applied)).toEqual(['schemaVersion', 'findings', 'gaps', 'asOf'])
      expect(applied.gaps[0]?.owner).toBe('Security lead')
      expect(applied.findings).toEqual([found])
    } finally {
      await store.close()
    }
  })

  it('ignores a change in a run that was never sealed by its signed manifest', async () => {
    const store = new SqliteStore(path.join(dir, 'unsealed.db'))
    try {
      const at = '2026-11-01T10:00:00Z'
      const runId = await store.beginRun({ startedAt: at, toolVersion: 'test', signer })
      await store.append(runId, [
        {
          kind: 'change',
          id: 'gap.update:g1',
          source: 'server:user:mallory',
          collector: 'trustctl',
          collectorVersion: 'test',
          collectedAt: at,
          effectiveAt: at,
          content: canonicalBytes(change('gap.update', 'g1', { owner: 'Mallory', status: 'resolved' }, at)),
        },
      ])
      const applied = await withRecordedRemediation(store, model)
      expect(applied).toBe(model)
    } finally {
      await store.close()
    }
  })
})
