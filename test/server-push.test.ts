import { generateKeyPairSync } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newTokenSecret } from '../src/app/credentials.js'
import { type LoadedConfig, loadConfig } from '../src/app/load-config.js'
import {
  backoffMs,
  deliverBatch,
  isLoopback,
  type PreparedBatch,
  prepareBatches,
  pushEndpoint,
  retryAfterMs,
} from '../src/app/push-client.js'
import { type Library, loadLibrary } from '../src/app/run-assessment.js'
import { main } from '../src/cli/main.js'
import type { FileCollection } from '../src/collectors/source-collector.js'
import type { EvidenceItem } from '../src/core/evidence.js'
import { canonicalBytes, sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { contentDigest, pushBatchKey } from '../src/core/push-format.js'
import type { AssessmentStore } from '../src/core/store.js'
import type { Role, TeamStore } from '../src/core/team.js'
import { createServer } from '../src/server/app.js'
import type { ServerContext } from '../src/server/context.js'
import { latestPushes } from '../src/server/jobs/assess-job.js'
import type { InProcessJobRunner } from '../src/server/jobs.js'
import { postgresPushLock } from '../src/server/push.js'
import { setPushLock } from '../src/server/routes/push.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { runById, verifyStore } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const demo = path.resolve(import.meta.dirname, '..', 'examples', 'acme-saas')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-push-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** The largest push the test servers accept: small, so "oversized" is cheap to build. */
const maxBytes = 64 * 1024

let libraryPromise: Promise<Library> | undefined
const library = () => {
  libraryPromise ??= loadLibrary()
  return libraryPromise
}

/**
 * The server's own estate: one Dockerfile and no Kubernetes manifest, so checks of workloads have no
 * evidence until a collector pushes some.
 */
function writeServerEstate(dir: string): void {
  mkdirSync(path.join(dir, 'app'), { recursive: true })
  writeFileSync(
    path.join(dir, 'app', 'Dockerfile'),
    'FROM node:20-slim\nUSER node\nCMD ["node", "server.js"]\n',
  )
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    [
      'version: 1',
      'organization: Push Test Co',
      'system: { name: Push Test }',
      'scope: { categories: [security], asOf: 2026-11-30 }',
      'sources:',
      '  - path: app',
      'server:',
      `  push: { maxBytes: ${maxBytes}, perMinute: 10000 }`,
      '',
    ].join('\n'),
  )
}

/** A collector's estate elsewhere: the demo's workload manifest of the api service. */
function writeClusterEstate(dir: string): void {
  mkdirSync(path.join(dir, 'k8s'), { recursive: true })
  copyFileSync(path.join(demo, 'deploy', 'k8s', 'api.yaml'), path.join(dir, 'k8s', 'api.yaml'))
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    [
      'version: 1',
      'organization: Push Test Co',
      'system: { name: Push Test cluster }',
      'scope: { categories: [security], asOf: 2026-11-30 }',
      'sources:',
      '  - path: k8s',
      '',
    ].join('\n'),
  )
}

interface TestServer {
  backend: 'sqlite' | 'postgres'
  loaded: LoadedConfig
  context: ServerContext & { jobRunner: InProcessJobRunner }
  app: FastifyInstance
  ledger: AssessmentStore
  team: TeamStore
  /** Bearer secrets by token name. */
  tokens: Record<string, string>
  close(): Promise<void>
}

let counter = 0

async function startServer(backend: 'sqlite' | 'postgres'): Promise<TestServer> {
  const dir = path.join(tmp, `server-${++counter}`)
  mkdirSync(dir, { recursive: true })
  writeServerEstate(dir)
  const loaded = await loadConfig(undefined, dir)
  const schema = `trustctl_push_${process.pid}_${counter}_${Date.now().toString(36)}`
  const file = path.join(dir, '.trustctl', 'trustctl.db')
  const ledger = backend === 'sqlite' ? new SqliteStore(file) : await PostgresStore.open(pgUrl, schema)
  const team = backend === 'sqlite' ? new SqliteTeamStore(file) : await PostgresTeamStore.open(pgUrl, schema)
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
  const context = buildServerContext({ loaded, library: await library(), ledger, team, signer, recordChange })
  const lock = backend === 'postgres' ? postgresPushLock(pgUrl, schema) : undefined
  if (lock !== undefined) setPushLock(context, lock)
  const app = await createServer(context)
  await app.ready()
  const tokens: Record<string, string> = {}
  const named: [string, Role][] = [
    ['cluster-a', 'collector'],
    ['cluster-b', 'collector'],
    ['burst', 'collector'],
    ['the-admin', 'admin'],
    ['the-editor', 'editor'],
    ['the-auditor', 'auditor'],
  ]
  for (const [name, role] of named) {
    const secret = newTokenSecret()
    await team.createToken({
      name,
      role,
      tokenHash: sha256(secret),
      createdBy: 'test',
      createdAt: new Date().toISOString(),
      ...(role === 'auditor' ? { auditPeriod: { from: '2026-01-01', to: '2026-12-31' } } : {}),
    })
    tokens[name] = secret
  }
  return {
    backend,
    loaded,
    context,
    app,
    ledger,
    team,
    tokens,
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

/** Synthetic but valid evidence: namespaces with a label that makes each item distinct. */
function namespaces(prefix: string, n: number, padding = 0): EvidenceItem[] {
  return Array.from(
    { length: n },
    (_, i) =>
      ({
        kind: 'k8s.namespace',
        resourceKind: 'Namespace',
        name: `${prefix}-${i}`,
        file: `${prefix}/namespaces.yaml`,
        line: i + 1,
        labels: { team: prefix, ...(padding > 0 ? { note: 'x'.repeat(padding) } : {}) },
        annotations: {},
      }) as unknown as EvidenceItem,
  )
}

const collectionOf = (evidence: EvidenceItem[]): FileCollection => ({
  evidence,
  errors: [],
  inputs: [
    {
      file: 'namespaces.yaml',
      collector: 'kubernetes',
      sha256: sha256('x'),
      bytes: 1,
      items: evidence.length,
    },
  ],
})

function batchOf(
  collector: string,
  evidence: EvidenceItem[],
  collectedAt = '2026-11-28T10:00:00.000Z',
): PreparedBatch {
  const batches = prepareBatches(
    collectionOf(evidence),
    { name: collector, version: 'test' },
    collectedAt,
    10 * maxBytes,
  )
  const only = batches[0]
  if (batches.length !== 1 || only === undefined) throw new Error('expected one batch')
  return only
}

interface Send {
  token: string
  body: string
  key?: string
  digest?: string
  contentType?: string
}

function send(server: TestServer, request: Send) {
  return server.app.inject({
    method: 'POST',
    url: '/api/push',
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': request.contentType ?? 'application/json',
      ...(request.key === undefined ? {} : { 'idempotency-key': request.key }),
      'content-digest': request.digest ?? contentDigest(request.body),
    },
    payload: request.body,
  })
}

const push = (server: TestServer, token: string, prepared: PreparedBatch) =>
  send(server, { token: server.tokens[token] ?? '', body: prepared.body, key: prepared.key })

/** Evidence records in the ledger: their content hashes, in ledger order. */
async function evidenceHashes(ledger: AssessmentStore): Promise<string[]> {
  const out: string[] = []
  for await (const { record } of ledger.scan({ kinds: ['evidence'] })) out.push(record.contentHash)
  return out
}

const backends = ['sqlite', 'postgres'] as const

describe.each(backends)('push to a %s server', (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer(backend)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
  })

  it('stores a batch as a signed run whose evidence equals what was sent, and answers a retry as a duplicate', async () => {
    const prepared = batchOf('cluster-a', namespaces('first', 5))
    const before = await evidenceHashes(server.ledger)
    const response = await push(server, 'cluster-a', prepared)
    expect(response.statusCode, response.body).toBe(201)
    const answer = response.json() as {
      receipt: { runId: number; key: string; items: number }
      stored: number
    }
    expect(answer.stored).toBe(5)
    expect(answer.receipt.key).toBe(prepared.key)
    expect(answer.receipt.items).toBe(5)

    const added = (await evidenceHashes(server.ledger)).slice(before.length)
    expect(added.sort()).toEqual(prepared.batch.items.map((i) => i.hash).sort())
    const records = []
    for await (const { record } of server.ledger.scan({ runId: answer.receipt.runId, kinds: ['evidence'] }))
      records.push(record)
    expect(new Set(records.map((r) => r.source))).toEqual(new Set(['push:cluster-a']))
    expect(new Set(records.map((r) => r.collector))).toEqual(new Set(['cluster-a']))
    const verified = await verifyStore(server.ledger)
    expect(verified.ok, JSON.stringify(verified.problems)).toBe(true)
    expect((await server.team.pushReceipt(prepared.key))?.runId).toBe(answer.receipt.runId)

    const retry = await push(server, 'cluster-a', prepared)
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toMatchObject({
      stored: 0,
      duplicate: true,
      receipt: { runId: answer.receipt.runId },
    })
    expect(await evidenceHashes(server.ledger)).toHaveLength(before.length + 5)
  })

  it('refuses an oversized batch with 413 and stores nothing', async () => {
    const prepared = batchOf('cluster-a', namespaces('big', 40, 2000))
    expect(prepared.body.length).toBeGreaterThan(maxBytes)
    const before = await evidenceHashes(server.ledger)
    const response = await push(server, 'cluster-a', prepared)
    expect(response.statusCode).toBe(413)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()).toMatchObject({ code: 'too-large', status: 413 })
    expect(await evidenceHashes(server.ledger)).toEqual(before)
    expect(await server.team.pushReceipt(prepared.key)).toBeUndefined()
  })

  it('refuses malformed JSON, a wrong digest, a wrong key, a mismatched item and an unknown kind, storing nothing', async () => {
    const before = await evidenceHashes(server.ledger)
    const token = server.tokens['cluster-a'] ?? ''
    const good = batchOf('cluster-a', namespaces('bad', 3))

    const malformed = await send(server, { token, body: '{"format": 1, "items": [', key: good.key })
    expect(malformed.statusCode).toBe(400)

    const wrongDigest = await send(server, {
      token,
      body: good.body,
      key: good.key,
      digest: contentDigest(`${good.body} `),
    })
    expect(wrongDigest.statusCode).toBe(422)
    expect(wrongDigest.json()).toMatchObject({ code: 'integrity' })

    const noDigest = await server.app.inject({
      method: 'POST',
      url: '/api/push',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': good.key,
      },
      payload: good.body,
    })
    expect(noDigest.statusCode).toBe(400)

    const wrongKey = await send(server, { token, body: good.body, key: sha256('another batch') })
    expect(wrongKey.statusCode).toBe(422)

    // The second item says it is something it is not.
    const tampered = structuredClone(good.batch)
    const second = tampered.items[1]
    if (second === undefined) throw new Error('fixture')
    second.evidence = { ...second.evidence, name: 'swapped' }
    const tamperedBody = JSON.stringify(tampered)
    const mismatch = await send(server, { token, body: tamperedBody, key: pushBatchKey(tampered) })
    expect(mismatch.statusCode).toBe(422)
    const problem = mismatch.json() as { errors: { path: string }[]; detail: string }
    expect(problem.errors.map((e) => e.path)).toEqual(['body.items[1].hash'])
    expect(problem.detail).toContain('nothing was stored')

    // Hashes match, but the kind is none trustctl knows.
    const unknown = structuredClone(good.batch)
    const first = unknown.items[0]
    if (first === undefined) throw new Error('fixture')
    first.evidence = { ...first.evidence, kind: 'k8s.spaceship' }
    first.hash = sha256(canonicalBytes(first.evidence))
    const unknownBody = JSON.stringify(unknown)
    const unknownKind = await send(server, { token, body: unknownBody, key: pushBatchKey(unknown) })
    expect(unknownKind.statusCode).toBe(422)
    expect(unknownKind.json()).toMatchObject({
      errors: [{ path: 'body.items[0].evidence.kind', message: expect.stringContaining('k8s.spaceship') }],
    })

    // A known kind, hashes match, but a field breaks the kind's schema: a label that is no string.
    const wrongField = structuredClone(good.batch)
    const third = wrongField.items[2]
    if (third === undefined) throw new Error('fixture')
    third.evidence = { ...third.evidence, labels: { team: 7 } }
    third.hash = sha256(canonicalBytes(third.evidence))
    const wrongFieldBody = JSON.stringify(wrongField)
    const invalid = await send(server, { token, body: wrongFieldBody, key: pushBatchKey(wrongField) })
    expect(invalid.statusCode).toBe(422)
    expect(invalid.json()).toMatchObject({
      errors: [{ path: 'body.items[2].evidence.labels.team', message: expect.stringContaining('string') }],
    })

    const badShape = await send(server, {
      token,
      body: JSON.stringify({ ...good.batch, format: 2 }),
      key: good.key,
    })
    expect(badShape.statusCode).toBe(400)

    expect(await evidenceHashes(server.ledger)).toEqual(before)
    // The good batch itself is still accepted: nothing above left a receipt behind.
    expect((await push(server, 'cluster-a', good)).statusCode).toBe(201)
  })

  it('lets a collector push under its own name only, and nothing else', async () => {
    const asB = batchOf('cluster-b', namespaces('impostor', 2))
    const response = await push(server, 'cluster-a', asB)
    expect(response.statusCode).toBe(403)
    expect(response.json()).toMatchObject({ code: 'forbidden' })
    expect(await server.team.pushReceipt(asB.key)).toBeUndefined()

    const read = await server.app.inject({
      method: 'GET',
      url: '/api/controls',
      headers: { authorization: `Bearer ${server.tokens['cluster-a']}` },
    })
    expect(read.statusCode).toBe(403)
    const schedule = await server.app.inject({
      method: 'GET',
      url: '/api/schedule',
      headers: { authorization: `Bearer ${server.tokens['cluster-a']}` },
    })
    expect(schedule.statusCode).toBe(403)
  })

  it('documents the push body in the OpenAPI description', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >
    }
    const schema = JSON.stringify(
      document.paths['/api/push']?.post?.requestBody?.content['application/json']?.schema,
    )
    for (const field of ['collectedAt', 'inputs', 'errors', 'items', 'hash', 'evidence'])
      expect(schema).toContain(field)
  })

  it.each(['the-admin', 'the-editor', 'the-auditor'])(
    'refuses a push by the %s token (403)',
    async (name) => {
      const prepared = batchOf(name, namespaces(`by-${name}`, 1))
      const response = await push(server, name, prepared)
      expect(response.statusCode).toBe(403)
      expect(await server.team.pushReceipt(prepared.key)).toBeUndefined()
    },
  )

  it('limits pushes per token per minute with 429 and Retry-After', async () => {
    const limits = server.loaded.config.server.push
    const previous = limits.perMinute
    limits.perMinute = 3
    try {
      const statuses: number[] = []
      let retryAfter: string | undefined
      for (let i = 0; i < 4; i += 1) {
        const response = await push(server, 'burst', batchOf('burst', namespaces(`burst-${i}`, 1)))
        statuses.push(response.statusCode)
        if (response.statusCode === 429) retryAfter = String(response.headers['retry-after'])
      }
      expect(statuses).toEqual([201, 201, 201, 429])
      expect(Number(retryAfter)).toBeGreaterThan(0)
      // Another collector is not held back by this one's limit.
      const other = await push(server, 'cluster-b', batchOf('cluster-b', namespaces('not-limited', 1)))
      expect(other.statusCode).toBe(201)
    } finally {
      limits.perMinute = previous
    }
  })

  it('stores 50 concurrent pushes (with retries racing them) exactly once each', async () => {
    const before = await evidenceHashes(server.ledger)
    const batches = Array.from({ length: 50 }, (_, i) =>
      batchOf(i % 2 === 0 ? 'cluster-a' : 'cluster-b', namespaces(`concurrent-${i}`, 4)),
    )
    // Every batch is delivered twice at the same moment: one of each pair must be the duplicate.
    const responses = await Promise.all(
      batches.flatMap((b, i) => {
        const name = i % 2 === 0 ? 'cluster-a' : 'cluster-b'
        return [push(server, name, b), push(server, name, b)]
      }),
    )
    expect(responses.map((r) => r.statusCode).sort()).toEqual([
      ...Array(50).fill(200),
      ...Array(50).fill(201),
    ])
    const added = (await evidenceHashes(server.ledger)).slice(before.length)
    const sent = batches.flatMap((b) => b.batch.items.map((i) => i.hash))
    expect(added).toHaveLength(sent.length)
    expect([...added].sort()).toEqual([...sent].sort())
    const verified = await verifyStore(server.ledger)
    expect(verified.ok, JSON.stringify(verified.problems.slice(0, 3))).toBe(true)
  }, 60_000)
  it("takes every batch of a collector's newest collection, and no older one, for the assessment", async () => {
    const older = batchOf('cluster-b', namespaces('older', 2), '2026-11-29T00:00:00.000Z')
    const split = prepareBatches(
      collectionOf(namespaces('newest', 30, 200)),
      { name: 'cluster-b', version: 'test' },
      '2026-11-30T00:00:00.000Z',
      4096,
    )
    expect(split.length).toBeGreaterThan(1)
    expect((await push(server, 'cluster-b', older)).statusCode).toBe(201)
    for (const b of split) expect((await push(server, 'cluster-b', b)).statusCode).toBe(201)
    const latest = await latestPushes(server.ledger, server.team)
    const b = latest.find((p) => p.collector === 'cluster-b')
    expect(b?.collectedAt).toBe('2026-11-30T00:00:00.000Z')
    expect(b?.runIds).toHaveLength(split.length)
    expect(b?.collection.evidence.map((e) => e.name).sort()).toEqual(
      namespaces('newest', 30)
        .map((e) => e.name)
        .sort(),
    )
    expect(b?.collection.inputs).toHaveLength(1)
  })
})

describe('the push client', () => {
  it('splits a collection into batches under the limit, each with the key the server computes', () => {
    const evidence = namespaces('split', 60, 300)
    const batches = prepareBatches(
      collectionOf(evidence),
      { name: 'c', version: '1' },
      '2026-11-28T00:00:00Z',
      8 * 1024,
    )
    expect(batches.length).toBeGreaterThan(2)
    for (const b of batches) {
      expect(Buffer.byteLength(b.body)).toBeLessThanOrEqual(8 * 1024)
      expect(b.key).toBe(pushBatchKey(JSON.parse(b.body)))
      for (const item of b.batch.items) expect(item.hash).toBe(sha256(canonicalBytes(item.evidence)))
    }
    expect(batches.flatMap((b) => b.batch.items.map((i) => i.evidence.name))).toEqual(
      evidence.map((e) => e.name),
    )
    // The same collection always gives the same batches: a rerun is recognised as a retry.
    const again = prepareBatches(
      collectionOf(evidence),
      { name: 'c', version: '1' },
      '2026-11-28T00:00:00Z',
      8 * 1024,
    )
    expect(again.map((b) => b.key)).toEqual(batches.map((b) => b.key))
    expect(() =>
      prepareBatches(collectionOf(namespaces('huge', 1, 9000)), { name: 'c', version: '1' }, 'x', 8 * 1024),
    ).toThrow(/--max-batch-bytes/)
  })

  it('refuses plain http to another host unless allowed, and never takes credentials in the URL', () => {
    expect(pushEndpoint('https://trust.example.com/base/').href).toBe(
      'https://trust.example.com/base/api/push',
    )
    expect(pushEndpoint('http://127.0.0.1:8700').href).toBe('http://127.0.0.1:8700/api/push')
    expect(() => pushEndpoint('http://trust.example.com')).toThrow(/plain http/)
    expect(pushEndpoint('http://trust.example.com', true).protocol).toBe('http:')
    expect(() => pushEndpoint('https://user:secret@trust.example.com')).toThrow(/not in the URL/)
    expect(() => pushEndpoint('ftp://trust.example.com')).toThrow(/https/)
    expect(isLoopback('[::1]')).toBe(true)
    expect(isLoopback('localhost')).toBe(true)
    expect(isLoopback('127.0.0.1.example.com')).toBe(false)
  })

  it('reads Retry-After and backs off with jitter up to a cap', () => {
    expect(retryAfterMs('3', 0)).toBe(3000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(retryAfterMs(null, 0)).toBeUndefined()
    expect(retryAfterMs('soon', 0)).toBeUndefined()
    expect(backoffMs(0, 500, () => 0.999)).toBeLessThan(500)
    expect(backoffMs(3, 500, () => 1)).toBe(4000)
    expect(backoffMs(20, 500, () => 1)).toBe(30_000)
  })

  it('gives up on a refusal at once, naming the problem, without retrying', async () => {
    let calls = 0
    const refusing: typeof fetch = async () => {
      calls += 1
      return new Response(
        JSON.stringify({ detail: 'no', errors: [{ path: 'body.items[0].hash', message: 'bad' }] }),
        {
          status: 422,
        },
      )
    }
    await expect(
      deliverBatch(batchOf('c', namespaces('r', 1)), {
        endpoint: new URL('http://127.0.0.1:1/api/push'),
        token: 't',
        fetch: refusing,
        sleep: async () => undefined,
      }),
    ).rejects.toThrow(/refused the push \(422\)[\s\S]*body\.items\[0\]\.hash/)
    expect(calls).toBe(1)
  })
})

describe.each(backends)(
  'collect --push against a listening %s server, and the server assessment',
  (backend) => {
    let server: TestServer
    let baseUrl = ''
    const clusterDir = path.join(tmp, `cluster-${backend}`)
    beforeAll(async () => {
      server = await startServer(backend)
      await server.app.listen({ host: '127.0.0.1', port: 0 })
      const address = server.app.server.address()
      if (typeof address !== 'object' || address === null) throw new Error('no port')
      baseUrl = `http://127.0.0.1:${address.port}`
      writeClusterEstate(clusterDir)
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    /** Runs an assess job as the dashboard would and returns the findings of one check. */
    async function assessedFindings(check: string) {
      const job = server.context.jobs.start(
        'assess',
        { kind: 'token', id: 0, name: 'test', role: 'admin' },
        {},
      )
      await server.context.jobRunner.idle()
      const done = server.context.jobs.job(job.id)
      expect(done?.status, done?.error).toBe('done')
      const runId = Number(done?.result?.runId)
      const run = await runById(server.ledger, runId)
      expect(await server.team.findingsIndexed(runId)).toBe(true)
      return run.model.findings.filter((f) => f.check === check)
    }

    it('retries through a 503 and the server stores the batch once', async () => {
      const prepared = batchOf('cluster-a', namespaces('through-503', 3))
      const before = await evidenceHashes(server.ledger)
      let calls = 0
      const waits: number[] = []
      // The first delivery reaches the server and is stored, but a proxy answers 503: the collector
      // cannot tell, and must be able to send it again safely.
      const flakyProxy: typeof fetch = async (input, init) => {
        calls += 1
        const response = await fetch(input, init)
        if (calls === 1) {
          await response.arrayBuffer()
          return new Response('upstream timed out', { status: 503, headers: { 'retry-after': '1' } })
        }
        return response
      }
      const answer = await deliverBatch(prepared, {
        endpoint: pushEndpoint(baseUrl),
        token: server.tokens['cluster-a'] ?? '',
        fetch: flakyProxy,
        sleep: async (ms) => {
          waits.push(ms)
        },
      })
      expect(calls).toBe(2)
      expect(waits[0]).toBeGreaterThanOrEqual(1000)
      expect(answer).toMatchObject({ stored: 0, duplicate: true })
      const added = (await evidenceHashes(server.ledger)).slice(before.length)
      expect(added.sort()).toEqual(prepared.batch.items.map((i) => i.hash).sort())
    })

    it("uses a collector's pushed manifest in the server's assessment", async () => {
      const check = 'kubernetes/workload-runs-as-non-root'
      const without = await assessedFindings(check)
      // Without any workload the check has nothing to judge (not applicable to this estate, or no evidence).
      expect(without.length).toBeGreaterThan(0)
      for (const f of without) expect(['no-evidence', 'not-applicable']).toContain(f.status)

      const previous = process.env.TRUSTCTL_TOKEN
      process.env.TRUSTCTL_TOKEN = server.tokens['cluster-a']
      let out = ''
      let err = ''
      try {
        const code = await main(
          [
            'collect',
            '--push',
            baseUrl,
            '-c',
            path.join(clusterDir, 'trustctl.yaml'),
            '--name',
            'cluster-a',
            '--format',
            'json',
          ],
          {
            cwd: clusterDir,
            out: (t) => {
              out += t
            },
            err: (t) => {
              err += t
            },
            interactive: false,
          },
        )
        expect(code, err).toBe(0)
      } finally {
        if (previous === undefined) delete process.env.TRUSTCTL_TOKEN
        else process.env.TRUSTCTL_TOKEN = previous
      }
      const summary = JSON.parse(out) as {
        batches: number
        items: number
        stored: number
        duplicates: number
      }
      expect(summary.batches).toBe(1)
      expect(summary.items).toBeGreaterThan(0)
      expect(summary.stored).toBe(summary.items)
      // The token never appears in what the command prints.
      expect(out + err).not.toContain(server.tokens['cluster-a'])

      const withPush = await assessedFindings(check)
      expect(withPush.some((f) => f.status === 'pass' || f.status === 'fail')).toBe(true)
      expect(withPush.some((f) => f.status === 'no-evidence' || f.status === 'not-applicable')).toBe(false)
      expect(withPush.map((f) => f.subject.name)).toContain('api')
    }, 120_000)

    it('refuses a collector pushing under a name that is not its token', async () => {
      const previous = process.env.TRUSTCTL_TOKEN
      process.env.TRUSTCTL_TOKEN = server.tokens['cluster-a']
      let err = ''
      try {
        const code = await main(
          ['collect', '--push', baseUrl, '-c', path.join(clusterDir, 'trustctl.yaml'), '--name', 'cluster-b'],
          {
            cwd: clusterDir,
            out: () => undefined,
            err: (t) => {
              err += t
            },
            interactive: false,
          },
        )
        expect(code).toBe(2)
      } finally {
        if (previous === undefined) delete process.env.TRUSTCTL_TOKEN
        else process.env.TRUSTCTL_TOKEN = previous
      }
      expect(err).toContain('403')
      expect(err).not.toContain(server.tokens['cluster-a'])
    })
  },
)
