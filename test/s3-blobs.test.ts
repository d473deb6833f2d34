/**
 * Evidence blobs in S3-compatible object storage (`store.blobs: s3://bucket/prefix`) against a real S3
 * API: moto_server on a free port, reached only through the SDK's own variables (AWS_ENDPOINT_URL and
 * fake credentials). The SQL store keeps references; every byte read back from the bucket is
 * re-hashed, so an object altered or deleted there is reported by `trustctl verify`. In CI a missing
 * moto_server fails this suite instead of skipping it.
 */
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newTokenSecret } from '../src/app/credentials.js'
import { loadConfig } from '../src/app/load-config.js'
import { prepareBatches } from '../src/app/push-client.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import type { AssessmentModel } from '../src/core/assessment.js'
import type { ContainerDockerfile, EvidenceItem } from '../src/core/evidence.js'
import { sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { contentDigest } from '../src/core/push-format.js'
import { createServer } from '../src/server/app.js'
import { postgresPushLock } from '../src/server/push.js'
import { setPushLock } from '../src/server/routes/push.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { latestRun, recordAssessment, runEvidence, verifyStore } from '../src/store/ledger-operations.js'
import { type ObjectBlobs, S3Blobs } from '../src/store/object/s3-blobs.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { recordBlobRefSql } from '../src/store/sqlite/record-layout.js'
import { type MotoServer, motoAvailable, startMoto } from './aws-live/moto-server.js'
import { trustctlWithEnv } from './cli-harness.js'

const available = motoAvailable()
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0'
const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let moto: MotoServer
let s3: S3Client
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-s3-blobs-'))
const keyFile = path.join(tmp, 'keys', 'signing.pem')
/** Bucket names unique to this process: parallel runs against one moto never collide. */
const bucketName = (name: string) => `trustctl-${name}-${process.pid}`

beforeAll(async () => {
  if (!available) return
  moto = await startMoto()
  s3 = new S3Client({
    endpoint: moto.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await moto?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

/** The environment of a run: the S3 endpoint and credentials come from the SDK's own variables only. */
function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {
    GITHUB_ACTIONS: _a,
    GITHUB_STEP_SUMMARY: _s,
    AWS_PROFILE: _p,
    AWS_SESSION_TOKEN: _t,
    AWS_ENDPOINT_URL_S3: _e,
    ...env
  } = process.env
  return {
    ...env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    TRUSTCTL_SIGNING_KEY: keyFile,
    ...extra,
  }
}

/**
 * Runs the CLI in-process with the run's environment. Some commands read the process's own
 * environment (as the real CLI does), so it is set for the run and restored after it.
 */
async function cli(env: NodeJS.ProcessEnv, cwd: string, ...argv: string[]) {
  const saved = { ...process.env }
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key]
  Object.assign(process.env, env)
  try {
    return await trustctlWithEnv(env, cwd, ...argv)
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

const deployment = (name: string, nonRoot: boolean): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}@sha256:${'a'.repeat(64)}
          securityContext: { runAsNonRoot: ${nonRoot} }
`

/** A small estate whose trustctl.yaml sends blobs to `blobs`. */
function estate(name: string, blobs: string): string {
  const dir = path.join(tmp, name)
  mkdirSync(path.join(dir, 'deploy'), { recursive: true })
  for (let i = 0; i < 5; i++)
    writeFileSync(path.join(dir, 'deploy', `app-${i}.yaml`), deployment(`app-${i}`, i % 2 === 0))
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    `version: 1
organization: Acme
system:
  name: api
scope:
  categories: [security]
  asOf: 2026-11-30
sources:
  - path: deploy
store:
  blobs: ${blobs}
`,
  )
  return dir
}

async function objects(bucket: string): Promise<Map<string, Date>> {
  const out = new Map<string, Date>()
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    for (const o of page.Contents ?? [])
      if (o.Key !== undefined) out.set(o.Key, o.LastModified ?? new Date(0))
    token = page.NextContinuationToken
  } while (token !== undefined)
  return out
}

/** The refs of a run's records of the given kinds, read from the SQLite store. */
function runRefs(dir: string, runId: number, kinds: readonly string[]): string[] {
  const db = new Database(path.join(dir, '.trustctl', 'trustctl.db'), { readonly: true })
  try {
    const rows = db
      .prepare(
        `SELECT ${recordBlobRefSql} AS blob_ref FROM ledger_record WHERE run_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
      )
      .all(runId, ...kinds) as { blob_ref: string }[]
    return rows.map((r) => r.blob_ref)
  } finally {
    db.close()
  }
}

async function objectBytes(bucket: string, key: string): Promise<Uint8Array> {
  const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body
  if (body === undefined) throw new Error(`s3://${bucket}/${key} has no body`)
  return body.transformToByteArray()
}

const keyOf = (prefix: string, ref: string) => `${prefix}/${ref.replace(':', '/')}`

describe.runIf(available)('evidence blobs in S3 (moto_server)', () => {
  const bucket = bucketName('cli')
  let dir = ''

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    dir = estate('cli', `s3://${bucket}/ledger/`)
  })

  it('assess keeps the blob bytes in the bucket, only references in SQLite, and verify passes', async () => {
    const run = await cli(runEnv(), dir, 'assess')
    expect(run.stderr).toBe('')
    expect([0, 1, 3]).toContain(run.code)
    const stored = await objects(bucket)
    const refs = runRefs(dir, 1, ['evidence', 'evidence-set', 'assessment', 'manifest'])
    expect(refs.length).toBeGreaterThan(5)
    for (const ref of refs) expect(stored.has(keyOf('ledger', ref))).toBe(true)
    // Nothing of it in the SQL store's blob table: the bucket holds the bytes.
    const db = new Database(path.join(dir, '.trustctl', 'trustctl.db'), { readonly: true })
    const inTable = db.prepare('SELECT COUNT(*) AS n FROM ledger_blob').get() as { n: number }
    const inObjects = db.prepare('SELECT COUNT(*) AS n FROM ledger_object').get() as { n: number }
    db.close()
    expect(inTable.n).toBe(0)
    expect(inObjects.n).toBe(stored.size)
    const verify = await cli(runEnv(), dir, 'verify')
    expect(verify.stdout).toMatch(/Ledger verified/)
    expect(verify.code).toBe(0)
  }, 60_000)

  it('an unchanged re-run uploads no object it already stored, and stores no new evidence', async () => {
    const before = await objects(bucket)
    // S3 keeps LastModified to the second: a re-upload after this pause would show.
    await new Promise((r) => setTimeout(r, 1100))
    const run = await cli(runEnv(), dir, 'assess')
    expect([0, 1, 3]).toContain(run.code)
    const after = await objects(bucket)
    for (const [key, modified] of before) expect(after.get(key)?.getTime(), key).toBe(modified.getTime())
    // The evidence of run 2 is the evidence of run 1: not one new evidence record or object. The run
    // lists it by hash in one evidence-set record, and every parse result it reused was stored before.
    expect(runRefs(dir, 2, ['evidence'])).toEqual([])
    const sets = runRefs(dir, 2, ['evidence-set'])
    expect(sets).toHaveLength(1)
    // What is new is only the run's own records (its start, list of evidence, model, manifest).
    const fresh = [...after.keys()].filter((k) => !before.has(k))
    const own = new Set(
      runRefs(dir, 2, ['run-start', 'evidence-set', 'assessment', 'findings', 'manifest']).map((r) =>
        keyOf('ledger', r),
      ),
    )
    for (const key of fresh) expect(own.has(key), key).toBe(true)
    expect((await cli(runEnv(), dir, 'verify')).code).toBe(0)
  }, 60_000)

  it('an object overwritten in the bucket fails verify, naming its blob', async () => {
    const [ref] = runRefs(dir, 1, ['evidence'])
    const key = keyOf('ledger', ref ?? '')
    const original = await objectBytes(bucket, key)
    const altered = Buffer.from(original ?? [])
      .toString('utf8')
      .replace('app-', 'app_')
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: altered }))
    try {
      const verify = await cli(runEnv(), dir, 'verify')
      expect(verify.code).toBe(1)
      expect(verify.stdout).toContain(`blob ${ref} does not hash to its address`)
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }))
    }
    expect((await cli(runEnv(), dir, 'verify')).code).toBe(0)
  }, 60_000)

  it('an object deleted from the bucket fails verify, naming its blob', async () => {
    const [ref] = runRefs(dir, 2, ['assessment'])
    const key = keyOf('ledger', ref ?? '')
    const original = await objectBytes(bucket, key)
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
    try {
      const verify = await cli(runEnv(), dir, 'verify')
      expect(verify.code).toBe(1)
      expect(verify.stdout).toContain(`blob ${ref} is missing from the store`)
      // A command that reads the run's model refuses it rather than trusting anything.
      const diff = await cli(runEnv(), dir, 'diff', '1', '2')
      expect(diff.code).toBe(4)
      expect(diff.stderr).toContain(`run 2: its blob ${ref} is missing from the store`)
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }))
    }
  }, 60_000)

  it('export writes every blob into the bundle: the auditor needs no bucket to verify it', async () => {
    const out = path.join(tmp, 'bundle')
    const exported = await cli(
      runEnv(),
      dir,
      'export',
      '--from',
      '2000-01-01',
      '--to',
      '2100-01-01',
      '--out',
      out,
    )
    expect(exported.code).toBe(0)
    const blobFiles = readdirSync(path.join(out, 'blobs'), { recursive: true }).filter((f) =>
      /[0-9a-f]{20,}/.test(String(f).split(path.sep).at(-1) ?? ''),
    )
    expect(blobFiles.length).toBeGreaterThan(0)
    // No endpoint and no credentials at all: the bundle stands alone.
    const offline = await cli(
      { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp },
      tmp,
      'verify',
      '--bundle',
      out,
    )
    expect(offline.stdout).toMatch(/Ledger verified/)
    expect(offline.code).toBe(0)
  }, 60_000)

  it('a bucket that does not exist is a clear error naming it', async () => {
    const missing = estate('missing-bucket', `s3://${bucketName('absent')}/x`)
    const run = await cli(runEnv(), missing, 'assess')
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain(`s3://${bucketName('absent')}/x: cannot reach the bucket: no such bucket`)
    expect(run.stderr).toMatch(/create the bucket, or point store\.blobs/)
  }, 60_000)

  it('an endpoint nobody answers on is a clear error naming the endpoint', async () => {
    const unreachable = estate('unreachable', `s3://${bucket}/ledger`)
    // A port moto is not on: the previous moto port plus one is almost never taken; a closed port
    // refuses at once.
    const port = Number(new URL(moto.endpoint).port) + 1
    const run = await cli(runEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }), unreachable, 'assess')
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain(`s3://${bucket}/ledger: cannot reach the bucket`)
    expect(run.stderr).toContain(`is the endpoint reachable? (http://127.0.0.1:${port})`)
  }, 60_000)

  it('AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL', async () => {
    const other = estate('endpoint-s3', `s3://${bucket}/by-s3-variable`)
    const run = await cli(
      runEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_S3: moto.endpoint }),
      other,
      'assess',
    )
    expect([0, 1, 3]).toContain(run.code)
    expect([...(await objects(bucket)).keys()].some((k) => k.startsWith('by-s3-variable/sha256/'))).toBe(true)
  }, 60_000)
})

describe.runIf(available)('evidence blobs in S3 with a PostgreSQL store', () => {
  const bucket = bucketName('pg')
  const schema = `trustctl_s3_${process.pid}_${Date.now().toString(36)}`
  const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
  const model = (generatedAt: string) =>
    ({
      generatedAt,
      asOf: '2026-11-30',
      configHash: 'abc',
      findings: [],
      controls: [],
      gaps: [],
    }) as unknown as AssessmentModel
  const evidence = (name: string): ContainerDockerfile => ({
    kind: 'container.dockerfile',
    resourceKind: 'Dockerfile',
    name,
    file: name,
    line: 1,
    stages: [],
    finalStage: 0,
    variables: [],
    copies: [],
  })
  /** Counts the PUTs the store makes, around the real adapter. */
  const counting = (inner: ObjectBlobs): ObjectBlobs & { puts: number } => {
    const wrapper = {
      puts: 0,
      where: inner.where,
      objectUrl: (ref: string) => inner.objectUrl(ref),
      put: async (blobs: readonly { ref: string; bytes: Uint8Array }[]) => {
        wrapper.puts += blobs.length
        await inner.put(blobs)
      },
      get: (refs: readonly string[]) => inner.get(refs),
      close: () => inner.close(),
    }
    return wrapper
  }
  const env = () => runEnv()
  let blobs: ReturnType<typeof counting>
  let store: PostgresStore

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    blobs = counting(new S3Blobs({ bucket, prefix: 'pg' }, env()))
    store = await PostgresStore.open(pgUrl, schema, blobs)
  })
  afterAll(async () => {
    await store?.dropSchema()
    await store?.close()
  })

  it('records and verifies with the bytes in the bucket, and re-uploads nothing it has', async () => {
    const items = [evidence('a'), evidence('b'), evidence('c')]
    await recordAssessment(store, {
      model: model('2026-11-01T00:00:00Z'),
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
    })
    const first = blobs.puts
    expect(first).toBeGreaterThanOrEqual(5)
    expect((await objects(bucket)).size).toBe(first)
    expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 1 })
    expect((await latestRun(store))?.model.generatedAt).toBe('2026-11-01T00:00:00Z')
    // The same evidence again: only the new run's own records are uploaded (start, model, manifest…).
    await recordAssessment(store, {
      model: model('2026-11-02T00:00:00Z'),
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
    })
    const second = blobs.puts - first
    expect(second).toBeGreaterThan(0)
    expect(second).toBeLessThan(first)
    // The second run records no evidence again: it lists the first run's by hash, read from the bucket.
    const evidenceRefs: string[] = []
    for await (const { record } of store.scan({ runId: 2, kinds: ['evidence'] }))
      evidenceRefs.push(record.blobRef)
    expect(evidenceRefs).toEqual([])
    const firstRefs = (await runEvidence(store, 1)).map((e) => e.hash)
    expect(firstRefs).toHaveLength(3)
    expect((await runEvidence(store, 2)).map((e) => e.hash)).toEqual(firstRefs)
    expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 2 })
  }, 60_000)

  it('reports an altered object and refuses to read it as content', async () => {
    let modelRef = ''
    for await (const { record } of store.scan({ runId: 2, kinds: ['assessment'] })) modelRef = record.blobRef
    const key = `pg/${modelRef.replace(':', '/')}`
    const original = await objectBytes(bucket, key)
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"generatedAt":"forged"}' }))
    try {
      const report = await verifyStore(store)
      expect(report.ok).toBe(false)
      expect(JSON.stringify(report)).toContain(`blob ${modelRef} does not hash to its address`)
      await expect(store.blob(modelRef)).rejects.toThrow(
        `s3://${bucket}/${key}: the object does not hash to ${modelRef}`,
      )
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }))
    }
    expect((await verifyStore(store)).ok).toBe(true)
  }, 60_000)
})

describe.runIf(available)('a team server on PostgreSQL with blobs in S3', () => {
  const bucket = bucketName('server')
  const schema = `trustctl_s3srv_${process.pid}_${Date.now().toString(36)}`

  it('lands pushed evidence in the bucket, and the ledger verifies', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const dir = estate('server', `s3://${bucket}/team`)
    const loaded = await loadConfig(undefined, dir)
    const ledger = await PostgresStore.open(pgUrl, schema, new S3Blobs({ bucket, prefix: 'team' }, runEnv()))
    const team = await PostgresTeamStore.open(pgUrl, schema)
    const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    const context = buildServerContext({
      loaded,
      library: await loadLibrary(),
      ledger,
      team,
      signer,
      recordChange,
    })
    const lock = postgresPushLock(pgUrl, schema)
    setPushLock(context, lock)
    const app = await createServer(context)
    try {
      await app.ready()
      const secret = newTokenSecret()
      await team.createToken({
        name: 'cluster-a',
        role: 'collector',
        tokenHash: sha256(secret),
        createdBy: 'test',
        createdAt: new Date().toISOString(),
      })
      const evidence = Array.from(
        { length: 20 },
        (_, i) =>
          ({
            kind: 'k8s.namespace',
            resourceKind: 'Namespace',
            name: `pushed-${i}`,
            file: 'pushed/namespaces.yaml',
            line: i + 1,
            labels: { team: 'pushed' },
            annotations: {},
          }) as unknown as EvidenceItem,
      )
      const [batch] = prepareBatches(
        {
          evidence,
          errors: [],
          inputs: [
            { file: 'namespaces.yaml', collector: 'kubernetes', sha256: sha256('x'), bytes: 1, items: 20 },
          ],
        },
        { name: 'cluster-a', version: 'test' },
        '2026-11-28T10:00:00.000Z',
        1024 * 1024,
      )
      if (batch === undefined) throw new Error('no batch')
      const response = await app.inject({
        method: 'POST',
        url: '/api/push',
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          'idempotency-key': batch.key,
          'content-digest': contentDigest(batch.body),
        },
        payload: batch.body,
      })
      expect(response.statusCode, response.body).toBe(201)
      const stored = await objects(bucket)
      for (const item of batch.batch.items)
        expect(stored.has(`team/sha256/${item.hash}`), item.hash).toBe(true)
      const verified = await verifyStore(ledger)
      expect(verified.ok, JSON.stringify(verified.problems)).toBe(true)
    } finally {
      await app.close()
      await context.jobRunner.idle()
      await lock.close()
      await ledger.dropSchema()
      await team.dropSchema()
      await team.close()
      await ledger.close()
    }
  }, 120_000)
})

it('refuses a store.blobs that is no s3:// location, naming trustctl.yaml, its line and what is wrong', async () => {
  // No S3 involved: the location is checked when the file is read, before anything is collected.
  const dir = estate('bad-config', 's3://Evidence_Bucket/ledger')
  const run = await cli({ PATH: process.env.PATH ?? '', HOME: tmp }, dir, 'assess')
  expect(run.code).toBe(2)
  expect(run.stderr).toMatch(
    /trustctl\.yaml:11:\d+: store\.blobs: "Evidence_Bucket" is not a valid S3 bucket name/,
  )
  const wrongScheme = estate('bad-scheme', 'https://evidence.example.com/ledger')
  const again = await cli({ PATH: process.env.PATH ?? '', HOME: tmp }, wrongScheme, 'assess')
  expect(again.stderr).toMatch(/trustctl\.yaml:11:\d+: store\.blobs: write it as s3:\/\/bucket/)
  expect(existsSync(path.join(wrongScheme, '.trustctl'))).toBe(false)
})

it.runIf(!available && inCi)('has moto_server on PATH in CI (.ci/run checks for it)', () => {
  expect.fail('moto_server is not on PATH: install Python moto[server] 5.2 (the CI image has it)')
})
