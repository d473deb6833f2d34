import path from 'node:path'
import { verifyBundle, verifyStore } from '../../app/ledger.js'
import { loadConfig } from '../../app/load-config.js'
import { storeLocation, withStore } from '../../app/open-store.js'
import { resolveKeyFingerprint } from '../../app/signing-key.js'
import { ConfigError } from '../../core/errors.js'
import type { VerifyOptions, VerifyReport } from '../../core/ledger-verify.js'
import { exitCode } from '../exit-codes.js'

export interface VerifyCommandOptions {
  config?: string
  bundle?: string
  key?: string
  chainHead?: string[]
  format: string
}

/** `trustctl verify`: re-hash and walk the store (or a bundle); exit 1 when anything is wrong. */
export async function verifyCommand(
  options: VerifyCommandOptions,
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  const verifyOptions: VerifyOptions = {
    ...(options.key === undefined ? {} : { pinnedKey: resolveKeyFingerprint(options.key, io.cwd) }),
    ...(options.chainHead === undefined || options.chainHead.length === 0
      ? {}
      : { expectHashes: options.chainHead.map((h) => h.toLowerCase()) }),
  }
  let report: VerifyReport
  let where: string
  if (options.bundle !== undefined) {
    where = path.resolve(io.cwd, options.bundle)
    report = await verifyBundle(where, verifyOptions)
  } else {
    const loaded = await loadConfig(options.config, io.cwd)
    where = storeLocation(loaded, process.env)
    report = await withStore(loaded, process.env, (store) => verifyStore(store, verifyOptions))
  }
  io.out(
    options.format === 'json'
      ? `${JSON.stringify({ where, ...report }, null, 2)}\n`
      : formatVerify(where, report),
  )
  return report.ok ? exitCode.clean : exitCode.failures
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
