import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustctl } from './cli-harness.js'
import { smallEstate } from './small-estate.js'

let estate: Awaited<ReturnType<typeof smallEstate>>
beforeAll(async () => {
  estate = await smallEstate('read-only')
})
afterAll(() => estate.cleanup())

/** Every file and folder under a directory, relative and sorted: what a command may not add to. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .sort()
}

/** The signing key the estate's runs use (smallEstate points TRUSTCTL_SIGNING_KEY at a temporary folder). */
const keyFile = (): string => process.env.TRUSTCTL_SIGNING_KEY ?? ''

/** The read-only commands a new user runs, a mistyped id included; each must write nothing. */
async function readOnlyCommands(): Promise<void> {
  expect((await trustctl(estate.dir, 'gaps')).code).not.toBe(2)
  expect((await trustctl(estate.dir, 'explain', 'CC6.1')).stdout).toContain('CC6.1')
  expect((await trustctl(estate.dir, 'explain', 'CC42.1')).code).toBe(2)
  expect((await trustctl(estate.dir, 'plan')).code).not.toBe(2)
  // The report itself goes outside the estate: it is the one file `report` is asked to write.
  const out = mkdtempSync(path.join(os.tmpdir(), 'trustctl-read-only-report-'))
  try {
    expect((await trustctl(estate.dir, 'report', '--format', 'json', '--out', out)).stdout).toContain(
      'readiness.json',
    )
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

const dbFile = (): string => path.join(estate.dir, '.trustctl', 'trustctl.db')

/** Records and runs in the ledger, read straight from the SQLite file. */
function ledgerCounts(): { records: number; runs: number; cache: number } {
  const db = new Database(dbFile(), { readonly: true })
  try {
    const count = (table: string): number =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    return { records: count('ledger_record'), runs: count('ledger_run'), cache: count('ledger_cache') }
  } finally {
    db.close()
  }
}

describe('read-only commands store nothing', () => {
  it('creates no file and no signing key before the first run (gaps, explain, plan, report)', async () => {
    const before = filesUnder(estate.dir)
    // init made the key; moved away, nothing may make a new one.
    renameSync(keyFile(), `${keyFile()}.away`)
    try {
      await readOnlyCommands()
      expect(existsSync(keyFile())).toBe(false)
    } finally {
      renameSync(`${keyFile()}.away`, keyFile())
    }
    expect(filesUnder(estate.dir)).toEqual(before)
    expect(filesUnder(path.join(estate.dir, '.trustctl'))).toEqual([])
  })

  it('answers gaps, explain and report without a store, and creates none', async () => {
    const gaps = await trustctl(estate.dir, 'gaps', '--format', 'json')
    expect(JSON.parse(gaps.stdout).length).toBeGreaterThan(0)
    expect((await trustctl(estate.dir, 'explain', 'CC6.1')).stdout).toContain('CC6.1')
    expect(existsSync(dbFile())).toBe(false)
  })

  it('leaves the ledger as assess left it after gaps, explain, report and a mistyped explain', async () => {
    expect([0, 1, 3]).toContain((await trustctl(estate.dir, 'assess')).code)
    const before = ledgerCounts()
    expect(before.runs).toBe(1)
    expect((await trustctl(estate.dir, 'gaps')).stdout).toContain('non-root')
    await trustctl(estate.dir, 'explain', 'kubernetes/workload-runs-as-non-root')
    expect((await trustctl(estate.dir, 'explain', 'CC42.1')).code).toBe(2)
    const report = await trustctl(estate.dir, 'report', '--format', 'json', '--out', 'reports')
    expect(report.stdout).toContain('readiness.json')
    expect(report.stdout).toContain('Not recorded in the ledger')
    expect(ledgerCounts()).toEqual(before)
  })

  it('adds no file to .trustctl and creates no signing key once a store exists, even with the key moved away', async () => {
    const trustDir = path.join(estate.dir, '.trustctl')
    const before = filesUnder(trustDir)
    expect(before).toContain('trustctl.db')
    // SQLite may fold its own journal (-wal, -shm) back into the database on close: a file can go, none may come.
    const added = (): string[] => filesUnder(trustDir).filter((f) => !before.includes(f))
    await readOnlyCommands()
    expect(added()).toEqual([])
    // Without the key the cache cannot be trusted, so everything is parsed afresh: still nothing written.
    renameSync(keyFile(), `${keyFile()}.away`)
    try {
      await readOnlyCommands()
      expect(existsSync(keyFile())).toBe(false)
      expect(added()).toEqual([])
    } finally {
      renameSync(`${keyFile()}.away`, keyFile())
    }
  })

  it('still answers from the files as they are now', async () => {
    const { writeFileSync } = await import('node:fs')
    const { deployment } = await import('./small-estate.js')
    writeFileSync(path.join(estate.dir, 'deploy', 'late.yaml'), deployment('late', false))
    const gaps = JSON.parse((await trustctl(estate.dir, 'gaps', '--format', 'json')).stdout) as {
      subjects?: { name: string }[]
    }[]
    expect(gaps.flatMap((g) => g.subjects ?? []).map((s) => s.name)).toContain('late')
  })

  it('stores a run when asked to with --record', async () => {
    const before = ledgerCounts()
    await trustctl(estate.dir, 'gaps', '--record')
    const after = ledgerCounts()
    expect(after.runs).toBe(before.runs + 1)
    expect(after.records).toBeGreaterThan(before.records)
    const report = await trustctl(estate.dir, 'report', '--format', 'md', '--out', 'reports', '--record')
    expect(report.stdout).not.toContain('Not recorded in the ledger')
    expect(ledgerCounts().runs).toBe(after.runs + 1)
    const markdown = readFileSync(path.join(estate.dir, 'reports', 'readiness.md'), 'utf8')
    expect(markdown).toMatch(/Ledger: run \d+, signed with Ed25519 key/)
  })
})
