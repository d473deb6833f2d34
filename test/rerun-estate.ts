// The estate the re-run tests share (src/app/check-results.test.ts, src/app/whole-run.test.ts): one
// Deployment in a folder of its own, a trustctl.yaml that reads it, and the checks loaded through a
// manifest of this checkout's checks as the build's are (every check has a code hash), then assessed
// and recorded as `trustctl assess` does on a given day.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildCheckManifest, loadChecks } from '../checks/load-checks.js'
import { loadConfig } from '../src/app/load-config.js'
import { type Library, runAssessment, storeFile } from '../src/app/run-assessment.js'
import { loadCatalog } from '../src/catalog/load-catalog.js'
import type { AssessmentModel } from '../src/core/assessment.js'
import type { AssessmentStore } from '../src/core/store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

/** The check whose verdict follows the Deployment's replica count. */
export const replicasCheck = 'kubernetes/deployment-runs-multiple-replicas'

export const deployment = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
`

export const config = ({ asOf = '2026-11-30', checks = '' } = {}): string => `version: 1
organization: Acme
system: { name: Insights }
scope: { categories: [security, availability], asOf: ${asOf} }
sources:
  - path: deploy
${checks}`

export const statusOf = (model: AssessmentModel, check: string): string[] =>
  model.findings.filter((f) => f.check === check).map((f) => f.status)

/** A repository in a temporary folder with the Deployment at two replicas; `remove` deletes it. */
export interface RerunEstate {
  dir: string
  library: Library
  assessAt(day: string): ReturnType<typeof runAssessment>
  withStore<T>(use: (store: AssessmentStore) => Promise<T>): Promise<T>
  remove(): void
}

export async function rerunEstate(prefix: string): Promise<RerunEstate> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  const env = { TRUSTCTL_SIGNING_KEY: path.join(dir, 'signing-key.pem') }
  const checks = await loadChecks(undefined, { defer: true, manifest: await buildCheckManifest() })
  const library: Library = { checks, catalog: await loadCatalog(checks) }
  mkdirSync(path.join(dir, 'deploy'))
  writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
  writeFileSync(path.join(dir, 'trustctl.yaml'), config())
  return {
    dir,
    library,
    assessAt: async (day) =>
      runAssessment(await loadConfig(undefined, dir), library, new Date(`${day}T12:00:00Z`), {
        env,
        notify: () => undefined,
      }),
    async withStore(use) {
      const store = new SqliteStore(storeFile(await loadConfig(undefined, dir)))
      try {
        return await use(store)
      } finally {
        await store.close()
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
