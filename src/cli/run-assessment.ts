import path from 'node:path'
import { loadChecks } from '../../checks/load-checks.js'
import { loadCatalog } from '../catalog/load-catalog.js'
import { collectSources } from '../collectors/registry.js'
import type { FileCollection } from '../collectors/source-collector.js'
import { assess } from '../core/assess.js'
import type { AssessmentModel } from '../core/assessment.js'
import type { Catalog } from '../core/catalog.js'
import type { Check } from '../core/check.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import type { LoadedConfig } from './load-config.js'
import { toolVersion } from './version.js'

export interface Library {
  checks: Check[]
  catalog: Catalog
}

/** Loads the checks and the catalog that references them. */
export async function loadLibrary(): Promise<Library> {
  const checks = await loadChecks()
  const catalog = await loadCatalog(new Set(checks.map((c) => c.id)))
  return { checks, catalog }
}

export function storeFile(loaded: LoadedConfig): string {
  return path.resolve(loaded.root, loaded.config.store.path, 'trustctl.db')
}

/** Collects evidence from the configured sources and assesses it, without storing anything. */
export async function collectAndAssess(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
): Promise<{ model: AssessmentModel; collection: FileCollection }> {
  const collection = await collectSources(loaded.config.sources, {
    root: loaded.root,
    now,
    env: process.env,
  })
  const model = assess({
    config: loaded.config,
    catalog: library.catalog,
    checks: library.checks,
    evidence: collection.evidence,
    errors: collection.errors,
    inputs: collection.inputs,
    generatedAt: now.toISOString(),
    toolVersion: toolVersion(),
  })
  return { model, collection }
}

/** Collects evidence from the configured sources, assesses it and stores the run. */
export async function runAssessment(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
): Promise<{ model: AssessmentModel; runId: number }> {
  const { model, collection } = await collectAndAssess(loaded, library, now)
  const store = new SqliteStore(storeFile(loaded))
  try {
    return { model, runId: store.saveRun(model, collection.evidence) }
  } finally {
    store.close()
  }
}
