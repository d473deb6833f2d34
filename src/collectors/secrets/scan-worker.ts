import { type ScanJob, type ScannedFile, scanFiles } from './scan-files.js'
import { compileRules } from './scan-text.js'

/**
 * The worker side of the secrets scan's thread pool (scan-pool.ts): each task is a contiguous share of
 * the tree. Rules are compiled once per thread. What goes back holds fingerprints and redacted
 * previews only: the secret values stay in this thread and are dropped with the task.
 */
const rules = compileRules()

export default function scanShare(job: ScanJob): Promise<ScannedFile[]> {
  return scanFiles(job, rules)
}
