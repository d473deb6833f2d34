import { execFileSync, spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentStore } from '../src/core/store.js'
import { verifyStore } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

const root = path.resolve(import.meta.dirname, '..')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-crash-'))
const keyFile = path.join(tmp, 'key.pem')
const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
let child = ''
const builds: string[] = []

beforeAll(() => {
  writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))
  // The child is plain Node: compile it (types are not checked here; `npm run typecheck` does that).
  // Inside the repository, so the compiled child resolves its packages from node_modules.
  const out = path.join(root, 'node_modules', '.cache', `trustctl-crash-${process.pid}`)
  builds.push(out)
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noCheck',
      '--outDir',
      out,
      '--rootDir',
      root,
      '--module',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      path.join(root, 'test', 'crash-child.ts'),
    ],
    { stdio: 'pipe' },
  )
  child = path.join(out, 'test', 'crash-child.js')
}, 120_000)
afterAll(() => {
  for (const dir of [tmp, ...builds]) rmSync(dir, { recursive: true, force: true })
})

/** Starts the child, lets it commit for a random while, then kills it with SIGKILL. */
async function ingestAndKill(
  args: string[],
  delayMs: number,
): Promise<{ committed: { seq: number; hash: string }[] }> {
  const proc = spawn(process.execPath, [child, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  const committed: { seq: number; hash: string }[] = []
  let stderr = ''
  let buffer = ''
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^committed (\d+) ([0-9a-f]{64})$/.exec(line)
        if (m !== null) {
          committed.push({ seq: Number(m[1]), hash: m[2] as string })
          if (committed.length === 1) setTimeout(() => proc.kill('SIGKILL'), delayMs)
        }
      }
    })
    proc.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended without being killed: ${stderr}`)),
    )
  })
  return { committed }
}

async function checkAfterKill(
  store: AssessmentStore,
  committed: { seq: number; hash: string }[],
): Promise<void> {
  const report = await verifyStore(store)
  expect(report.problems).toEqual([])
  expect(report.ok).toBe(true)
  // Everything the child saw committed is there, unchanged.
  for (const c of committed.slice(-20)) {
    let found: string | undefined
    for await (const { record } of store.scan({ fromSeq: c.seq, toSeq: c.seq })) found = record.hash
    expect(found).toBe(c.hash)
  }
  const runs = await store.runs()
  expect(runs.filter((r) => r.status === 'open')).toEqual([])
  const last = runs.at(-1)
  if (last?.status === 'incomplete') expect(report.incompleteRuns).toContain(last.id)
  expect(runs.filter((r) => r.status === 'incomplete').map((r) => r.id)).toEqual(report.incompleteRuns)
}

describe('kill -9 while ingesting', () => {
  it('sqlite: the store verifies, committed records survive, the interrupted run is incomplete', async () => {
    const file = path.join(tmp, 'sqlite', 'trustctl.db')
    let incomplete = 0
    for (const delay of [0, 15, 40, 90, 150, 250, 400, 700]) {
      const { committed } = await ingestAndKill(['sqlite', file, '-', keyFile], delay)
      const store = new SqliteStore(file)
      try {
        await checkAfterKill(store, committed)
        incomplete = (await store.runs()).filter((r) => r.status === 'incomplete').length
      } finally {
        await store.close()
      }
    }
    expect(incomplete).toBeGreaterThan(0)
  }, 120_000)

  it('postgres: the same after a kill mid-transaction', async () => {
    const schema = `trustctl_crash_${process.pid}_${Date.now().toString(36)}`
    try {
      for (const delay of [0, 60, 300]) {
        const { committed } = await ingestAndKill(['postgres', pgUrl, schema, keyFile], delay)
        const store = await PostgresStore.open(pgUrl, schema)
        try {
          await checkAfterKill(store, committed)
        } finally {
          await store.close()
        }
      }
    } finally {
      const client = new pg.Client({ connectionString: pgUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
    }
  }, 120_000)
})
