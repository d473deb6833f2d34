import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AssessmentModel } from '../core/assessment.js'
import { canonicalJson } from '../core/canonical-json.js'
import { ConfigError } from '../core/errors.js'
import type { Signer } from '../core/ledger-manifest.js'
import { buildPackage } from '../core/package/build-package.js'
import type { Engagement, PackageModel } from '../core/package/model.js'
import { type PackageFile, packageManifest, renderPackageFiles } from '../reports/package/package-files.js'
import type { LoadedConfig } from './load-config.js'
import { applyRecordedRemediation } from './remediation.js'
import { type Library, type RunEnvironment, runAssessment } from './run-assessment.js'
import { configuredSigner } from './signing-key.js'

export interface PackageOptions {
  config?: string
  type: string
  asOf?: string
  from?: string
  to?: string
  out?: string
}

function day(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined
  const parsed = new Date(`${value}T00:00:00Z`)
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== value
  )
    throw new ConfigError(`${flag}: '${value}' is not a date written YYYY-MM-DD`)
  return value
}

/** Reads --type, --as-of, --from and --to into an engagement; the config's asOf is the default date. */
export function parseEngagement(options: PackageOptions, configAsOf: string): Engagement {
  if (options.type === '1') {
    if (options.from !== undefined || options.to !== undefined)
      throw new ConfigError('--from/--to describe a Type 2 period; a Type 1 package takes --as-of')
    return { type: 1, asOf: day(options.asOf, '--as-of') ?? configAsOf }
  }
  if (options.type === '2') {
    const from = day(options.from, '--from')
    const to = day(options.to, '--to') ?? day(options.asOf, '--as-of')
    if (from === undefined || to === undefined)
      throw new ConfigError('a Type 2 package needs its period: --from YYYY-MM-DD --to YYYY-MM-DD')
    if (from >= to) throw new ConfigError(`--from ${from} must be before --to ${to}`)
    return { type: 2, from, to }
  }
  throw new ConfigError(`--type: '${options.type}' is not a SOC 2 report type (use 1 or 2)`)
}

/** manifest.json of the package files, signed with the ledger's key (also used by the server's package job). */
export function signedManifestFile(
  pkg: PackageModel,
  files: readonly PackageFile[],
  signer: Signer,
): { path: string; content: Buffer } {
  const unsigned = packageManifest(pkg, files)
  // The ledger's key signs the manifest: whoever holds the public key can tell a file was changed.
  const manifest = {
    ...unsigned,
    signature: {
      algorithm: 'Ed25519',
      signed: 'canonical JSON of this manifest without its signature',
      keyFingerprint: signer.fingerprint,
      publicKey: signer.publicKeyPem.trim(),
      value: signer.sign(Buffer.from(canonicalJson(unsigned))),
    },
  }
  return { path: 'manifest.json', content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }
}

/** What `writeSoc2Package` wrote, for the command to present. */
export interface WrittenPackage {
  model: AssessmentModel
  pkg: PackageModel
  folder: string
  files: string[]
}

/**
 * Assesses as of the engagement's date, records the run in the signed ledger (so the package can cite
 * both), and writes the whole SOC 2 package with its signed manifest into one folder.
 */
export async function writeSoc2Package(
  loaded: LoadedConfig,
  library: Library,
  request: { engagement: Engagement; folder: (asOf: string) => string; now: Date },
  run: RunEnvironment,
): Promise<WrittenPackage> {
  const { engagement } = request
  const asOf = engagement.type === 1 ? engagement.asOf : engagement.to
  const config = { ...loaded.config, scope: { ...loaded.config.scope, asOf } }
  const assessed = await runAssessment({ ...loaded, config }, library, request.now, run)
  const { evidence } = assessed
  // The remediation plan shows the owners, dates and statuses recorded through the team server.
  const model = await applyRecordedRemediation(loaded, run.env, assessed.model)
  const pkg = buildPackage({ model, config, evidence, engagement, catalog: library.catalog })
  const folder = request.folder(asOf)
  const files = await renderPackageFiles(pkg)
  const signer = configuredSigner(loaded, run.env, run.notify)
  const all = [...files, signedManifestFile(pkg, files, signer)]
  for (const f of all) {
    const target = path.join(folder, f.path)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, f.content)
  }
  return { model, pkg, folder, files: all.map((f) => f.path) }
}
