import path from 'node:path'
import { trustedKeysOf } from '../../app/ledger-trust.js'
import { loadConfig } from '../../app/load-config.js'
import { storeLocation } from '../../app/open-store.js'
import { resolveKeyFingerprint } from '../../app/signing-key.js'
import { verifyBundleWithTrust, verifyConfiguredStore, verifyPackageFolder } from '../../app/verify.js'
import { ConfigError } from '../../core/errors.js'
import type { VerifyReport } from '../../core/ledger-verify.js'
import type { PackageVerifyReport } from '../../core/package-verify.js'
import { exitCode } from '../exit-codes.js'

export interface VerifyCommandOptions {
  config?: string
  bundle?: string
  package?: string
  key?: string
  chainHead?: string[]
  format: string
}

/**
 * `trustctl verify`: re-hash and walk the store (or a bundle, or a package); exit 1 when anything is
 * wrong. With no flags the store is checked against the key pinned in trustctl.yaml and the head in
 * trustctl.anchor.
 */
export async function verifyCommand(
  options: VerifyCommandOptions,
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  if (options.bundle !== undefined && options.package !== undefined)
    throw new ConfigError('--bundle and --package: verify one at a time')
  const pinnedKey = options.key === undefined ? undefined : resolveKeyFingerprint(options.key, io.cwd)
  if (options.package !== undefined) {
    const where = path.resolve(io.cwd, options.package)
    const keys =
      pinnedKey !== undefined ? [pinnedKey] : trustedKeysOf(await loadConfig(options.config, io.cwd))
    const report = await verifyPackageFolder(where, keys)
    io.out(
      options.format === 'json'
        ? `${JSON.stringify({ where, pinnedKeys: keys, ...report }, null, 2)}\n`
        : formatPackageVerify(where, report, keys),
    )
    return report.ok ? exitCode.clean : exitCode.failures
  }
  const expectHashes =
    options.chainHead === undefined || options.chainHead.length === 0
      ? undefined
      : options.chainHead.map((h) => h.toLowerCase())
  let report: VerifyReport
  let where: string
  if (options.bundle !== undefined) {
    where = path.resolve(io.cwd, options.bundle)
    // Like plain verify: --key, else the key pinned in this project's trustctl.yaml.
    report = await verifyBundleWithTrust(where, {
      ...(pinnedKey === undefined ? {} : { pinnedKey }),
      ...(expectHashes === undefined ? {} : { expectHashes }),
      ...(options.config === undefined ? {} : { config: options.config }),
      cwd: io.cwd,
    })
  } else {
    const loaded = await loadConfig(options.config, io.cwd)
    where = storeLocation(loaded, process.env)
    report = await verifyConfiguredStore(loaded, process.env, {
      ...(pinnedKey === undefined ? {} : { pinnedKey }),
      ...(expectHashes === undefined ? {} : { expectHashes }),
    })
  }
  io.out(
    options.format === 'json'
      ? `${JSON.stringify({ where, ...report }, null, 2)}\n`
      : formatVerify(where, report),
  )
  return report.ok ? exitCode.clean : exitCode.failures
}

export function formatPackageVerify(
  where: string,
  report: PackageVerifyReport,
  pinned: readonly string[],
): string {
  const lines = [
    report.ok
      ? `Package verified: ${where}`
      : `Package FAILED verification: ${report.problems.length} ${report.problems.length === 1 ? 'problem' : 'problems'} in ${where}`,
    `  files       ${report.files} listed in manifest.json, each re-hashed`,
    `  key         ${report.keyFingerprint ?? 'unknown'}${pinned.length === 0 ? ' (nothing pinned: pass --key or set ledger.key in trustctl.yaml)' : ''}`,
  ]
  if (report.problems.length > 0) {
    lines.push('', 'What is wrong:')
    for (const p of report.problems) lines.push(`  ${p.message}`)
  }
  return `${lines.join('\n')}\n`
}

export function formatVerify(where: string, report: VerifyReport): string {
  const mb = (report.blobBytes / 1e6).toFixed(1)
  const lines = [
    report.ok
      ? `Ledger verified: ${where}`
      : `Ledger FAILED verification: ${report.problemCount} ${report.problemCount === 1 ? 'problem' : 'problems'} in ${where}`,
    `  records     ${report.records} re-hashed, chain walked; ${mb} MB of blobs re-hashed`,
    `  manifests   ${report.manifests} signed runs checked`,
    `  chain head  record ${report.chainHead.seq} ${report.chainHead.hash}`,
    ...report.keys.map((k) => `  key         ${k.fingerprint}`),
  ]
  if (report.problems.length > 0) {
    lines.push('', 'What is wrong:')
    for (const p of report.problems) lines.push(`  ${p.message}`)
    if (report.problemCount > report.problems.length)
      lines.push(`  … and ${report.problemCount - report.problems.length} more`)
    lines.push(
      '',
      'Nothing was changed or repaired. Restore the store from a backup, or investigate who altered it.',
    )
  }
  if (report.notices.length > 0) lines.push('', ...report.notices.map((n) => `note: ${n}`))
  return `${lines.join('\n')}\n`
}
