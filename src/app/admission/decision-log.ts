import { canonicalBytes, type LedgerEntry } from '../../core/ledger.js'
import type { Signer } from '../../core/ledger-manifest.js'
import type { AssessmentStore } from '../../core/store.js'
import type { AdmissionDecision } from './judge.js'

/** The ledger record of one decision: one member of the population of changes judged at the door. */
export function decisionEntry(decision: AdmissionDecision, toolVersion: string): LedgerEntry {
  return {
    kind: 'admission',
    id: `admission:${decision.uid}`,
    source: `admission:${decision.user.username || '(unknown user)'}`,
    collector: 'trustctl-admission',
    collectorVersion: toolVersion,
    collectedAt: decision.at,
    effectiveAt: decision.at,
    content: canonicalBytes(decision),
  }
}

export interface DecisionLogOptions {
  store: AssessmentStore
  signer: Signer
  toolVersion: string
  batchSize: number
  flushMs: number
  /** Told when a batch cannot be written (the server logs it; decisions stay queued for the next try). */
  onError: (error: unknown) => void
  /** Told the running total after each batch is in the ledger. */
  onWritten?: (recorded: number) => void
}

/** Where the webhook hands its decisions: written in batches, here or on a thread of its own. */
export interface DecisionSink {
  add(decision: AdmissionDecision): void
  /** Decisions written to the ledger so far. */
  readonly recorded: number
  /** Resolves once every decision handed over so far is in the ledger (or failed and is queued). */
  flush(): Promise<void>
}

/**
 * Appends decisions to the ledger in batches, each a signed run of its own, so the webhook answers
 * without waiting for a disk write and a Type 2 period still holds every decision (CC8.1). A batch
 * that fails to write is kept and retried with the next one: a decision is never silently dropped.
 */
export class DecisionLog implements DecisionSink {
  private queue: AdmissionDecision[] = []
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()
  private written = 0

  constructor(private readonly options: DecisionLogOptions) {}

  /** Queues a decision; writes a batch once there are enough, or after flushMs at the latest. */
  add(decision: AdmissionDecision): void {
    this.queue.push(decision)
    if (this.queue.length >= this.options.batchSize) {
      void this.flush()
      return
    }
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs)
  }

  /** Decisions written to the ledger so far. */
  get recorded(): number {
    return this.written
  }

  /** Decisions waiting to be written. */
  get pending(): number {
    return this.queue.length
  }

  /** Writes what is queued, after any write already under way; resolves when it is in the ledger. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.writing = this.writing.then(() => this.writeQueued())
    return this.writing
  }

  private async writeQueued(): Promise<void> {
    if (this.queue.length === 0) return
    const batch = this.queue
    this.queue = []
    const { store, signer, toolVersion } = this.options
    try {
      const startedAt = new Date().toISOString()
      const runId = await store.beginRun({ startedAt, toolVersion, signer })
      await store.append(
        runId,
        batch.map((d) => decisionEntry(d, toolVersion)),
      )
      await store.finishRun(runId, new Date().toISOString(), signer)
      this.written += batch.length
      this.options.onWritten?.(this.written)
    } catch (error) {
      // Kept for the next batch; the run left open is reported incomplete by verify, never trusted.
      this.queue = [...batch, ...this.queue]
      this.options.onError(error)
      this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs)
    }
  }
}
