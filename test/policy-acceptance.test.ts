import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import policiesCheck from '../checks/people/current-policies-accepted/check.js'
import { loadConfig } from '../src/app/load-config.js'
import {
  acceptPolicy,
  findPolicy,
  ledgerPolicyAcceptances,
  policyAcceptanceEvidence,
} from '../src/app/policy-acceptance.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import { collectSources } from '../src/collectors/registry.js'
import { evaluateCheck } from '../src/core/engine.js'
import { groupEvidence } from '../src/core/evidence.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { PolicyTemplate } from '../src/core/third-parties/policies.js'
import { verifyStore } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

/**
 * Acceptances made in trustctl are signed ledger runs, read back by the assessment as
 * policy-acceptance evidence beside the CSV export's rows, and judged by the same check.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-policy-accept-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const now = new Date('2026-11-30T12:00:00.000Z')

// The roster: Ann accepted through the policy tool's export; Carl and Dee only in trustctl; Ed nowhere.
const roster = [
  'Work Email,Name,Employment Type,Department,Start Date,End Date,Status',
  'ann@example.com,Ann Lee,Full-Time,Engineering,2022-03-01,,Active',
  'carl@example.com,Carl Diaz,Full-Time,Sales,2023-05-02,,Active',
  'dee@example.com,Dee Park,Full-Time,Support,2023-05-02,,Active',
  'ed@example.com,Ed Moss,Full-Time,Finance,2023-05-02,,Active',
].join('\n')
const exportCsv = [
  'Employee Email,Policy Name,Policy Version,Acknowledged At',
  'ann@example.com,Information Security Policy,1.0,2026-03-04T09:15:00Z',
].join('\n')

let store: SqliteStore
let current: PolicyTemplate
let context: Parameters<typeof acceptPolicy>[0]

beforeAll(async () => {
  writeFileSync(path.join(tmp, 'roster.csv'), roster)
  writeFileSync(path.join(tmp, 'acceptance.csv'), exportCsv)
  writeFileSync(
    path.join(tmp, 'trustctl.yaml'),
    'version: 1\norganization: Accept Co\nsystem: { name: Accept }\nscope: { categories: [security], asOf: 2026-11-30 }\nsources: []\n',
  )
  const loaded = await loadConfig(undefined, tmp)
  const library = await loadLibrary()
  current = findPolicy(library.thirdParties?.policies ?? [], 'information-security')
  const file = path.join(tmp, '.trustctl', 'trustctl.db')
  mkdirSync(path.dirname(file), { recursive: true })
  store = new SqliteStore(file)
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
  context = { loaded, store, signer, notify: () => undefined }
}, 120_000)

afterAll(async () => {
  await store?.close()
})

/** The check over the CSV export's evidence merged with the ledger's acceptances. */
async function judge() {
  const { evidence } = await collectSources(
    [
      {
        type: 'hr-roster',
        path: 'roster.csv',
        columns: { workEmail: 'Work Email', employmentType: 'Employment Type' },
        exportedAt: '2026-11-30',
      },
      { type: 'policy-acceptance', path: 'acceptance.csv', exportedAt: '2026-11-30' },
    ] as never,
    { root: tmp, now, env: {} },
  )
  const merged = [...evidence, ...(await policyAcceptanceEvidence(store, now))]
  const params = policiesCheck.params.parse({
    policies: [
      { name: 'Information Security Policy', version: current.meta.version, effective: '2026-03-01' },
    ],
  })
  return Object.fromEntries(
    evaluateCheck({ check: policiesCheck, params }, groupEvidence(merged)).map((f) => [
      f.subject.name,
      `${f.status}: ${f.message}`,
    ]),
  )
}

describe('policy acceptance recorded in trustctl', () => {
  it('records an acceptance signed in the ledger, once per version', async () => {
    const first = await acceptPolicy(context, {
      email: 'carl@example.com',
      policy: current,
      at: '2026-03-10T08:00:00.000Z',
    })
    expect(first.created).toBe(true)
    expect(first.acceptance).toMatchObject({
      email: 'carl@example.com',
      policyId: 'information-security',
      version: current.meta.version,
    })
    expect(first.acceptance.textHash).toMatch(/^[0-9a-f]{64}$/)
    const run = (await store.runs()).find((r) => r.id === first.runId)
    expect(run?.status).toBe('complete')
    // Accepting the same version again (even in other letter case) records nothing new.
    const again = await acceptPolicy(context, {
      email: 'Carl@Example.com',
      policy: current,
      at: '2026-04-01T08:00:00.000Z',
    })
    expect(again).toEqual({ acceptance: first.acceptance, created: false })
    expect(await ledgerPolicyAcceptances(store)).toHaveLength(1)
    expect((await verifyStore(store)).ok).toBe(true)
  })

  it('an older version of the text is a different acceptance', async () => {
    const older: PolicyTemplate = {
      ...current,
      meta: { ...current.meta, version: '0.9' },
      body: 'An earlier wording of the policy.',
    }
    const made = await acceptPolicy(context, {
      email: 'dee@example.com',
      policy: older,
      at: '2026-03-05T08:00:00.000Z',
    })
    expect(made.created).toBe(true)
    expect(made.acceptance.version).toBe('0.9')
    expect(await ledgerPolicyAcceptances(store)).toHaveLength(2)
  })

  it('the check judges the export and the ledger together, joined by person', async () => {
    const found = await judge()
    expect(found['ann@example.com']).toMatch(/^pass: accepted Information Security Policy 1\.0/)
    // No export row, accepted in the dashboard: passes.
    expect(found['carl@example.com']).toMatch(/^pass: accepted Information Security Policy 1\.0/)
    // Accepted only an old version in the dashboard: fails as if nothing was accepted.
    expect(found['dee@example.com']).toMatch(/^fail: Information Security Policy 1\.0 not accepted/)
    // Neither: fails as it did before acceptances could be made in trustctl.
    expect(found['ed@example.com']).toMatch(/^fail: Information Security Policy 1\.0 not accepted/)
  })

  it('a policy id trustctl does not serve is a not-found error naming it', () => {
    expect(() => findPolicy([current], 'no-such-policy')).toThrow(/no policy 'no-such-policy'/)
  })
})

describe('policy acceptance on the PostgreSQL ledger', () => {
  const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

  it('records, refuses a second record of the same version, reads back and verifies', async () => {
    const schema = `trustctl_accept_${process.pid}_${Date.now().toString(36)}`
    const pg = await PostgresStore.open(pgUrl, schema)
    try {
      const pgContext = { ...context, store: pg }
      const made = await acceptPolicy(pgContext, {
        email: 'ann@example.com',
        policy: current,
        at: now.toISOString(),
      })
      const again = await acceptPolicy(pgContext, {
        email: 'ANN@example.com',
        policy: current,
        at: now.toISOString(),
      })
      expect([made.created, again.created]).toEqual([true, false])
      expect(await ledgerPolicyAcceptances(pg)).toEqual([made.acceptance])
      expect((await verifyStore(pg)).ok).toBe(true)
      const [evidence] = await policyAcceptanceEvidence(pg, now)
      expect(evidence).toMatchObject({
        email: 'ann@example.com',
        policyId: 'information-security',
        system: 'trustctl',
      })
    } finally {
      await pg.dropSchema()
      await pg.close()
    }
  })
})
