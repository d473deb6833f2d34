import type { AssessmentModel } from './assessment.js'
import type { EvidenceItem } from './evidence.js'

/** A stored assessment run. */
export interface StoredRun {
  id: number
  generatedAt: string
  asOf: string
  modelHash: string
  evidenceCount: number
  model: AssessmentModel
}

/** Where assessments and the evidence behind them are kept. One interface, several backends. */
export interface AssessmentStore {
  /** Saves a run and the evidence it read (each item once, by content hash); returns the run id. */
  saveRun(model: AssessmentModel, evidence: readonly EvidenceItem[]): number
  /** The most recent run, or undefined when nothing has been assessed yet. */
  latestRun(): StoredRun | undefined
  /** Evidence read by a run, by content hash. */
  runEvidence(runId: number): { hash: string; item: EvidenceItem }[]
  close(): void
}
