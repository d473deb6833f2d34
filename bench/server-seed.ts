// Setup of the server bench: a real (small) assessment run in a fresh PostgreSQL schema, so the server
// has a latest run, a million generated findings indexed for it, and the tokens the load uses.
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { newTokenSecret } from '../src/app/credentials.js'
import { type LoadedConfig, loadConfig } from '../src/app/load-config.js'
import { collectAndAssess, type Library } from '../src/app/run-assessment.js'
import { toolVersion } from '../src/app/version.js'
import { sha256 } from '../src/core/ledger.js'
import { ed25519Signer, type Signer } from '../src/core/ledger-manifest.js'
import type { Role, TeamStore } from '../src/core/team.js'
import { runSummaryOf } from '../src/core/team-rows.js'
import { recordAssessment } from '../src/store/ledger-operations.js'
import type { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { generateEstate } from './generate-estate.js'
import { benchNamespaces, checkProfiles, generateFindings } from './server-findings.js'

/** A token the bench uses: its name and the secret (kept in memory only, never printed). */
export interface BenchToken {
  name: string
  secret: string
}

/** The team tables in the bench's schema, beside its ledger. */
export function openBenchTeamStore(url: string, schema: string): Promise<PostgresTeamStore> {
  return PostgresTeamStore.open(url, schema)
}

/**
 * A small generated estate with a trustctl.yaml on the PostgreSQL store, and a signing key file.
 * Push limits are raised: the bench measures throughput, not the per-token rate limit.
 */
export async function prepareEstate(
  root: string,
  url: string,
): Promise<{ loaded: LoadedConfig; keyFile: string; signer: Signer }> {
  generateEstate(root, 300, 30)
  const keyFile = path.join(root, 'bench-signing-key.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(
    path.join(root, 'trustctl.yaml'),
    `version: 1
organization: Bench Co
system: { name: Generated estate, description: Synthetic estate for the trustctl server benchmark. }
scope: { categories: [security, availability, confidentiality], asOf: 2026-11-30 }
sources: [{ path: deploy }, { path: services }]
store: { backend: postgres, url: ${JSON.stringify(url)}, key: bench-signing-key.pem }
server: { host: 127.0.0.1, port: 0, packagesDir: packages, push: { maxBytes: 33554432, perMinute: 1000000 } }
`,
  )
  return { loaded: await loadConfig(undefined, root), keyFile, signer: ed25519Signer(privateKey) }
}

/** Assesses the estate and records the run in the ledger, with its findings indexed and its summary. */
export async function recordSmallRun(
  ledger: PostgresStore,
  team: TeamStore,
  loaded: LoadedConfig,
  library: Library,
  signer: Signer,
): Promise<{ runId: number; findings: number; evidence: number }> {
  const { model, collection } = await collectAndAssess(loaded, library, process.env, new Date())
  const { runId } = await recordAssessment(ledger, {
    model,
    evidence: collection.evidence,
    inputs: collection.inputs,
    signer,
    toolVersion: toolVersion(),
  })
  await team.saveRunSummary(runSummaryOf(runId, model))
  return { runId, findings: model.findings.length, evidence: collection.evidence.length }
}

/** Replaces the run's index with `total` generated findings; returns the seconds it took. */
export async function indexGeneratedFindings(
  team: TeamStore,
  runId: number,
  library: Library,
  total: number,
): Promise<{ seconds: number; indexed: number; checks: number }> {
  const profiles = checkProfiles(library.checks, library.catalog)
  const start = process.hrtime.bigint()
  const indexed = await team.indexFindings(runId, generateFindings(profiles, benchNamespaces(), total))
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, indexed, checks: profiles.length }
}

async function createToken(team: TeamStore, name: string, role: Role): Promise<BenchToken> {
  const secret = newTokenSecret()
  await team.createToken({
    name,
    role,
    tokenHash: sha256(secret),
    createdBy: 'bench',
    createdAt: new Date().toISOString(),
  })
  return { name, secret }
}

/**
 * One reading token (editor) for the list, and `collectors` collector tokens for pushes; `prefix` keeps
 * the collectors of one bench run apart from an earlier run's in a kept schema.
 */
export async function createBenchTokens(
  team: TeamStore,
  collectors: number,
  prefix = '',
): Promise<{ reader: BenchToken; collectors: BenchToken[] }> {
  const reader = await createToken(team, `bench-reader${prefix}`, 'editor')
  const list: BenchToken[] = []
  for (let i = 0; i < collectors; i++)
    list.push(await createToken(team, `bench-cluster${prefix}-${String(i).padStart(2, '0')}`, 'collector'))
  return { reader, collectors: list }
}
