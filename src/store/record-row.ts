import os from 'node:os'
import type { LedgerRecord, RecordKind } from '../core/ledger.js'

/**
 * A stored ledger_record row, read as an array (SqlDriver.queryArrays), back as a record: the columns
 * in the order of `recordColumns` (store/ledger-store.ts). blob_ref NULL (SQLite from migration 6) is
 * the default address, `sha256:<content hash>`. The kind is kept as stored: verify judges it by its hash.
 */
export function recordFromArray(row: readonly unknown[]): LedgerRecord {
  const contentHash = row[9] as string
  const blobRef = row[10] as string | null
  return {
    seq: Number(row[0]),
    id: row[1] as string,
    runId: Number(row[2]),
    kind: row[3] as LedgerRecord['kind'],
    source: row[4] as string,
    collector: row[5] as string,
    collectorVersion: row[6] as string,
    collectedAt: row[7] as string,
    effectiveAt: row[8] as string,
    contentHash,
    blobRef: blobRef ?? `sha256:${contentHash}`,
    prevHash: row[11] as string,
    hash: row[12] as string,
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
