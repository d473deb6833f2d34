import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ed25519Signer } from '../../core/ledger-manifest.js'
import { SqliteDriver, sqliteCacheKiB } from './sqlite-driver.js'
import { SqliteStore } from './sqlite-store.js'
import { SqliteTeamStore } from './team-store.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-sqlite-driver-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

describe('SQLite driver', () => {
  it('lets the team store write while the ledger, on its own connection to the same file, is in a transaction', async () => {
    const file = path.join(dir, 'shared', 'trustctl.db')
    const ledger = new SqliteStore(file)
    const team = new SqliteTeamStore(file)
    try {
      const runId = await ledger.beginRun({ startedAt: '2026-12-01T00:00:00Z', toolVersion: 't', signer })
      const entries = Array.from({ length: 50 }, (_, i) => ({
        kind: 'evidence' as const,
        id: `item-${i}`,
        source: 's',
        collector: 'c',
        collectorVersion: '1',
        collectedAt: '2026-12-01T00:00:00Z',
        effectiveAt: '2026-12-01T00:00:00Z',
        content: Buffer.from(`item-${i}`),
      }))
      const started = Date.now()
      // The append's transaction body awaits between statements; the user insert is issued meanwhile.
      const [records, user] = await Promise.all([
        ledger.append(runId, entries),
        team.createUser({
          email: 'a@example.com',
          name: 'A',
          role: 'admin',
          passwordHash: 'x',
          createdAt: '2026-12-01T00:00:00Z',
        }),
      ])
      expect(records).toHaveLength(50)
      expect(user.email).toBe('a@example.com')
      // Waiting for SQLite's busy timeout (10 s) would mean the thread blocked on its own lock.
      expect(Date.now() - started).toBeLessThan(5000)
    } finally {
      await team.close()
      await ledger.close()
    }
  }, 30_000)

  it('keeps the file out of resident memory: no memory map, and a page cache of at most 16 MiB', async () => {
    // Both count in a run's peak RSS (a 100k-object assess: ~100 MiB of mapped pages, ~60 MiB of cache).
    const driver = new SqliteDriver(path.join(dir, 'tuned', 'trustctl.db'))
    try {
      expect(await driver.query('PRAGMA mmap_size')).toEqual([{ mmap_size: 0 }])
      expect(sqliteCacheKiB).toBeLessThanOrEqual(16 * 1024)
      expect(await driver.query('PRAGMA cache_size')).toEqual([{ cache_size: -sqliteCacheKiB }])
    } finally {
      await driver.close()
    }
  })

  it('applies every pending migration in one transaction: a failing step leaves none of the others', async () => {
    const file = path.join(dir, 'migrate', 'trustctl.db')
    const steps = ['CREATE TABLE one (a INTEGER)', 'CREATE TABLE two (b INTEGER)']
    const driver = new SqliteDriver(file)
    try {
      expect(() =>
        driver.migrate(
          { what: 'test', steps: [...steps, 'CREATE TABLE broken ('] },
          { pragma: 'user_version' },
        ),
      ).toThrow()
      expect(await driver.query("SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([])
      expect(await driver.query('PRAGMA user_version')).toEqual([{ user_version: 0 }])
      driver.migrate({ what: 'test', steps }, { pragma: 'user_version' })
      expect(await driver.query('PRAGMA user_version')).toEqual([{ user_version: 2 }])
      // A later step alone, on a store that has the first two.
      driver.migrate(
        { what: 'test', steps: [...steps, 'CREATE TABLE three (c INTEGER)'] },
        { pragma: 'user_version' },
      )
      expect(await driver.query('PRAGMA user_version')).toEqual([{ user_version: 3 }])
      const tables = await driver.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      )
      expect(tables.map((t) => t.name)).toEqual(['one', 'three', 'two'])
    } finally {
      await driver.close()
    }
  })
})
