// The evidence ledger as the CLI and the server use it: reading runs, recording assessments, changes
// and drawings, verifying, exporting bundles. The store layer implements these once for SQLite and
// PostgreSQL; the adapters reach them through app, never the store directly.
export { exportBundle, verifyBundle } from '../store/bundle.js'
export { recordChange } from '../store/ledger-change.js'
export {
  assessmentRuns,
  latestRun,
  recordAssessment,
  runById,
  runEvidence,
  storedRun,
  verifyStore,
} from '../store/ledger-operations.js'
export { extractPopulation, recordDrawing } from '../store/ledger-period.js'
