// `node --expose-gc dist/bench/ledger-layout.bench.js` (not part of `npm run bench`): what SQLite alone
// can insert per second in the ledger's row layout, next to a layout with one row per record, so the
// ingest goal (issue 18: ≥ 200k records/s) can be judged against the floor of the layout itself. No
// hashing, no chaining, no trustctl code: better-sqlite3 with the store's pragmas, rows made up front.
//
// Reported as records per second of CPU time (user + system of this process) beside the wall figure:
// on the shared 2-core machine wall time mostly measures the other processes.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'

const records = Number(process.env.BENCH_LAYOUT_RECORDS ?? 200_000)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const perTransaction = 50_000
const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-ledger-layout-'))

interface Row {
  content: Buffer
  contentHash: Buffer
  hash: Buffer
  prevHash: Buffer
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
// A small evidence blob (a Kubernetes workload's fields) and the three hashes a record carries.
const rows: Row[] = Array.from({ length: records }, (_, i) => ({
  content: Buffer.from(`{"kind":"k8s.workload","name":"app-${i}","namespace":"prod","replicas":${i % 5}}`),
  contentHash: digest(`content-${i}`),
  hash: digest(`record-${i}`),
  prevHash: digest(`record-${i - 1}`),
}))
const at = '2026-11-28T00:00:00.000Z'

/** The columns both layouts write alike for record i: seq, id, run, kind, source, collector and dates. */
const recordColumns = (i: number): (string | number)[] => [
  i + 1,
  `k8s.workload:prod/app-${i}`,
  1,
  'evidence',
  `deploy/app-${i >> 7}.yaml`,
  'kubernetes',
  'bench',
  at,
  at,
]

/** A layout: its tables, and how one record is written into them. */
interface Layout {
  name: string
  ddl: string
  writer: (db: Database.Database) => (i: number, row: Row) => void
}

const layouts: Layout[] = [
  {
    // The ledger as stored today (src/store/sqlite/schema.ts, ledger steps 2-4): a record row with hex
    // hashes and a blob row whose ref is a UNIQUE text column (the dedup index).
    name: 'record row + blob row (today)',
    ddl: `CREATE TABLE ledger_blob (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, bytes BLOB NOT NULL);
      CREATE TABLE ledger_record (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, run_id INTEGER NOT NULL,
        kind TEXT NOT NULL, source TEXT NOT NULL, collector TEXT NOT NULL, collector_version TEXT NOT NULL,
        collected_at TEXT NOT NULL, effective_at TEXT NOT NULL, content_hash TEXT NOT NULL,
        blob_ref TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);
      CREATE INDEX ledger_record_evidence_set ON ledger_record (blob_ref) WHERE kind = 'evidence-set';`,
    writer: (db) => {
      const blob = db.prepare('INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?) ON CONFLICT DO NOTHING')
      const record = db.prepare('INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      return (i, row) => {
        const contentHash = row.contentHash.toString('hex')
        blob.run(`sha256:${contentHash}`, row.content)
        record.run(
          ...recordColumns(i),
          contentHash,
          `sha256:${contentHash}`,
          row.prevHash.toString('hex'),
          row.hash.toString('hex'),
        )
      }
    },
  },
  {
    // One row per record: binary hashes, a small blob inline, no separate dedup index (an unchanged
    // input is deduplicated a level up, by its evidence set); large blobs would live beside the file.
    name: 'one row per record, small blobs inline',
    ddl: `CREATE TABLE ledger_record (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, run_id INTEGER NOT NULL,
        kind TEXT NOT NULL, source TEXT NOT NULL, collector TEXT NOT NULL, collector_version TEXT NOT NULL,
        collected_at TEXT NOT NULL, effective_at TEXT NOT NULL, content_hash BLOB NOT NULL, bytes BLOB,
        prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
      CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);`,
    writer: (db) => {
      const record = db.prepare('INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      return (i, row) => {
        record.run(...recordColumns(i), row.contentHash, row.content, row.prevHash, row.hash)
      }
    },
  },
]

/** One ingest into a fresh file with the store's pragmas: CPU seconds, wall seconds, file size. */
function ingest(layout: Layout, file: string): { cpu: number; wall: number; bytes: number } {
  const db = new Database(file)
  db.pragma('page_size = 65536')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('cache_size = -65536')
  db.exec(layout.ddl)
  const write = layout.writer(db)
  globalThis.gc?.()
  const cpuStart = process.cpuUsage()
  const wallStart = process.hrtime.bigint()
  for (let start = 0; start < records; start += perTransaction)
    db.transaction(() => {
      for (let i = start; i < Math.min(records, start + perTransaction); i++) write(i, rows[i] as Row)
    })()
  const used = process.cpuUsage(cpuStart)
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9
  db.close()
  return { cpu: (used.user + used.system) / 1e6, wall, bytes: statSync(file).size }
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

try {
  console.log(
    `ledger layout floor: ${records.toLocaleString('en')} records, ${runs} alternating runs, node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
  )
  const results = layouts.map(() => ({ cpu: [] as number[], wall: [] as number[], bytes: 0 }))
  for (let r = 0; r < runs; r++)
    layouts.forEach((layout, i) => {
      const file = path.join(root, `layout-${i}-${r}.db`)
      const one = ingest(layout, file)
      const result = results[i]
      if (result === undefined) return
      result.cpu.push(one.cpu)
      result.wall.push(one.wall)
      result.bytes = one.bytes
      rmSync(file, { force: true })
    })
  layouts.forEach((layout, i) => {
    const result = results[i]
    if (result === undefined) return
    console.log(
      `  ${layout.name.padEnd(40)} ${Math.round(records / median(result.cpu)).toLocaleString('en')} records/s of CPU, ${Math.round(records / median(result.wall)).toLocaleString('en')} records/s wall, ${(result.bytes / 1e6).toFixed(0)} MB`,
    )
  })
  console.log(`  load at the end ${os.loadavg()[0]?.toFixed(1)}`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
