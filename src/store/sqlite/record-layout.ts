import type { LedgerRecord } from '../../core/ledger.js'
import { type RecordLayout, recordColumns } from '../ledger-store.js'
import type { SqlRunner, SqlValue } from '../sql/driver.js'

/**
 * Blobs up to this many bytes are kept in their record's row (one row written per record); larger
 * ones in ledger_blob, once per content hash. Measured with bench/ledger-layout.bench.ts (20k records,
 * CPU, load 10): inline saves a fifth of the write up to 2 KiB, a tenth at 4 KiB and nothing at 8 KiB,
 * while reading a run's records without their blobs costs 1.8x at 4 KiB and 2.7x at 8 KiB (fewer rows
 * to a page). An evidence set of 100 items (6.7 KB) is above it, so it is stored once however many
 * runs list it. Migration 6 (schema.ts) moved the blobs of existing stores by the same bound.
 */
export const inlineBlobMax = 4096

/** The address of a ledger_record row's blob, in SQL over its columns (for tests and tools reading the file). */
export const recordBlobRefSql = "COALESCE(blob_ref, 'sha256:' || content_hash)"

/**
 * Statements that set the stored bytes at an address wherever they are (ledger_blob, and every row
 * holding a copy inline): what an attacker editing a blob does, for the tamper tests. Parameters of
 * each: the bytes, then the address.
 */
export const setBlobSql = [
  'UPDATE ledger_blob SET bytes = ? WHERE ref = ?',
  `UPDATE ledger_record SET bytes = ? WHERE bytes IS NOT NULL AND ${recordBlobRefSql} = ?`,
] as const

/** Hex digits of a content hash the content table keys a record by (migration 8): 64 bits. */
export const contentKeyDigits = 16

/** The content table's key of a content hash, in SQL over `hash` (a column or a parameter). */
const contentKeySql = (hash: string): string => `substr(${hash}, 1, ${contentKeyDigits})`

/**
 * Statements that give the record at a seq another content hash wherever the store keeps it (its row,
 * and the content table lookups by address go through): what rewriting a record in place does, for the
 * tests that make a ledger as another version or key could have written it. Parameters of each: the
 * hash, then the seq.
 */
export const setContentHashSql = [
  'UPDATE ledger_record SET content_hash = ? WHERE seq = ?',
  `UPDATE ledger_content SET hash_prefix = ${contentKeySql('?')} WHERE seq = ?`,
] as const

/** The columns of a row of ledger_record from migration 6, in the order rowOf gives them. */
const rowColumns = [...recordColumns, 'bytes'] as const

/** The record columns a read selects (in the order of recordColumns, read by recordFromArray); the blob is selected apart, as the statement needs. */
const recordSelect = rowColumns
  .slice(0, -1)
  .map((c) => `r.${c}`)
  .join(', ')

/**
 * The address of a row's blob when it is not inline: blob_ref when the row has one, else the default
 * `sha256:<content hash>`. NULL for an inline row, so the joins that use it look nothing up.
 */
const outOfRowRef = "CASE WHEN r.bytes IS NULL THEN COALESCE(r.blob_ref, 'sha256:' || r.content_hash) END"

/**
 * One row per record. The default address `sha256:<content hash>` is not stored (blob_ref NULL), and
 * then `bytes` may hold a small blob; a large blob, a blob in object storage, or the blob of a record
 * with another address is kept by address in ledger_blob or ledger_object. Hashes stay hex text:
 * measured, 32-byte binary hashes cost SQLite no less CPU, and converting them costs Node more.
 */
function rowOf(record: LedgerRecord, inline: Uint8Array | null): SqlValue[] {
  // Compared in place: no address string built per record (a million records a run).
  const ref = record.blobRef
  const byDefault =
    ref.length === 7 + record.contentHash.length &&
    ref.startsWith('sha256:') &&
    ref.endsWith(record.contentHash)
  return [
    record.seq,
    record.id,
    record.runId,
    record.kind,
    record.source,
    record.collector,
    record.collectorVersion,
    record.collectedAt,
    record.effectiveAt,
    record.contentHash,
    byDefault ? null : record.blobRef,
    record.prevHash,
    record.hash,
    byDefault ? inline : null,
  ]
}

/*
 * Where an ingest's write time goes (the ledger's row, 200k records, one transaction, CPU time,
 * better-sqlite3 alone): with an index on ledger_record (content_hash), about a third was that index,
 * its keys landing all over its B-tree in the order records are written; and once it outgrew the page
 * cache, most of each later ingest (a 200k-record ingest into a store of 200k took 2.6x the CPU, most of
 * it reading pages). An expression index on the first 8 or 16 hex digits saved only a tenth; 16 KiB
 * or 4 KiB pages nothing. Hence ledger_content (migration 7): the (content hash, seq) pairs of a
 * write's records go in with one statement that SQLite sorts, so its B-tree takes them in key order;
 * from migration 8 keyed by a prefix of the hash, so that B-tree has a third of the pages.
 */

/**
 * Adds the records of one write, seq `first` to `last`, to the content table, in key order: read back
 * from the rows just written (still in the page cache) and sorted by SQLite, not in JavaScript.
 */
async function writeContentKeys(tx: SqlRunner, first: number, last: number): Promise<void> {
  await tx.exec(
    `INSERT INTO ledger_content (hash_prefix, seq)
     SELECT ${contentKeySql('content_hash')}, seq FROM ledger_record WHERE seq BETWEEN ? AND ? ORDER BY 1`,
    [first, last],
  )
}

/** Whether a blob goes in its record's row (see rowOf for which records may keep one). */
const fitsInRow = (bytes: Uint8Array): boolean => bytes.byteLength > 0 && bytes.byteLength <= inlineBlobMax

/**
 * Rows built and inserted per this many records: a write of 50k records built all its rows first, and
 * they outlived several young-generation collections, each copying them (the rows of a chunk die young).
 */
const rowsPerInsert = 1024

/**
 * Writes the rows of consecutive records (as chainRecords makes them) a chunk at a time, then their
 * content keys. `rowAt` gives record i's row, and may set aside its blob (written before its chunk).
 */
async function writeRows(
  tx: SqlRunner,
  records: readonly LedgerRecord[],
  rowAt: (i: number, apart: Map<string, Uint8Array>) => SqlValue[],
): Promise<void> {
  const first = records[0]
  const last = records[records.length - 1]
  if (first === undefined || last === undefined) return
  for (let start = 0; start < records.length; start += rowsPerInsert) {
    const end = Math.min(records.length, start + rowsPerInsert)
    const rows: SqlValue[][] = new Array(end - start)
    const apart = new Map<string, Uint8Array>()
    for (let i = start; i < end; i++) rows[i - start] = rowAt(i, apart)
    if (apart.size > 0) await tx.insertRows('ledger_blob', ['ref', 'bytes'], [...apart], { skip: true })
    await tx.insertRows('ledger_record', rowColumns, rows)
  }
  await writeContentKeys(tx, first.seq, last.seq)
}

/** SQLite's ledger from migration 6: one row per record, small blobs inline, the default address implied. */
export const oneRowRecordLayout: RecordLayout = {
  async writeRecords(tx, records, blobs) {
    await writeRows(tx, records, (i, apart) => {
      const record = records[i] as LedgerRecord
      const bytes = blobs[i]?.bytes ?? new Uint8Array()
      const row = rowOf(record, fitsInRow(bytes) ? bytes : null)
      // Not inline (too large, or a record that keeps its address): stored once by address.
      if (row[13] === null) apart.set(record.blobRef, bytes)
      return row
    })
  },
  async writeRecordsOnly(tx, records) {
    await writeRows(tx, records, (i) => rowOf(records[i] as LedgerRecord, null))
  },
  scanSql(where, withBlobs, inlineBytes, limit) {
    if (!withBlobs)
      return `SELECT ${recordSelect}, NULL AS size, NULL AS bytes, 0 AS in_object FROM ledger_record r
       WHERE ${where} ORDER BY r.seq LIMIT ${limit}`
    return `SELECT ${recordSelect}, COALESCE(length(r.bytes), length(b.bytes), o.size) AS size,
              CASE WHEN r.bytes IS NOT NULL THEN r.bytes WHEN length(b.bytes) <= ${inlineBytes} THEN b.bytes END AS bytes,
              CASE WHEN r.bytes IS NULL AND b.ref IS NULL AND o.ref IS NOT NULL THEN 1 ELSE 0 END AS in_object
       FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = ${outOfRowRef}
            LEFT JOIN ledger_object o ON o.ref = ${outOfRowRef}
       WHERE ${where} ORDER BY r.seq LIMIT ${limit}`
  },
  async blobRows(db, ref) {
    const hash = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : undefined
    // By address (large blobs, object storage), then inline in a record's row, found through the
    // content table (ledger_content) whatever the record's kind; the row's own full hash must match.
    return db.query<{ bytes: Uint8Array | null }>(
      `SELECT bytes FROM ledger_blob WHERE ref = ?
       UNION ALL SELECT bytes FROM (SELECT r.bytes FROM ledger_content k JOIN ledger_record r ON r.seq = k.seq
         WHERE k.hash_prefix = ${contentKeySql('?')} AND r.content_hash = ? AND r.blob_ref IS NULL AND r.bytes IS NOT NULL
         LIMIT 1)
       UNION ALL SELECT NULL AS bytes FROM ledger_object WHERE ref = ?`,
      [ref, hash ?? null, hash ?? null, ref],
    )
  },
  cacheSql(lookups) {
    // The vouching evidence set is found by its content hash through the content table (its row's own
    // full hash compared); its address is the cache's when it keeps the default one.
    return {
      sql: `SELECT v.key, v.blob_ref, v.vouch_seq, r.run_id,
                  CASE WHEN v.vouch_seq IS NOT NULL THEN COALESCE(r.bytes, b.bytes) END AS bytes,
                  CASE WHEN v.vouch_seq IS NOT NULL AND r.bytes IS NULL AND b.ref IS NULL AND o.ref IS NOT NULL
                       THEN 1 ELSE 0 END AS in_object
           FROM (SELECT c.key, c.blob_ref,
                        (SELECT r.seq FROM ledger_content k JOIN ledger_record r ON r.seq = k.seq
                         WHERE k.hash_prefix = ${contentKeySql('substr(c.blob_ref, 8)')}
                           AND r.content_hash = substr(c.blob_ref, 8)
                           AND r.kind = 'evidence-set' AND r.id = q.column2
                           AND (r.blob_ref = c.blob_ref OR (r.blob_ref IS NULL AND substr(c.blob_ref, 1, 7) = 'sha256:'))
                           AND EXISTS (SELECT 1 FROM ledger_record m
                                       WHERE m.run_id = r.run_id AND m.kind = 'manifest' AND m.seq > r.seq)
                         ORDER BY k.seq DESC LIMIT 1) AS vouch_seq
                 FROM (VALUES ${lookups.map(() => '(?, ?)').join(', ')}) AS q
                 JOIN ledger_cache c ON c.key = q.column1) v
           LEFT JOIN ledger_record r ON r.seq = v.vouch_seq
           LEFT JOIN ledger_blob b ON r.bytes IS NULL AND b.ref = v.blob_ref
           LEFT JOIN ledger_object o ON r.bytes IS NULL AND o.ref = v.blob_ref`,
      params: lookups.flatMap((l) => [l.key, l.id]),
    }
  },
}
