// `npm run bench` (ledger part): how fast the evidence ledger ingests, hashes, verifies and reruns,
// next to the floors measured in the same run (Node's own createHash).
import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { canonicalBytes, type LedgerEntry, sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import { ingestInputs, type LedgerInput } from '../src/store/ingest.js'
import { verifyStore } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

const runs = Number(process.env.BENCH_RUNS ?? 3)
const records = Number(process.env.BENCH_LEDGER_RECORDS ?? 1_000_000)
const pgRecords = Number(process.env.BENCH_LEDGER_PG_RECORDS ?? records)
const perInput = 100
const hashBytes = Number(process.env.BENCH_LEDGER_HASH_MB ?? 1024) * 1024 * 1024
const pgUrl = process.env.TRUSTCTL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-ledger-bench-'))

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  globalThis.gc?.()
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** Inputs of 100 small evidence items each (a Kubernetes workload's worth of fields). */
function inputs(total: number): LedgerInput[] {
  const at = '2026-11-28T00:00:00.000Z'
  return Array.from({ length: Math.ceil(total / perInput) }, (_, i) => {
    const bytes = `input-${i}`
    return {
      source: `deploy/app-${i}.yaml`,
      collector: 'kubernetes',
      collectorVersion: 'bench',
      sha256: sha256(bytes),
      parse: (): LedgerEntry[] =>
        Array.from({ length: Math.min(perInput, total - i * perInput) }, (_, j) => ({
          kind: 'evidence' as const,
          id: `k8s.workload:prod/app-${i}-${j}`,
          source: `deploy/app-${i}.yaml`,
          collector: 'kubernetes',
          collectorVersion: 'bench',
          collectedAt: at,
          effectiveAt: at,
          content: canonicalBytes({
            kind: 'k8s.workload',
            resourceKind: 'Deployment',
            name: `app-${i}-${j}`,
            namespace: 'prod',
            file: `deploy/app-${i}.yaml`,
            replicas: j % 5,
            containers: [{ name: 'app', image: `registry.example.com/app:${j}`, runAsNonRoot: j % 2 === 0 }],
          }),
        })),
    }
  })
}

async function oneRun(store: AssessmentStore, list: LedgerInput[]): Promise<void> {
  const runId = await store.beginRun({ startedAt: new Date().toISOString(), toolVersion: 'bench', signer })
  await ingestInputs(store, runId, list, { collectedAt: new Date().toISOString() })
  await store.finishRun(runId, new Date().toISOString(), signer)
}

async function benchBackend(
  name: string,
  total: number,
  open: (i: number) => Promise<AssessmentStore>,
  drop: (s: AssessmentStore) => Promise<void>,
) {
  const cold: number[] = []
  const warm: number[] = []
  const verify: number[] = []
  for (let i = 0; i < runs; i++) {
    const store = await open(i)
    try {
      const list = inputs(total)
      cold.push(await time(() => oneRun(store, list)))
      warm.push(await time(() => oneRun(store, list)))
      verify.push(
        await time(async () => {
          const report = await verifyStore(store)
          if (!report.ok) throw new Error(`bench store does not verify: ${report.problems[0]?.message}`)
        }),
      )
    } finally {
      await drop(store)
    }
  }
  const c = median(cold)
  const w = median(warm)
  console.log(
    `  ${name.padEnd(9)} ingest ${total} records        median ${c.toFixed(2)} s  ${Math.round(total / c).toLocaleString('en')} records/s (n=${runs})`,
  )
  console.log(
    `  ${name.padEnd(9)} incremental rerun, unchanged  median ${w.toFixed(3)} s  ${((w / c) * 100).toFixed(1)}% of cold (target ≤ 5%)`,
  )
  console.log(
    `  ${name.padEnd(9)} verify whole store            median ${median(verify).toFixed(2)} s  ${Math.round((total * 1.01) / median(verify)).toLocaleString('en')} records/s`,
  )
}

/**
 * The floor for SQLite ingest on this machine, in the same run: better-sqlite3 inserting the same
 * number of rows (a record's columns and a small blob, no hashing, no chain) in one transaction.
 */
async function benchSqliteFloor(total: number): Promise<void> {
  const db = new Database(path.join(root, 'floor.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT, kind TEXT, source TEXT, hash TEXT, bytes BLOB)')
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)')
  const hash = 'a'.repeat(64)
  const bytes = Buffer.alloc(200, 1)
  const seconds = await time(() =>
    db.transaction(() => {
      for (let i = 1; i <= total; i++)
        insert.run(i, `k8s.workload:prod/app-${i}`, 'evidence', 'deploy/app.yaml', hash, bytes)
    })(),
  )
  db.close()
  console.log(
    `  sqlite    floor: ${total} plain rows, one transaction  ${seconds.toFixed(2)} s  ${Math.round(total / seconds).toLocaleString('en')} rows/s (better-sqlite3 alone, same machine, same run)`,
  )
}

/** Re-hashing blobs as verify does (read from the store, 1 MiB each) next to createHash on the same bytes. */
async function benchHashing(): Promise<void> {
  const blobs = Math.max(1, Math.round(hashBytes / (1024 * 1024)))
  const store = new SqliteStore(path.join(root, 'hash', 'trustctl.db'))
  const runId = await store.beginRun({ startedAt: new Date().toISOString(), toolVersion: 'bench', signer })
  const chunk = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < blobs; i += 64) {
    const entries: LedgerEntry[] = []
    for (let j = i; j < Math.min(blobs, i + 64); j++) {
      const bytes = Buffer.from(chunk)
      bytes.writeUInt32LE(j, 0)
      for (let k = 4; k < bytes.length; k += 4096) bytes.writeUInt32LE((j * 2654435761 + k) >>> 0, k)
      entries.push({
        kind: 'evidence',
        id: `blob-${j}`,
        source: 'bench',
        collector: 'bench',
        collectorVersion: '1',
        collectedAt: 'x',
        effectiveAt: 'x',
        content: bytes,
      })
    }
    await store.append(runId, entries)
  }
  await store.finishRun(runId, new Date().toISOString(), signer)
  const ours: number[] = []
  const node: number[] = []
  for (let r = 0; r < runs; r++) {
    let seen = 0
    ours.push(
      await time(async () => {
        const report = await verifyStore(store)
        seen = report.blobBytes
        if (!report.ok) throw new Error('hash store does not verify')
      }),
    )
    node.push(
      await time(() => {
        const bytes = Buffer.from(chunk)
        for (let j = 0; j < blobs; j++) {
          bytes.writeUInt32LE(j, 0)
          createHash('sha256').update(bytes).digest('hex')
        }
      }),
    )
    if (seen < blobs * chunk.length) throw new Error('verify did not read every blob')
  }
  await store.close()
  const mb = (blobs * chunk.length) / 1e6
  const o = mb / median(ours)
  const n = mb / median(node)
  console.log(
    `  hashing   ${(mb / 1000).toFixed(2)} GB of 1 MiB blobs: verify reads + re-hashes at ${o.toFixed(0)} MB/s; createHash alone ${n.toFixed(0)} MB/s; ${((o / n) * 100).toFixed(0)}% (target ≥ 80%)`,
  )
}

try {
  console.log(
    `trustctl ledger bench: ${records.toLocaleString('en')} records (SQLite), ${pgRecords.toLocaleString('en')} (PostgreSQL), ${perInput} per input, node ${process.version}, ${os.cpus().length} cores; medians of ${runs}`,
  )
  await benchSqliteFloor(records)
  await benchBackend(
    'sqlite',
    records,
    async (i) => new SqliteStore(path.join(root, `sqlite-${i}`, 'trustctl.db')),
    async (s) => s.close(),
  )
  if (pgRecords > 0) {
    let reachable = true
    try {
      const probe = await PostgresStore.open(pgUrl, `trustctl_bench_probe_${process.pid}`)
      await probe.dropSchema()
      await probe.close()
    } catch (error) {
      reachable = false
      console.log(`  postgres  skipped: ${(error as Error).message}`)
    }
    if (reachable)
      await benchBackend(
        'postgres',
        pgRecords,
        async (i) => PostgresStore.open(pgUrl, `trustctl_bench_${process.pid}_${i}`),
        async (s) => {
          await (s as PostgresStore).dropSchema()
          await s.close()
        },
      )
  }
  await benchHashing()
} finally {
  rmSync(root, { recursive: true, force: true })
}
