import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { canonicalBytes, type LedgerEntry, sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { keyedLock, type PushTarget, recordsHere, storePush } from '../src/server/push.js'
import { verifyStore } from '../src/store/ledger-operations.js'
import { SqlLedgerStore } from '../src/store/ledger-store.js'
import type { SqlRunner } from '../src/store/sql/driver.js'
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'

/**
 * A push is one transaction: when the database fails half way through writing it (a full disk, a
 * lost connection), nothing of it is left behind, and the ledger still verifies. The failure is a
 * real SQLite file whose driver throws on the nth insert of ledger records.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-push-atomic-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

/** A SQLite driver whose transactions fail on the `failAt`th insert into ledger_record. */
class FailingDriver extends SqliteDriver {
  private recordInserts = 0
  constructor(
    file: string,
    private readonly failAt: number,
  ) {
    super(file)
  }

  override transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return super.transaction((tx) =>
      fn({
        ...tx,
        insertRows: async (table, columns, rows, onConflict) => {
          if (table === 'ledger_record') {
            this.recordInserts += 1
            if (this.recordInserts === this.failAt) throw new Error('disk I/O error (injected)')
          }
          return tx.insertRows(table, columns, rows, onConflict)
        },
      }),
    )
  }
}

/** About 3 MB of distinct evidence: several 1 MB slices, so a failure can strike between them. */
function entries(tag: string): LedgerEntry[] {
  return Array.from({ length: 30 }, (_, i) => ({
    kind: 'evidence' as const,
    id: `${tag}-${i}`,
    source: 'push:atomic',
    collector: 'atomic',
    collectorVersion: 'test',
    collectedAt: '2026-12-01T00:00:00.000Z',
    effectiveAt: '2026-12-01T00:00:00.000Z',
    content: canonicalBytes({
      kind: 'k8s.namespace',
      name: `${tag}-${i}`,
      note: `${tag}${'x'.repeat(100_000)}`,
    }),
  }))
}

/** A fresh, migrated ledger file with one complete push in it already. */
async function ledgerFile(name: string): Promise<string> {
  const file = path.join(dir, `${name}.db`)
  const store = new SqliteStore(file)
  const team = new SqliteTeamStore(file)
  await storePush(
    target(store, team),
    'atomic',
    recordsHere(entries(`${name}-first`)),
    sha256(`${name}-first`),
  )
  await team.close()
  await store.close()
  return file
}

function target(ledger: PushTarget['ledger'], team: PushTarget['team']): PushTarget {
  return {
    ledger,
    team,
    signer,
    now: () => new Date('2026-12-01T00:00:00.000Z'),
    toolVersion: 'test',
    lock: keyedLock(),
  }
}

/** What the file holds, counted straight from its tables. */
function counts(file: string): { runs: number; records: number; blobs: number } {
  const db = new Database(file, { readonly: true })
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
    return { runs: count('ledger_run'), records: count('ledger_record'), blobs: count('ledger_blob') }
  } finally {
    db.close()
  }
}

/** Pushes through a store that fails on the second slice of records; returns the error it raised. */
async function failingPush(file: string, wholeRun: boolean): Promise<unknown> {
  // Insert 1: the run-start record; 2: the first 1 MB slice; 3: the second slice.
  const ledger = new SqlLedgerStore(new FailingDriver(file, 3))
  if (!wholeRun) Object.assign(ledger, { recordRun: undefined })
  const team = new SqliteTeamStore(file)
  try {
    await storePush(target(ledger, team), 'atomic', recordsHere(entries('second')), sha256('second'))
    return undefined
  } catch (error) {
    return error
  } finally {
    await team.close()
    await ledger.close()
  }
}

describe('a push that fails while it is written', () => {
  it('leaves no run, record or blob of it, no receipt, and a ledger that verifies', async () => {
    const file = await ledgerFile('whole')
    const before = counts(file)
    const error = await failingPush(file, true)
    expect(String(error)).toContain('disk I/O error (injected)')
    expect(counts(file)).toEqual(before)
    const store = new SqliteStore(file)
    const team = new SqliteTeamStore(file)
    expect(await team.pushReceipt(sha256('second'))).toBeUndefined()
    const report = await verifyStore(store)
    expect(report.ok).toBe(true)
    expect(report.incompleteRuns).toEqual([])
    // The same push, retried on a healthy store, is stored whole.
    const outcome = await storePush(
      target(store, team),
      'atomic',
      recordsHere(entries('second')),
      sha256('second'),
    )
    expect(outcome.stored).toBe(30)
    expect((await verifyStore(store)).ok).toBe(true)
    await team.close()
    await store.close()
  })

  it('would leave part of it behind if written begin, slices, finish (what the test guards against)', async () => {
    const file = await ledgerFile('sliced')
    const before = counts(file)
    const error = await failingPush(file, false)
    expect(String(error)).toContain('disk I/O error (injected)')
    const after = counts(file)
    // An interrupted run holding the first slice: what one transaction per push avoids.
    expect(after.runs).toBe(before.runs + 1)
    expect(after.records).toBeGreaterThan(before.records)
  })
})
