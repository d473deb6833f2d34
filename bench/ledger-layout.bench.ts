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
  contentHashHex: string
  hashHex: string
  prevHashHex: string
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
// A small evidence blob (a Kubernetes workload's fields) and the three hashes a record carries.
const rows: Row[] = Array.from({ length: records }, (_, i) => ({
  content: Buffer.from(`{"kind":"k8s.workload","name":"app-${i}","namespace":"prod","replicas":${i % 5}}`),
  contentHash: digest(`content-${i}`),
  hash: digest(`record-${i}`),
  prevHash: digest(`record-${i - 1}`),
  contentHashHex: digest(`content-${i}`).toString('hex'),
  hashHex: digest(`record-${i}`).toString('hex'),
  prevHashHex: digest(`record-${i - 1}`).toString('hex'),
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

/** The one-row table (src/store/sqlite/schema.ts, migration 6), with hash columns of the given type. */
const oneRowTable = (hash: 'TEXT' | 'BLOB'): string =>
  `CREATE TABLE ledger_record (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, run_id INTEGER NOT NULL,
     kind TEXT NOT NULL, source TEXT NOT NULL, collector TEXT NOT NULL, collector_version TEXT NOT NULL,
     collected_at TEXT NOT NULL, effective_at TEXT NOT NULL, content_hash ${hash} NOT NULL, blob_ref TEXT,
     prev_hash ${hash} NOT NULL, hash ${hash} NOT NULL, bytes BLOB);
   CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);`

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
    // One row per record as built (migration 6): hex hashes, the default address implied, a small blob
    // inline, a content index over every kind (a re-run's listed evidence is read by address).
    name: 'one row per record (as built)',
    ddl: `${oneRowTable('TEXT')}
      CREATE INDEX ledger_record_content ON ledger_record (content_hash);`,
    writer: (db) => {
      const record = db.prepare(
        'INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      )
      return (i, row) => {
        record.run(...recordColumns(i), row.contentHashHex, row.prevHashHex, row.hashHex, row.content)
      }
    },
  },
  {
    // Measured and not taken: 32-byte hashes (a smaller file, no less CPU, and a conversion in Node).
    name: 'one row, binary hashes',
    ddl: `${oneRowTable('BLOB')}
      CREATE INDEX ledger_record_content ON ledger_record (content_hash);`,
    writer: (db) => {
      const record = db.prepare(
        'INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      )
      return (i, row) => {
        record.run(...recordColumns(i), row.contentHash, row.prevHash, row.hash, row.content)
      }
    },
  },
  {
    // Measured and not taken: a content index that leaves evidence out. Cheaper to write, but then
    // reading a re-run whose evidence is listed by hash scans the table once per item.
    name: 'one row, content index without evidence',
    ddl: `${oneRowTable('TEXT')}
      CREATE INDEX ledger_record_content ON ledger_record (content_hash) WHERE kind <> 'evidence';`,
    writer: (db) => {
      const record = db.prepare(
        'INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      )
      return (i, row) => {
        record.run(...recordColumns(i), row.contentHashHex, row.prevHashHex, row.hashHex, row.content)
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

/**
 * The inline threshold (record-layout.ts inlineBlobMax): records with blobs of `size` bytes, kept in
 * their rows or apart in ledger_blob, timed on the ingest and on reading a run's record hashes (what
 * sealing a run and listing records read, no blobs). CPU seconds of each.
 */
function threshold(size: number, inline: boolean, file: string): { write: number; read: number } {
  const count = thresholdRecords
  const db = new Database(file)
  db.pragma('page_size = 65536')
  db.pragma('journal_mode = WAL')
  db.pragma('cache_size = -65536')
  db.exec(`${oneRowTable('TEXT')}
    CREATE TABLE ledger_blob (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, bytes BLOB NOT NULL);`)
  const record = db.prepare('INSERT INTO ledger_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)')
  const blob = db.prepare('INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?) ON CONFLICT DO NOTHING')
  const content = Buffer.alloc(size, 1)
  globalThis.gc?.()
  let start = process.cpuUsage()
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const row = rows[i] as Row
      content.writeUInt32LE(i, 0)
      if (!inline) blob.run(`sha256:${row.contentHashHex}`, content)
      record.run(
        ...recordColumns(i),
        row.contentHashHex,
        row.prevHashHex,
        row.hashHex,
        inline ? content : null,
      )
    }
  })()
  const written = process.cpuUsage(start)
  start = process.cpuUsage()
  db.prepare("SELECT hash FROM ledger_record WHERE run_id = 1 AND kind <> 'manifest' ORDER BY seq").all()
  const read = process.cpuUsage(start)
  db.close()
  return { write: (written.user + written.system) / 1e6, read: (read.user + read.system) / 1e6 }
}
const thresholdRecords = Math.min(records, 20_000)

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
  console.log(
    `inline threshold: ${thresholdRecords.toLocaleString('en')} records with blobs of each size, in their rows or in ledger_blob; CPU ms to write them, and to read the run's record hashes`,
  )
  for (const size of [512, 2048, 4096, 8192, 16384]) {
    const measured = [true, false].map((inline) => {
      const write: number[] = []
      const read: number[] = []
      for (let r = 0; r < runs; r++) {
        const file = path.join(root, `threshold-${size}-${inline}-${r}.db`)
        const one = threshold(size, inline, file)
        write.push(one.write)
        read.push(one.read)
        rmSync(file, { force: true })
      }
      return `${(median(write) * 1000).toFixed(0)} ms write, ${(median(read) * 1000).toFixed(0)} ms read`
    })
    console.log(`  ${String(size).padStart(6)} B   inline: ${measured[0]}   apart: ${measured[1]}`)
  }
  console.log(`  load at the end ${os.loadavg()[0]?.toFixed(1)}`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
