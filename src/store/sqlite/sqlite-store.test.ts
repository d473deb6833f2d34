import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../../core/assessment.js'
import type { ContainerDockerfile } from '../../core/evidence.js'
import { SqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const model = (generatedAt: string): AssessmentModel =>
  ({
    generatedAt,
    asOf: '2026-11-30',
    configHash: 'abc',
    findings: [],
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

describe('SqliteStore on a real file', () => {
  it('returns nothing before the first run, then the latest run with its evidence', () => {
    const file = path.join(dir, 'a', 'trustctl.db')
    const store = new SqliteStore(file)
    expect(store.latestRun()).toBeUndefined()
    store.saveRun(model('2026-11-01T00:00:00Z'), [evidence('a')])
    const second = store.saveRun(model('2026-11-02T00:00:00Z'), [evidence('a'), evidence('b')])
    store.close()

    const reopened = new SqliteStore(file)
    const latest = reopened.latestRun()
    expect(latest).toMatchObject({ id: second, generatedAt: '2026-11-02T00:00:00Z', evidenceCount: 2 })
    expect(
      reopened
        .runEvidence(second)
        .map((e) => e.item.name)
        .sort(),
    ).toEqual(['a', 'b'])
    reopened.close()

    // Identical evidence is stored once, whatever the number of runs that read it.
    const db = new Database(file, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM evidence').get()).toEqual({ n: 2 })
    db.close()
  })

  it('refuses a stored result that was edited after it was written', () => {
    const file = path.join(dir, 'b', 'trustctl.db')
    const store = new SqliteStore(file)
    store.saveRun(model('2026-11-01T00:00:00Z'), [])
    store.close()
    const db = new Database(file)
    db.prepare("UPDATE run SET model_json = replace(model_json, '2026-11-30', '2026-12-31')").run()
    db.close()
    const tampered = new SqliteStore(file)
    expect(() => tampered.latestRun()).toThrow(/does not match its hash/)
    tampered.close()
  })

  it('names the file when the store cannot be opened', () => {
    const blocker = path.join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(() => new SqliteStore(path.join(blocker, 'nope.db'))).toThrow(
      /cannot open the store at .*a-file\/nope\.db/,
    )
  })
})
