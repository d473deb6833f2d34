import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { AssessmentModel } from '../../core/assessment.js'
import { canonicalJson, contentHash } from '../../core/canonical-json.js'
import { StoreError } from '../../core/errors.js'
import type { EvidenceItem } from '../../core/evidence.js'
import type { AssessmentStore, StoredRun } from '../../core/store.js'

/** Versioned migrations, applied in order; a store records the highest it has run. */
const migrations: readonly string[] = [
  `CREATE TABLE run (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     generated_at TEXT NOT NULL,
     as_of TEXT NOT NULL,
     model_hash TEXT NOT NULL,
     model_json TEXT NOT NULL
   );
   CREATE TABLE evidence (
     hash TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     json TEXT NOT NULL
   );
   CREATE TABLE run_evidence (
     run_id INTEGER NOT NULL REFERENCES run(id),
     hash TEXT NOT NULL REFERENCES evidence(hash),
     PRIMARY KEY (run_id, hash)
   );`,
]

/** The embedded default store: one SQLite file, no server. */
export class SqliteStore implements AssessmentStore {
  private readonly db: Database.Database

  constructor(file: string) {
    try {
      mkdirSync(path.dirname(file), { recursive: true })
      this.db = new Database(file)
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('foreign_keys = ON')
      this.migrate()
    } catch (error) {
      throw new StoreError(
        `cannot open the store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      )
    }
  }

  private migrate(): void {
    const current = Number(this.db.pragma('user_version', { simple: true }))
    migrations.slice(current).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql)
        this.db.pragma(`user_version = ${current + i + 1}`)
      })()
    })
  }

  saveRun(model: AssessmentModel, evidence: readonly EvidenceItem[]): number {
    const modelJson = canonicalJson(model)
    const insertRun = this.db.prepare(
      'INSERT INTO run (generated_at, as_of, model_hash, model_json) VALUES (?, ?, ?, ?)',
    )
    const insertEvidence = this.db.prepare(
      'INSERT OR IGNORE INTO evidence (hash, kind, json) VALUES (?, ?, ?)',
    )
    const link = this.db.prepare('INSERT OR IGNORE INTO run_evidence (run_id, hash) VALUES (?, ?)')
    return this.db.transaction(() => {
      const runId = Number(
        insertRun.run(model.generatedAt, model.asOf, contentHash(model), modelJson).lastInsertRowid,
      )
      for (const item of evidence) {
        const hash = contentHash(item)
        insertEvidence.run(hash, item.kind, canonicalJson(item))
        link.run(runId, hash)
      }
      return runId
    })()
  }

  latestRun(): StoredRun | undefined {
    const row = this.db
      .prepare(
        `SELECT r.id, r.generated_at, r.as_of, r.model_hash, r.model_json,
                (SELECT COUNT(*) FROM run_evidence e WHERE e.run_id = r.id) AS evidence_count
         FROM run r ORDER BY r.id DESC LIMIT 1`,
      )
      .get() as
      | {
          id: number
          generated_at: string
          as_of: string
          model_hash: string
          model_json: string
          evidence_count: number
        }
      | undefined
    if (row === undefined) return undefined
    // Rows are written only by saveRun from a validated model, so the stored JSON has its shape.
    const model = JSON.parse(row.model_json) as AssessmentModel
    if (contentHash(model) !== row.model_hash) {
      throw new StoreError(`run ${row.id}: stored result does not match its hash; the store was altered`)
    }
    return {
      id: row.id,
      generatedAt: row.generated_at,
      asOf: row.as_of,
      modelHash: row.model_hash,
      evidenceCount: row.evidence_count,
      model,
    }
  }

  runEvidence(runId: number): { hash: string; item: EvidenceItem }[] {
    const rows = this.db
      .prepare(
        'SELECT e.hash, e.json FROM run_evidence r JOIN evidence e ON e.hash = r.hash WHERE r.run_id = ? ORDER BY e.hash',
      )
      .all(runId) as { hash: string; json: string }[]
    return rows.map((row) => ({ hash: row.hash, item: JSON.parse(row.json) as EvidenceItem }))
  }

  close(): void {
    this.db.close()
  }
}
