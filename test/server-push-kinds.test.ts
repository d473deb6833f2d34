import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newTokenSecret } from '../src/app/credentials.js'
import { loadConfig } from '../src/app/load-config.js'
import { type PreparedBatch, prepareBatches } from '../src/app/push-client.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import type { EvidenceItem } from '../src/core/evidence.js'
import { kindPatternProblems, kindsOutside } from '../src/core/evidence-kind-pattern.js'
import { sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { contentDigest } from '../src/core/push-format.js'
import type { AssessmentStore } from '../src/core/store.js'
import type { TeamStore } from '../src/core/team.js'
import { createServer } from '../src/server/app.js'
import type { ServerContext } from '../src/server/context.js'
import type { InProcessJobRunner } from '../src/server/jobs.js'
import { postgresPushLock } from '../src/server/push.js'
import { setPushLock } from '../src/server/routes/push.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'
import { trustctl } from './cli-harness.js'

/**
 * Collector tokens limited to evidence kinds (issue 13): a token issued for a cluster (`k8s.*`)
 * cannot store AWS evidence, whatever it sends. Issued through the API and the CLI, on both stores.
 */

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-push-kinds-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

let counter = 0

function writeEstate(dir: string): void {
  mkdirSync(path.join(dir, 'app'), { recursive: true })
  writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM node:20-slim\nUSER node\n')
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    [
      'version: 1',
      'organization: Kinds Test Co',
      'system: { name: Kinds Test }',
      'scope: { categories: [security], asOf: 2026-11-30 }',
      'sources:',
      '  - path: app',
      '',
    ].join('\n'),
  )
}

interface Server {
  dir: string
  app: FastifyInstance
  ledger: AssessmentStore
  team: TeamStore
  adminSecret: string
  close(): Promise<void>
}

async function startServer(backend: 'sqlite' | 'postgres', dir?: string): Promise<Server> {
  const home = dir ?? path.join(tmp, `server-${++counter}`)
  if (dir === undefined) {
    mkdirSync(home, { recursive: true })
    writeEstate(home)
  }
  const loaded = await loadConfig(undefined, home)
  const schema = `trustctl_kinds_${process.pid}_${++counter}_${Date.now().toString(36)}`
  const file = path.join(home, '.trustctl', 'trustctl.db')
  const ledger = backend === 'sqlite' ? new SqliteStore(file) : await PostgresStore.open(pgUrl, schema)
  const team = backend === 'sqlite' ? new SqliteTeamStore(file) : await PostgresTeamStore.open(pgUrl, schema)
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
  const context = buildServerContext({
    loaded,
    library: await loadLibrary(),
    ledger,
    team,
    signer,
    recordChange,
  }) as ServerContext & { jobRunner: InProcessJobRunner }
  const lock = backend === 'postgres' ? postgresPushLock(pgUrl, schema) : undefined
  if (lock !== undefined) setPushLock(context, lock)
  const app = await createServer(context)
  await app.ready()
  const adminSecret = newTokenSecret()
  await team.createToken({
    name: 'the-admin',
    role: 'admin',
    tokenHash: sha256(adminSecret),
    createdBy: 'test',
    createdAt: new Date().toISOString(),
  })
  return {
    dir: home,
    app,
    ledger,
    team,
    adminSecret,
    close: async () => {
      await app.close()
      await context.jobRunner.idle()
      await lock?.close()
      if (backend === 'postgres') {
        await (ledger as PostgresStore).dropSchema()
        await (team as PostgresTeamStore).dropSchema()
      }
      await team.close()
      await ledger.close()
    },
  }
}

/** Valid evidence of two families: a namespace (k8s) and a bucket (aws). */
const namespace = (name: string) =>
  ({
    kind: 'k8s.namespace',
    resourceKind: 'Namespace',
    name,
    file: 'k8s/namespaces.yaml',
    line: 1,
    labels: {},
    annotations: {},
  }) as unknown as EvidenceItem

const bucket = (name: string) =>
  ({
    kind: 'aws.s3-bucket',
    resourceKind: 'S3Bucket',
    name,
    file: 'aws/s3.json',
    origin: 'cli-json',
    versioning: 'Enabled',
    loggingEnabled: false,
  }) as unknown as EvidenceItem

function batchOf(collector: string, evidence: EvidenceItem[]): PreparedBatch {
  const [only] = prepareBatches(
    { evidence, errors: [], inputs: [] },
    { name: collector, version: 'test' },
    '2026-11-28T10:00:00.000Z',
    1024 * 1024,
  )
  if (only === undefined) throw new Error('expected one batch')
  return only
}

const push = (server: Server, secret: string, prepared: PreparedBatch) =>
  server.app.inject({
    method: 'POST',
    url: '/api/push',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      'idempotency-key': prepared.key,
      'content-digest': contentDigest(prepared.body),
    },
    payload: prepared.body,
  })

async function evidenceCount(ledger: AssessmentStore): Promise<number> {
  let n = 0
  for await (const _ of ledger.scan({ kinds: ['evidence'] })) n += 1
  return n
}

/** Issues a token through POST /api/tokens as the admin; answers the response. */
const issue = (server: Server, body: Record<string, unknown>) =>
  server.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: { authorization: `Bearer ${server.adminSecret}` },
    payload: body,
  })

describe('evidence kind patterns', () => {
  it('match kinds by glob, and name the kinds no pattern allows', () => {
    expect(kindsOutside(['k8s.workload', 'aws.s3-bucket', 'k8s.namespace'], ['k8s.*'])).toEqual([
      'aws.s3-bucket',
    ])
    expect(kindsOutside(['aws.s3-bucket'], ['k8s.*', 'aws.*'])).toEqual([])
    expect(kindsOutside(['aws.s3-bucket'], undefined)).toEqual([])
    // `.` is literal: `k8s.*` does not allow a kind that merely starts with "k8s".
    expect(kindsOutside(['k8sXworkload'], ['k8s.*'])).toEqual(['k8sXworkload'])
    expect(kindsOutside(['scan.report'], ['*'])).toEqual([])
    expect(kindsOutside(['k8s.workload'], [])).toEqual(['k8s.workload'])
  })

  it('refuse patterns that cannot be meant: bad characters, no match, an empty list', () => {
    expect(kindPatternProblems(['k8s.*', 'aws.s3-bucket'])).toEqual([])
    expect(kindPatternProblems(['K8S.*'])[0]).toContain("'K8S.*'")
    expect(kindPatternProblems(['k8s.(x)'])[0]).toContain('lower-case letters')
    expect(kindPatternProblems(['kube.*'])[0]).toContain("'kube.*': matches no evidence kind")
    expect(kindPatternProblems([])).toHaveLength(1)
  })
})

describe.each(['sqlite', 'postgres'] as const)(
  'a %s server with kind-limited collector tokens',
  (backend) => {
    let server: Server
    beforeAll(async () => {
      server = await startServer(backend)
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    it('refuses with 403 a push holding a kind outside the token, naming it, and stores nothing', async () => {
      const created = await issue(server, { name: 'prod-cluster', role: 'collector', kinds: ['k8s.*'] })
      expect(created.statusCode, created.body).toBe(201)
      const { token, secret } = created.json() as { token: { kinds?: string[] }; secret: string }
      expect(token.kinds).toEqual(['k8s.*'])

      const before = await evidenceCount(server.ledger)
      const mixed = await push(server, secret, batchOf('prod-cluster', [namespace('a'), bucket('b')]))
      expect(mixed.statusCode, mixed.body).toBe(403)
      expect(mixed.headers['content-type']).toContain('application/problem+json')
      const problem = mixed.json() as { code: string; detail: string }
      expect(problem.code).toBe('forbidden')
      expect(problem.detail).toContain('aws.s3-bucket')
      expect(problem.detail).not.toContain('k8s.namespace')
      expect(await evidenceCount(server.ledger)).toBe(before)

      const allowed = await push(server, secret, batchOf('prod-cluster', [namespace('a'), namespace('c')]))
      expect(allowed.statusCode, allowed.body).toBe(201)
      expect(await evidenceCount(server.ledger)).toBe(before + 2)
    })

    it('lets a collector token without kinds push every kind, and lists it without kinds', async () => {
      const created = await issue(server, { name: 'everything', role: 'collector' })
      expect(created.statusCode, created.body).toBe(201)
      const { secret } = created.json() as { secret: string }
      const pushed = await push(server, secret, batchOf('everything', [namespace('x'), bucket('y')]))
      expect(pushed.statusCode, pushed.body).toBe(201)
      const listed = await server.app.inject({
        method: 'GET',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${server.adminSecret}` },
      })
      const items = (listed.json() as { items: { name: string; kinds?: string[] }[] }).items
      expect(items.find((t) => t.name === 'everything')?.kinds).toBeUndefined()
      expect(items.find((t) => t.name === 'prod-cluster')?.kinds).toEqual(['k8s.*'])
    })

    it('refuses kinds on a token that is not a collector, and patterns that match no kind', async () => {
      const editor = await issue(server, { name: 'ed', role: 'editor', kinds: ['k8s.*'] })
      expect(editor.statusCode).toBe(400)
      expect(editor.body).toContain('only a collector token is limited to evidence kinds')
      const typo = await issue(server, { name: 'typo', role: 'collector', kinds: ['kube.*'] })
      expect(typo.statusCode).toBe(400)
      expect(typo.body).toContain('matches no evidence kind')
    })
  },
)

describe('trustctl tokens create --kinds', () => {
  const dir = path.join(tmp, 'cli')
  beforeAll(() => {
    mkdirSync(dir, { recursive: true })
    writeEstate(dir)
  })

  it('stores the patterns, lists every collector token with its kinds (all by default), and the server holds to them', async () => {
    const limited = await trustctl(
      dir,
      'tokens',
      'create',
      '--name',
      'eks',
      '--role',
      'collector',
      '--kinds',
      'k8s.*, aws.eks-cluster',
    )
    expect(limited.code, limited.stderr).toBe(0)
    expect(limited.stdout).toContain('kinds: k8s.*,aws.eks-cluster')
    const secret = /Secret \(shown once, store it now\): (\S+)/.exec(limited.stdout)?.[1] ?? ''
    expect(secret).not.toBe('')
    expect((await trustctl(dir, 'tokens', 'create', '--name', 'any', '--role', 'collector')).code).toBe(0)

    const bad = await trustctl(
      dir,
      'tokens',
      'create',
      '--name',
      'x',
      '--role',
      'collector',
      '--kinds',
      'kube.*',
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--kinds: 'kube.*': matches no evidence kind")
    const notCollector = await trustctl(
      dir,
      'tokens',
      'create',
      '--name',
      'y',
      '--role',
      'admin',
      '--kinds',
      'k8s.*',
    )
    expect(notCollector.code).toBe(2)
    expect(notCollector.stderr).toContain('only a collector token')

    const listed = await trustctl(dir, 'tokens', 'list')
    expect(listed.stdout).toMatch(/collector eks .*kinds: k8s\.\*,aws\.eks-cluster/)
    expect(listed.stdout).toMatch(/collector any .*kinds: all/)

    const server = await startServer('sqlite', dir)
    try {
      const refused = await push(server, secret, batchOf('eks', [bucket('logs')]))
      expect(refused.statusCode, refused.body).toBe(403)
      expect((refused.json() as { detail: string }).detail).toContain('aws.s3-bucket')
      const accepted = await push(server, secret, batchOf('eks', [namespace('prod')]))
      expect(accepted.statusCode, accepted.body).toBe(201)
    } finally {
      await server.close()
    }
  }, 60_000)
})
