import type { Migrations } from '../sql/driver.js'
import { tokenCreatorSql, tokenKindsSql } from '../team/tokens.js'

/** Versioned migrations, applied in order; a store records the highest it has run (user_version). */
export const sqliteLedgerMigrations: Migrations = {
  what: 'schema',
  steps: [
    // 1: the first store (runs and evidence, no ledger). Kept so old stores upgrade; never edited.
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
    // 2: the hash-chained evidence ledger with content-addressed blobs.
    `CREATE TABLE ledger_blob (ref TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
   CREATE TABLE ledger_record (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     run_id INTEGER NOT NULL,
     kind TEXT NOT NULL,
     source TEXT NOT NULL,
     collector TEXT NOT NULL,
     collector_version TEXT NOT NULL,
     collected_at TEXT NOT NULL,
     effective_at TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     blob_ref TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);
   CREATE INDEX ledger_record_kind ON ledger_record (kind, id);
   CREATE TABLE ledger_run (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL
   );
   CREATE TABLE ledger_cache (key TEXT PRIMARY KEY, blob_ref TEXT NOT NULL) WITHOUT ROWID;`,
    // 3: blobs in append order (integer key, the hash a UNIQUE column), so an ingest appends to the end
    // of the table instead of splitting pages all over a hash-keyed B-tree; the (kind, id) index, only
    // ever used to find a signing key, becomes a partial index over signing keys.
    `CREATE TABLE ledger_blob_v3 (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, bytes BLOB NOT NULL);
   INSERT INTO ledger_blob_v3 (ref, bytes) SELECT ref, bytes FROM ledger_blob;
   DROP TABLE ledger_blob;
   ALTER TABLE ledger_blob_v3 RENAME TO ledger_blob;
   DROP INDEX ledger_record_kind;
   CREATE INDEX ledger_record_signing_key ON ledger_record (id) WHERE kind = 'signing-key';`,
    // 4: the cache is resolved through the chain (an evidence set with that content, in a sealed run)
    // and runs are listed from their run-start records, not the unprotected run table.
    `CREATE INDEX ledger_record_evidence_set ON ledger_record (blob_ref) WHERE kind = 'evidence-set';
   CREATE INDEX ledger_record_run_start ON ledger_record (run_id) WHERE kind = 'run-start';`,
    // 5: blobs kept in object storage (store.blobs): their reference and size; the bytes are in the bucket.
    `CREATE TABLE ledger_object (ref TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;`,
    // 6: one row per record (sqlite/record-layout.ts): a record and its blob row cost SQLite twice the
    // CPU of one row (bench/ledger-layout.bench.ts). The default address is implied (blob_ref NULL),
    // and a blob of at most 4096 bytes moves into the rows of the records that name it; its blob row is
    // removed only when every record that names it holds a copy, so unreferenced blobs stay. Larger
    // blobs stay in ledger_blob, once per content hash. Every column keeps its value, so the chain and
    // every record read back as before. The content index covers every kind, evidence included: a
    // re-run lists the evidence it shares with earlier runs by hash, and reading such a run looks each
    // item up by address (without the index, 10k listed items took 4.5 s, growing with the ledger).
    `CREATE TABLE ledger_record_v6 (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     run_id INTEGER NOT NULL,
     kind TEXT NOT NULL,
     source TEXT NOT NULL,
     collector TEXT NOT NULL,
     collector_version TEXT NOT NULL,
     collected_at TEXT NOT NULL,
     effective_at TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     blob_ref TEXT,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     bytes BLOB
   );
   INSERT INTO ledger_record_v6
     SELECT seq, id, run_id, kind, source, collector, collector_version, collected_at, effective_at, content_hash,
            CASE WHEN blob_ref = 'sha256:' || content_hash THEN NULL ELSE blob_ref END,
            prev_hash, hash,
            CASE WHEN blob_ref = 'sha256:' || content_hash THEN
              (SELECT b.bytes FROM ledger_blob b WHERE b.ref = r.blob_ref AND length(b.bytes) BETWEEN 1 AND 4096)
            END
     FROM ledger_record r;
   DELETE FROM ledger_blob
   WHERE ref IN (SELECT 'sha256:' || content_hash FROM ledger_record_v6 WHERE bytes IS NOT NULL)
     AND ref NOT IN (SELECT blob_ref FROM ledger_record_v6 WHERE blob_ref IS NOT NULL);
   DROP TABLE ledger_record;
   ALTER TABLE ledger_record_v6 RENAME TO ledger_record;
   CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);
   CREATE INDEX ledger_record_signing_key ON ledger_record (id) WHERE kind = 'signing-key';
   CREATE INDEX ledger_record_run_start ON ledger_record (run_id) WHERE kind = 'run-start';
   CREATE INDEX ledger_record_content ON ledger_record (content_hash);`,
    // 7: the content index becomes a table of (content hash, seq) pairs, written once per write of
    // records in hash order (record-layout.ts): an index on ledger_record took each record's hash as the
    // record was inserted, in random order, so once the index outgrew the page cache nearly every insert
    // read a page from disk (the second 200k-record ingest into one store took 1.6x the CPU of the
    // first, the third 2.1x). Sorted, each page is read once per write; the lookups join back to the
    // record and compare its own content_hash, so a pair that no longer matches its record finds nothing.
    `CREATE TABLE ledger_content (
     content_hash TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (content_hash, seq)
   ) WITHOUT ROWID;
   INSERT INTO ledger_content (content_hash, seq) SELECT content_hash, seq FROM ledger_record ORDER BY content_hash, seq;
   DROP INDEX ledger_record_content;`,
    // 8: the content table keys each record by the first 16 hex digits of its content hash (64 bits),
    // not all 64: a key of about 23 bytes instead of 72, so a third of the pages. Every write of records
    // adds its keys all over this B-tree, and a commit writes each page it touched to the WAL: with full
    // hashes, a 50k-record write into a ledger of 200k rewrote most of the table (15 MB) at its commit.
    // Measured (200k-record ingest, then 200k more into that store, better-sqlite3 alone, CPU time):
    // the key inserts 545 -> 405 ms, the commits 215 -> 170 ms. A lookup compares the record's own full
    // content_hash after the join, as it did, so keys that share a prefix find only their own record.
    // Rebuilt from the records (substr never fails, whatever text a content_hash holds).
    `CREATE TABLE ledger_content_v8 (
     hash_prefix TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (hash_prefix, seq)
   ) WITHOUT ROWID;
   INSERT INTO ledger_content_v8 (hash_prefix, seq)
     SELECT substr(content_hash, 1, 16), seq FROM ledger_record ORDER BY 1, 2;
   DROP TABLE ledger_content;
   ALTER TABLE ledger_content_v8 RENAME TO ledger_content;`,
  ],
}

/**
 * Versioned migrations of the team tables, applied in order and counted in `team_migration` (the
 * ledger in the same file counts its own with PRAGMA user_version). Never edited once released.
 */
export const sqliteTeamMigrations: Migrations = {
  what: 'team schema',
  steps: [
    `CREATE TABLE team_user (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     email TEXT NOT NULL,
     email_lower TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_session (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX team_session_expiry ON team_session (expires_at);
   CREATE TABLE team_token (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked INTEGER NOT NULL DEFAULT 0,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_remediation (
     gap_id TEXT PRIMARY KEY,
     owner TEXT,
     due_date TEXT,
     status TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     updated_by TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE team_comment (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     gap_id TEXT NOT NULL,
     author TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX team_comment_gap ON team_comment (gap_id, id);
   CREATE TABLE team_finding_run (run_id INTEGER PRIMARY KEY, findings INTEGER NOT NULL, indexed_at TEXT NOT NULL);
   CREATE TABLE team_finding (
     run_id INTEGER NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order INTEGER NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT NOT NULL,
     subject_name_lower TEXT NOT NULL,
     namespace TEXT,
     file TEXT NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL,
     PRIMARY KEY (run_id, ordinal)
   ) WITHOUT ROWID;
   CREATE INDEX team_finding_by_severity ON team_finding (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_status ON team_finding (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_check ON team_finding (run_id, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_subject ON team_finding (run_id, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_file ON team_finding (run_id, file, ordinal);
   CREATE TABLE team_finding_control (
     run_id INTEGER NOT NULL, control TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, control, ordinal)
   ) WITHOUT ROWID;
   CREATE TABLE team_finding_criterion (
     run_id INTEGER NOT NULL, criterion TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, criterion, ordinal)
   ) WITHOUT ROWID;
   CREATE TABLE team_finding_count (
     run_id INTEGER NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (run_id, check_id, status, severity)
   ) WITHOUT ROWID;
   CREATE TABLE team_run_summary (run_id INTEGER PRIMARY KEY, json TEXT NOT NULL);
   CREATE TABLE team_push_receipt (
     key TEXT PRIMARY KEY,
     collector TEXT NOT NULL,
     run_id INTEGER NOT NULL,
     items INTEGER NOT NULL,
     received_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX team_push_receipt_collector ON team_push_receipt (collector, received_at);`,
    // 2: a namespace is a small share of a run's findings, spread over all of it: without an index of its
    // own, a namespace filter reads most of the run to fill one page.
    `CREATE INDEX team_finding_by_namespace ON team_finding (run_id, namespace, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_namespace_check ON team_finding (run_id, namespace, check_id, subject_name, ordinal);`,
    // 3: a token is bound to the user who created it (refused once that user is disabled or gone).
    tokenCreatorSql('INTEGER'),
    // 4: a collector token is limited to the evidence kinds it was issued for (NULL: every kind).
    tokenKindsSql,
    // 5: every filter × sort shape read from an index in order. The side tables carry every sort key
    // (rebuilt here from the findings they point at), and one equality filter (namespace, check,
    // severity, status) has an index per sort, as PostgreSQL's partitions do.
    `${['control', 'criterion']
      .map(
        (name) => `CREATE TABLE team_finding_${name}_sorted (
     run_id INTEGER NOT NULL,
     ${name} TEXT NOT NULL,
     status TEXT NOT NULL,
     severity_order INTEGER NOT NULL,
     check_id TEXT NOT NULL,
     subject_name TEXT NOT NULL,
     subject_name_lower TEXT NOT NULL,
     file TEXT NOT NULL,
     ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, ${name}, severity_order, check_id, subject_name, ordinal)
   ) WITHOUT ROWID;
   INSERT INTO team_finding_${name}_sorted
     SELECT s.run_id, s.${name}, f.status, f.severity_order, f.check_id, f.subject_name, f.subject_name_lower, f.file, f.ordinal
     FROM team_finding_${name} s JOIN team_finding f ON f.run_id = s.run_id AND f.ordinal = s.ordinal;
   DROP TABLE team_finding_${name};
   ALTER TABLE team_finding_${name}_sorted RENAME TO team_finding_${name};
   CREATE INDEX team_finding_${name}_by_ordinal ON team_finding_${name} (run_id, ${name}, ordinal);
   CREATE INDEX team_finding_${name}_by_check ON team_finding_${name} (run_id, ${name}, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_${name}_by_subject ON team_finding_${name} (run_id, ${name}, subject_name_lower, ordinal);
   CREATE INDEX team_finding_${name}_by_file ON team_finding_${name} (run_id, ${name}, file, ordinal);`,
      )
      .join('\n')}
   CREATE INDEX team_finding_by_namespace_subject ON team_finding (run_id, namespace, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_namespace_file ON team_finding (run_id, namespace, file, ordinal);
   CREATE INDEX team_finding_by_status_check ON team_finding (run_id, status, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_status_subject ON team_finding (run_id, status, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_status_file ON team_finding (run_id, status, file, ordinal);
   CREATE INDEX team_finding_by_severity_subject ON team_finding (run_id, severity_order, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_severity_file ON team_finding (run_id, severity_order, file, ordinal);
   CREATE INDEX team_finding_by_check_severity ON team_finding (run_id, check_id, severity_order, subject_name, ordinal);
   CREATE INDEX team_finding_by_check_subject ON team_finding (run_id, check_id, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_check_file ON team_finding (run_id, check_id, file, ordinal);`,
    // 6: subject prefixes of 4 and 6 characters (subjectPrefixLengths) as generated columns, each with
    // an index per sort, as PostgreSQL's migration 8: a broad subject prefix under a severity, check or
    // file sort reads its findings in order. Virtual columns: existing rows need no rewrite.
    [4, 6]
      .map(
        (
          n,
        ) => `ALTER TABLE team_finding ADD COLUMN subject_prefix${n} TEXT GENERATED ALWAYS AS (substr(subject_name_lower, 1, ${n})) VIRTUAL;
   CREATE INDEX team_finding_by_prefix${n}_severity ON team_finding (run_id, subject_prefix${n}, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_prefix${n}_check ON team_finding (run_id, subject_prefix${n}, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_prefix${n}_file ON team_finding (run_id, subject_prefix${n}, file, ordinal);`,
      )
      .join('\n'),
  ],
}
