// Child process for the kill -9 trials: ingests evidence into a store forever, printing each commit.
import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { canonicalBytes, type LedgerEntry } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

const [backend, target, schema, keyFile] = process.argv.slice(2) as [string, string, string, string]
const signer = ed25519Signer(createPrivateKey(readFileSync(keyFile, 'utf8')))
const store: AssessmentStore =
  backend === 'postgres' ? await PostgresStore.open(target, schema) : new SqliteStore(target)

let n = 0
const entry = (): LedgerEntry => {
  n += 1
  const at = new Date().toISOString()
  return {
    kind: 'evidence',
    id: `k8s.workload:prod/app-${n}`,
    source: `deploy/app-${n % 50}.yaml`,
    collector: 'kubernetes',
    collectorVersion: 'crash-trial',
    collectedAt: at,
    effectiveAt: at,
    content: canonicalBytes({ kind: 'k8s.workload', name: `app-${n}`, pid: process.pid }),
  }
}

for (;;) {
  const runId = await store.beginRun({
    startedAt: new Date().toISOString(),
    toolVersion: 'crash-trial',
    signer,
  })
  process.stdout.write(`run ${runId}\n`)
  for (let slice = 0; slice < 5; slice++) {
    const records = await store.append(runId, Array.from({ length: 200 }, entry))
    const last = records.at(-1)
    if (last !== undefined) process.stdout.write(`committed ${last.seq} ${last.hash}\n`)
  }
  const manifest = await store.finishRun(runId, new Date().toISOString(), signer)
  process.stdout.write(`signed ${manifest.manifest.runId}\n`)
}
