import os from 'node:os'
import type { LedgerRecord, RecordKind } from '../core/ledger.js'

/** A ledger record as both SQL backends store it (snake_case columns). */
export interface RecordRow {
  seq: number | string
  id: string
  run_id: number | string
  kind: string
  source: string
  collector: string
  collector_version: string
  collected_at: string
  effective_at: string
  content_hash: string
  /** NULL (SQLite from migration 6): the default address, `sha256:<content hash>`. */
  blob_ref: string | null
  prev_hash: string
  hash: string
}

/** A stored row back as a record. The kind is kept as stored: verify judges it by its hash. */
export function recordFromRow(row: RecordRow): LedgerRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    runId: Number(row.run_id),
    kind: row.kind as LedgerRecord['kind'],
    source: row.source,
    collector: row.collector,
    collectorVersion: row.collector_version,
    collectedAt: row.collected_at,
    effectiveAt: row.effective_at,
    contentHash: row.content_hash,
    blobRef: row.blob_ref ?? `sha256:${row.content_hash}`,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** True when the process that opened a run is known to be gone (same machine, no such pid). */
export function processIsGone(host: string, pid: number): boolean {
  if (host !== os.hostname()) return false
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** Rows of (run id, kind) grouped by run, in the order given. */
export function kindsByRun(
  rows: readonly { id: number | string; kind: RecordKind }[],
): Map<number, RecordKind[]> {
  const out = new Map<number, RecordKind[]>()
  for (const row of rows) {
    const id = Number(row.id)
    const kinds = out.get(id) ?? []
    kinds.push(row.kind)
    out.set(id, kinds)
  }
  return out
}
