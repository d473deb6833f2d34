import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ledgerCampaigns } from '../src/app/access-review.js'
import { hashPassword, newTokenSecret } from '../src/app/credentials.js'
import { loadConfig } from '../src/app/load-config.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import { toolVersion } from '../src/app/version.js'
import { openCampaign } from '../src/core/access-review.js'
import { sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import type { TeamStore } from '../src/core/team.js'
import { createServer } from '../src/server/app.js'
import { sessionCookie } from '../src/server/auth.js'
import type { ServerContext } from '../src/server/context.js'
import type { InProcessJobRunner } from '../src/server/jobs.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { recordSingleEntryRun } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'

/**
 * The access-review decision route on both ledgers (SQLite and PostgreSQL): a campaign step is
 * written as the CLI writes it, decided through the API, and read back from the same ledger.
 */

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-review-stores-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const reviewer = 'reviewer@example.test'

async function serve(backend: 'sqlite' | 'postgres') {
  const home = path.join(tmp, backend)
  mkdirSync(home, { recursive: true })
  writeFileSync(
    path.join(home, 'trustctl.yaml'),
    'version: 1\norganization: Review Co\nsystem: { name: Review }\nscope: { categories: [security], asOf: 2026-11-30 }\nsources: []\n',
  )
  const loaded = await loadConfig(undefined, home)
  const schema = `trustctl_review_${process.pid}_${Date.now().toString(36)}`
  const file = path.join(home, '.trustctl', 'trustctl.db')
  mkdirSync(path.dirname(file), { recursive: true })
  const ledger: AssessmentStore =
    backend === 'sqlite' ? new SqliteStore(file) : await PostgresStore.open(pgUrl, schema)
  const team: TeamStore =
    backend === 'sqlite' ? new SqliteTeamStore(file) : await PostgresTeamStore.open(pgUrl, schema)
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
  const context = buildServerContext({
    loaded,
    library: await loadLibrary(),
    ledger,
    team,
    signer,
    recordChange,
  }) as ServerContext & { jobRunner: InProcessJobRunner }
  const app = await createServer(context)
  await app.ready()
  // The reviewer signs in as a person; a token named like them must not decide in their place.
  const password = 'correct horse battery staple'
  await team.createUser({
    email: reviewer,
    name: 'Reviewer',
    role: 'editor',
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
  })
  const signedIn = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { email: reviewer, password },
  })
  const cookie = signedIn.cookies.find((c) => c.name === sessionCookie)?.value
  if (signedIn.statusCode !== 200 || cookie === undefined)
    throw new Error(`sign-in failed: ${signedIn.statusCode} ${signedIn.body}`)
  const csrfToken = (signedIn.json() as { csrfToken: string }).csrfToken
  const secret = newTokenSecret()
  // A token carries its name as the actor: here the reviewer's address, as a reviewer's own token would.
  await team.createToken({
    name: reviewer,
    role: 'editor',
    tokenHash: sha256(secret),
    createdBy: 'test',
    createdAt: new Date().toISOString(),
  })
  const campaign = openCampaign({
    id: 'okta-2026-11-30',
    system: 'okta',
    reviewer,
    at: '2026-11-30T09:00:00.000Z',
    snapshot: {},
    accounts: [
      { accountId: '00u1', label: 'ann@example.test', active: true },
      { accountId: '00u2', label: 'bo@example.test', active: true },
    ],
  })
  await recordSingleEntryRun(
    ledger,
    {
      kind: 'access-review',
      id: campaign.id,
      source: 'trustctl access-review',
      content: { step: 'open', campaign },
      at: '2026-11-30T09:00:00.000Z',
    },
    signer,
    toolVersion(),
  )
  return {
    ledger,
    post: (body: unknown, via: 'session' | 'token' = 'session') =>
      app.inject({
        method: 'POST',
        url: `/api/access-reviews/${campaign.id}/decisions`,
        headers:
          via === 'token'
            ? { authorization: `Bearer ${secret}` }
            : { cookie: `${sessionCookie}=${cookie}`, 'x-csrf-token': csrfToken },
        payload: body as Record<string, unknown>,
      }),
    close: async () => {
      await app.close()
      await context.jobRunner.idle()
      if (backend === 'postgres') {
        await (ledger as PostgresStore).dropSchema()
        await (team as PostgresTeamStore).dropSchema()
      }
      await team.close()
      await ledger.close()
    },
  }
}

describe.each(['sqlite', 'postgres'] as const)('access-review decisions on %s', (backend) => {
  it('signs the decision into the ledger and refuses an account outside the campaign', async () => {
    const server = await serve(backend)
    try {
      const decided = await server.post({
        accountId: '00u2',
        decision: 'change',
        reason: 'drop the admin group',
      })
      expect(decided.statusCode, decided.body).toBe(201)
      // The reviewer's name on an API token is not the reviewer: a decision is a person's own word.
      const byToken = await server.post(
        { accountId: '00u1', decision: 'keep', reason: 'still needed' },
        'token',
      )
      expect(byToken.statusCode).toBe(403)
      expect(byToken.json()).toMatchObject({ code: 'person-required' })
      const [campaign] = await ledgerCampaigns(server.ledger)
      expect(campaign?.decisions).toEqual([
        expect.objectContaining({ accountId: '00u2', decision: 'change', decidedBy: reviewer }),
      ])
      const run = (await server.ledger.runs()).find((r) => r.id === decided.json().runId)
      expect(run?.status).toBe('complete')
      const outside = await server.post({ accountId: '00u9', decision: 'keep', reason: 'still here' })
      expect(outside.statusCode).toBe(404)
      expect((await ledgerCampaigns(server.ledger))[0]?.decisions).toHaveLength(1)
    } finally {
      await server.close()
    }
  }, 60_000)
})
