import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PostgresDriver } from '../src/store/postgres/postgres-driver.js'
import type { SqlDriver } from '../src/store/sql/driver.js'
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js'

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-query-arrays-'))
const schema = `query_arrays_${process.pid}`
const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const close of closers) await close()
  rmSync(dir, { recursive: true, force: true })
})

const backends: { name: string; open: () => Promise<SqlDriver> }[] = [
  {
    name: 'SQLite',
    open: async () => {
      const driver = new SqliteDriver(path.join(dir, 'arrays.db'))
      closers.push(() => driver.close())
      return driver
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const driver = await PostgresDriver.open({
        url: pgUrl,
        schema,
        maxConnections: 2,
        migrations: { what: 'schema', steps: [] },
        versionTable: 'query_arrays_migration',
        migrationLock: 'trustctl-query-arrays',
      })
      closers.push(async () => {
        await driver.dropSchema()
        await driver.close()
      })
      return driver
    },
  },
]

describe.each(backends)('queryArrays: $name', ({ open }) => {
  it('gives the rows query gives, as arrays of values in the order selected', async () => {
    const db = await open()
    await db.script('CREATE TABLE t (seq BIGINT PRIMARY KEY, name TEXT NOT NULL, ref TEXT)')
    await db.insertRows(
      't',
      ['seq', 'name', 'ref'],
      [
        [2, 'b', null],
        [1, 'a', 'sha256:x'],
      ],
    )
    const sql = 'SELECT ref, seq, name FROM t WHERE seq > ? ORDER BY seq'
    const arrays = await db.queryArrays(sql, [0])
    const objects = await db.query<{ ref: string | null; seq: number | string; name: string }>(sql, [0])
    expect(arrays.map((row) => [row[0], Number(row[1]), row[2]])).toEqual([
      ['sha256:x', 1, 'a'],
      [null, 2, 'b'],
    ])
    expect(arrays.map((row) => [row[0], row[1], row[2]])).toEqual(objects.map((o) => [o.ref, o.seq, o.name]))
    // The same statement asked again with query still gives named rows (SQLite: raw mode is per call).
    expect(await db.query(sql, [1])).toEqual([{ ref: null, seq: objects[1]?.seq, name: 'b' }])
    expect(await db.queryArrays('SELECT name FROM t WHERE seq > ?', [5])).toEqual([])
  })
})
