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

import type { Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore } from '../core/store.js'
import { recordDrawing } from '../store/ledger-period.js'
import { keepTrustFiles } from './ledger-trust.js'
import type { LoadedConfig } from './load-config.js'
import { toolVersion } from './version.js'

/**
 * Records a population or sample as its own signed run and moves trustctl.anchor to it (pinning the
 * key on a first run), as every command that records a run from the CLI does: the anchor must name
 * the newest head, or cutting the newest runs off would go unnoticed.
 */
export async function recordDrawingAnchored(
  loaded: LoadedConfig,
  store: AssessmentStore,
  drawing: Parameters<typeof recordDrawing>[1],
  signer: Signer,
  notify: (text: string) => void,
): Promise<Awaited<ReturnType<typeof recordDrawing>>> {
  const recorded = await recordDrawing(store, drawing, signer, toolVersion())
  await keepTrustFiles(loaded, store, notify)
  return recorded
}
