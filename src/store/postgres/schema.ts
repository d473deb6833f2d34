import type { Migrations } from '../sql/driver.js'
import { tokenCreatorSql, tokenKindsSql } from '../team/tokens.js'
import { subjectPrefixLengths } from '../team-finding-query.js'

/** Versioned migrations, applied in order inside the store's schema; never edited once released. */
export const postgresLedgerMigrations: Migrations = {
  what: 'schema',
  steps: [
    `CREATE TABLE ledger_blob (ref TEXT PRIMARY KEY, bytes BYTEA NOT NULL);
   CREATE TABLE ledger_record (
     seq BIGINT PRIMARY KEY,
     id TEXT NOT NULL,
     run_id BIGINT NOT NULL,
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
     id BIGSERIAL PRIMARY KEY,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL
   );
   CREATE TABLE ledger_cache (key TEXT PRIMARY KEY, blob_ref TEXT NOT NULL);`,
    // 2: the cache is resolved through the chain (an evidence set with that content, in a sealed run)
    // and runs are listed from their run-start records, not the unprotected run table.
    `CREATE INDEX ledger_record_evidence_set ON ledger_record (blob_ref) WHERE kind = 'evidence-set';
   CREATE INDEX ledger_record_run_start ON ledger_record (run_id) WHERE kind = 'run-start';`,
    // 3: blobs kept in object storage (store.blobs): their reference and size; the bytes are in the bucket.
    `CREATE TABLE ledger_object (ref TEXT PRIMARY KEY, size BIGINT NOT NULL);`,
  ],
}

/**
 * The findings tables and their indexes under the given names. The side tables (finding → control,
 * finding → criterion) carry the severity sort key: the dashboard's default view of one control
 * reads them in order and stops after a page, however the control's findings spread over severities.: the partitioned parents (migration 2)
 * and each run's partitions share this one definition, so a partition's indexes match its parent's.
 * Every index starts with run_id and ends with ordinal: (run_id, <filter>, <sort key>, ordinal).
 */
export function findingTablesSql(
  finding: string,
  control: string,
  criterion: string,
  partitioned = '',
): string {
  return `${findingTableSql(finding, partitioned)}
   ${[
     [control, 'control'],
     [criterion, 'criterion'],
   ]
     .map(
       ([table, name]) => `CREATE TABLE ${table} (
     run_id BIGINT NOT NULL,
     ${name} TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     ordinal INTEGER NOT NULL
   )${partitioned};`,
     )
     .join('\n')}`
}

/** The findings table alone (its text is part of migrations 2 and 7: never change it). */
function findingTableSql(finding: string, partitioned: string): string {
  return `CREATE TABLE ${finding} (
     run_id BIGINT NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     subject_name_lower TEXT COLLATE "C" NOT NULL,
     namespace TEXT,
     file TEXT COLLATE "C" NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL
   )${partitioned};`
}

/**
 * The side tables since migration 7: they carry every sort key (and the status, severity and check
 * filters), so a control or criterion filter is read from its side table in any sort order, and the
 * other filters are tested on the side row before the finding is fetched.
 */
export function sortedSideTablesSql(control: string, criterion: string, partitioned = ''): string {
  return [
    [control, 'control'],
    [criterion, 'criterion'],
  ]
    .map(
      ([table, name]) => `CREATE TABLE ${table} (
     run_id BIGINT NOT NULL,
     ${name} TEXT NOT NULL,
     status TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     subject_name_lower TEXT COLLATE "C" NOT NULL,
     file TEXT COLLATE "C" NOT NULL,
     ordinal INTEGER NOT NULL
   )${partitioned};`,
    )
    .join('\n')
}

/** The findings tables of migration 7 on: the findings table and the sorted side tables. */
export function currentFindingTablesSql(
  finding: string,
  control: string,
  criterion: string,
  partitioned = '',
): string {
  return `${findingTableSql(finding, partitioned)}
   ${sortedSideTablesSql(control, criterion, partitioned)}`
}

/** The indexes of the findings tables made by migration 7 (its text: never change it). */
function migration7IndexesSql(finding: string, control: string, criterion: string): string {
  return `${findingIndexesSql(finding, control, criterion)}
   ${findingFilterIndexesSql(finding)}
   ${sideLookupIndexesSql(control, criterion)}
   ${sideSortIndexesSql(control, criterion)}`
}

/** Every index of the findings tables since migration 8 (on the parents, and on each run's partitions). */
export function currentFindingIndexesSql(finding: string, control: string, criterion: string): string {
  return `${migration7IndexesSql(finding, control, criterion)}
   ${subjectPrefixIndexesSql(finding, subjectPrefixLengths)}`
}

/**
 * Migration 8: the subject prefixes (subjectPrefixLengths) as generated columns of the findings
 * table. Added to a run's partition before its rows are loaded, as the parent has them since.
 */
export function subjectPrefixColumnsSql(finding: string, lengths: readonly number[]): string {
  return lengths
    .map(
      (n) =>
        `ALTER TABLE ${finding} ADD COLUMN subject_prefix${n} TEXT COLLATE "C" GENERATED ALWAYS AS (left(subject_name_lower, ${n})) STORED;`,
    )
    .join('\n')
}

/** Migration 8: one index per prefix column and sort (the subject sort reads its own index's range). */
export function subjectPrefixIndexesSql(finding: string, lengths: readonly number[]): string {
  return lengths
    .flatMap((n) =>
      [
        'severity_order, check_id, subject_name, ordinal',
        'check_id, subject_name, ordinal',
        'file, ordinal',
      ].map((sortColumns) => `CREATE INDEX ON ${finding} (run_id, subject_prefix${n}, ${sortColumns});`),
    )
    .join('\n')
}

/** Migration 7: the side tables read in subject and file order too. */
export function sideSortIndexesSql(control: string, criterion: string): string {
  return [
    [control, 'control'],
    [criterion, 'criterion'],
  ]
    .map(
      ([table, name]) => `CREATE INDEX ON ${table} (run_id, ${name}, subject_name_lower, ordinal);
   CREATE INDEX ON ${table} (run_id, ${name}, file, ordinal);`,
    )
    .join('\n')
}

/** The indexes of the findings tables (created after a run's rows are loaded). */
export function findingIndexesSql(finding: string, control: string, criterion: string): string {
  return `ALTER TABLE ${finding} ADD PRIMARY KEY (run_id, ordinal);
   CREATE INDEX ON ${finding} (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, subject_name_lower, ordinal);
   CREATE INDEX ON ${finding} (run_id, file, ordinal);
   ALTER TABLE ${control} ADD PRIMARY KEY (run_id, control, severity_order, check_id, subject_name, ordinal);
   ALTER TABLE ${criterion} ADD PRIMARY KEY (run_id, criterion, severity_order, check_id, subject_name, ordinal);`
}

/**
 * Indexes added by migration 3, on the parents and on each run's partition before it is attached (so
 * ATTACH finds them instead of building them under the parents' lock). A namespace is a small share of
 * a run's findings, spread over all of it: without an index of its own a namespace filter walks most of
 * the run to fill a page. The status, severity and check ones let a filter on one value read any sort
 * in order (a check has one severity, so its severity sort is its subject sort).
 */
export function findingFilterIndexesSql(finding: string): string {
  return [
    'namespace, severity_order, check_id, subject_name, ordinal',
    'namespace, check_id, subject_name, ordinal',
    'namespace, subject_name_lower, ordinal',
    'namespace, file, ordinal',
    'status, check_id, subject_name, ordinal',
    'status, subject_name_lower, ordinal',
    'status, file, ordinal',
    'severity_order, subject_name_lower, ordinal',
    'severity_order, file, ordinal',
    'check_id, severity_order, subject_name, ordinal',
    'check_id, subject_name_lower, ordinal',
    'check_id, file, ordinal',
  ]
    .map((columns) => `CREATE INDEX ON ${finding} (run_id, ${columns});`)
    .join('\n')
}

/**
 * Indexes added by migration 4: a control or criterion filter under a check, subject or file sort
 * walks the findings in sort order and asks, for each, whether it belongs to the control. The side
 * tables' keys lead with the severity sort, so that question scanned every finding of the control
 * (minutes at a million findings); these answer it with one lookup, and let the side table itself
 * be read in check order as it is in severity order.
 */
export function sideLookupIndexesSql(control: string, criterion: string): string {
  return `CREATE INDEX ON ${control} (run_id, control, ordinal);
   CREATE INDEX ON ${criterion} (run_id, criterion, ordinal);
   CREATE INDEX ON ${control} (run_id, control, check_id, subject_name, ordinal);
   CREATE INDEX ON ${criterion} (run_id, criterion, check_id, subject_name, ordinal);`
}

/**
 * Versioned migrations of the team tables inside the store's schema, counted in `team_migration`
 * (the ledger counts its own in trustctl_schema). Never edited once released. Text that findings
 * are sorted by is COLLATE "C": bytewise, like SQLite, so both backends page identically, and a
 * prefix range on the subject name can use its index.
 */
export const postgresTeamMigrations: Migrations = {
  what: 'team schema',
  steps: [
    `CREATE TABLE team_user (
     id BIGSERIAL PRIMARY KEY,
     email TEXT NOT NULL,
     email_lower TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     disabled BOOLEAN NOT NULL DEFAULT false,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_session (
     id_hash TEXT PRIMARY KEY,
     user_id BIGINT NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX team_session_expiry ON team_session (expires_at);
   CREATE TABLE team_token (
     id BIGSERIAL PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked BOOLEAN NOT NULL DEFAULT false,
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
   );
   CREATE TABLE team_comment (
     id BIGSERIAL PRIMARY KEY,
     gap_id TEXT NOT NULL,
     author TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX team_comment_gap ON team_comment (gap_id, id);
   CREATE TABLE team_finding_run (run_id BIGINT PRIMARY KEY, findings INTEGER NOT NULL, indexed_at TEXT NOT NULL);
   CREATE TABLE team_finding (
     run_id BIGINT NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     subject_name_lower TEXT COLLATE "C" NOT NULL,
     namespace TEXT,
     file TEXT COLLATE "C" NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL,
     PRIMARY KEY (run_id, ordinal)
   );
   CREATE INDEX team_finding_by_severity ON team_finding (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_status ON team_finding (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_check ON team_finding (run_id, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_subject ON team_finding (run_id, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_file ON team_finding (run_id, file, ordinal);
   CREATE TABLE team_finding_control (
     run_id BIGINT NOT NULL, control TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, control, ordinal)
   );
   CREATE TABLE team_finding_criterion (
     run_id BIGINT NOT NULL, criterion TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, criterion, ordinal)
   );
   CREATE TABLE team_finding_count (
     run_id BIGINT NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (run_id, check_id, status, severity)
   );
   CREATE TABLE team_run_summary (run_id BIGINT PRIMARY KEY, json TEXT NOT NULL);
   CREATE TABLE team_push_receipt (
     key TEXT PRIMARY KEY,
     collector TEXT NOT NULL,
     run_id BIGINT NOT NULL,
     items INTEGER NOT NULL,
     received_at TEXT NOT NULL
   );
   CREATE INDEX team_push_receipt_collector ON team_push_receipt (collector, received_at);`,
    // 2: the findings index partitioned by run. A run's findings are loaded into a table of their own
    // without indexes, indexed in one sort per index, then attached: a million findings index in
    // seconds instead of minutes of random index inserts, and a reindex swaps partitions instead of
    // deleting a million rows. The index is derived data: runs are indexed again on demand.
    `DROP TABLE team_finding, team_finding_control, team_finding_criterion;
   DELETE FROM team_finding_run;
   DELETE FROM team_finding_count;
   ALTER TABLE team_finding_run ADD COLUMN partition_suffix TEXT;
   ${findingTablesSql('team_finding', 'team_finding_control', 'team_finding_criterion', ' PARTITION BY LIST (run_id)')}
   ${findingIndexesSql('team_finding', 'team_finding_control', 'team_finding_criterion')}`,
    // 3: indexes for the namespace filter and for a status filter under every sort.
    findingFilterIndexesSql('team_finding'),
    // 4: one-lookup membership tests for the control and criterion filters.
    sideLookupIndexesSql('team_finding_control', 'team_finding_criterion'),
    // 5: a token is bound to the user who created it (refused once that user is disabled or gone).
    tokenCreatorSql('BIGINT'),
    // 6: a collector token is limited to the evidence kinds it was issued for (NULL: every kind).
    tokenKindsSql,
    // 7: the side tables carry every sort key, so a control or criterion filter reads in any sort order
    // (a subject or file sort under a control sorted the whole control: seconds at a million findings).
    // The index is derived data: it is dropped here and each run indexed again on its next request.
    `DROP TABLE team_finding, team_finding_control, team_finding_criterion;
   DELETE FROM team_finding_run;
   DELETE FROM team_finding_count;
   ${currentFindingTablesSql('team_finding', 'team_finding_control', 'team_finding_criterion', ' PARTITION BY LIST (run_id)')}
   ${migration7IndexesSql('team_finding', 'team_finding_control', 'team_finding_criterion')}`,
    // 8: subject prefixes of 4 and 6 characters as generated columns, each with an index per sort: a
    // broad subject prefix under a severity, check or file sort reads its findings in order instead of
    // testing every finding read (16 s at a million findings when the prefix's findings sort last).
    // Existing partitions get the columns and indexes here: no run needs indexing again.
    // Analysed at once: without statistics of the new columns the planner guesses their selectivity.
    `${subjectPrefixColumnsSql('team_finding', [4, 6])}
   ${subjectPrefixIndexesSql('team_finding', [4, 6])}
   ANALYZE team_finding;`,
  ],
}
