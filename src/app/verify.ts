import { readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../core/errors.js'
import { sha256 } from '../core/ledger.js'
import {
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  withProblems,
} from '../core/ledger-verify.js'
import { type PackageVerifyReport, verifyPackage } from '../core/package-verify.js'
import type { AssessmentStore } from '../core/store.js'
import { verifyBundle } from '../store/bundle.js'
import { verifyStore } from '../store/ledger-operations.js'
import { type Anchor, anchorFileName, anchorPath, pinnedKeyOf, readAnchor } from './ledger-trust.js'
import { findConfig, type LoadedConfig, loadConfig } from './load-config.js'
import { withStore } from './open-store.js'

/**
 * `trustctl verify` with no flags: the pinned key from trustctl.yaml (unless `--key`) and the anchored
 * chain head from trustctl.anchor, so a re-signed ledger or one cut short fails by default. A missing
 * pin or anchor is a notice (a store that never recorded a run), not a failure.
 */
export async function verifyConfiguredStore(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  given: { pinnedKey?: string; expectHashes?: readonly string[] },
): Promise<VerifyReport> {
  const { options, notices } = defaultVerifyOptions(loaded, given)
  const report = await withStore(loaded, env, (store) => verifyWithTrust(store, loaded, options))
  return { ...report, notices: [...report.notices, ...notices] }
}

/** What verify trusts by default: `--key`, else ledger.key; and notices for what is not pinned. */
export function defaultVerifyOptions(
  loaded: Pick<LoadedConfig, 'config' | 'root'>,
  given: { pinnedKey?: string; expectHashes?: readonly string[] },
): { options: VerifyOptions; notices: string[] } {
  const notices: string[] = []
  const pinnedKey = given.pinnedKey ?? pinnedKeyOf(loaded)
  if (pinnedKey === undefined)
    notices.push(
      'no ledger.key in trustctl.yaml and no --key: the ledger’s first key was trusted as its root (the next assess pins it)',
    )
  if (readAnchor(anchorPath(loaded)) === undefined)
    notices.push(
      `no ${anchorFileName} beside trustctl.yaml: truncation of the newest runs was not checked (first run?)`,
    )
  const options: VerifyOptions = {
    ...(pinnedKey === undefined ? {} : { pinnedKey }),
    ...(given.expectHashes === undefined ? {} : { expectHashes: given.expectHashes }),
  }
  return { options, notices }
}

/**
 * `trustctl verify --bundle DIR`: the key is `--key`, else the `ledger.key` pinned in the trustctl.yaml
 * of this project (given with --config, or found from the working folder), as plain verify pins it.
 * On a machine without either (an auditor's), the bundle's own keys are trusted and a notice says so.
 */
export async function verifyBundleWithTrust(
  dir: string,
  given: { pinnedKey?: string; expectHashes?: readonly string[]; config?: string; cwd: string },
): Promise<VerifyReport & { pinnedKey?: string }> {
  const configFile = given.config ?? findConfig(given.cwd)
  const pinnedKey =
    given.pinnedKey ??
    (configFile === undefined ? undefined : pinnedKeyOf(await loadConfig(given.config, given.cwd)))
  const report = await verifyBundle(dir, {
    ...(pinnedKey === undefined ? {} : { pinnedKey }),
    ...(given.expectHashes === undefined ? {} : { expectHashes: given.expectHashes }),
  })
  const notices =
    pinnedKey !== undefined
      ? given.pinnedKey === undefined
        ? [`pinned key sha256:${pinnedKey.slice(0, 16)}… from ${configFile ?? 'trustctl.yaml'} (ledger.key)`]
        : []
      : [
          'no --key and no ledger.key in a trustctl.yaml here: the keys the bundle carries were trusted; pass --key <fingerprint from the report>',
        ]
  return {
    ...report,
    notices: [...report.notices, ...notices],
    ...(pinnedKey === undefined ? {} : { pinnedKey }),
  }
}

/** The store verified with the given options and the anchor beside trustctl.yaml (when there is one). */
export async function verifyWithTrust(
  store: AssessmentStore,
  loaded: Pick<LoadedConfig, 'root'>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const anchor = readAnchor(anchorPath(loaded))
  const verified = await verifyStore(store, options)
  return anchor === undefined ? verified : withProblems(verified, await anchorProblems(store, anchor))
}

/** The anchored head must be in the chain, at its place: else the newest runs were cut off or rewritten. */
async function anchorProblems(store: AssessmentStore, anchor: Anchor): Promise<VerifyProblem[]> {
  for await (const { record } of store.scan({ fromSeq: anchor.seq, toSeq: anchor.seq }))
    if (record.hash === anchor.hash) return []
  return [
    {
      type: 'anchor-mismatch',
      seq: anchor.seq,
      message: `${anchorFileName} holds chain head record ${anchor.seq} ${anchor.hash.slice(0, 12)}, which is not in the ledger: the newest records were cut off or the chain was rewritten`,
    },
  ]
}

/** Reads a package folder (every file but manifest.json, hashed) and verifies its signed manifest. */
export async function verifyPackageFolder(
  dir: string,
  trustedKeys: readonly string[],
): Promise<PackageVerifyReport> {
  let manifestText: string
  try {
    manifestText = await readFile(path.join(dir, 'manifest.json'), 'utf8')
  } catch {
    throw new ConfigError(`--package ${dir}: no manifest.json in that folder`, {
      hint: 'point --package at the folder `trustctl package` wrote',
    })
  }
  const contents = new Map<string, { bytes: number; sha256: string }>()
  // Read synchronously, one file after another: a promise-based read is four round trips to the
  // thread pool per file, which left a folder of many small files mostly waiting (see verifyBundle).
  for (const file of filesUnder(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/')
    if (rel === 'manifest.json') continue
    const bytes = readFileSync(file)
    contents.set(rel, { bytes: bytes.byteLength, sha256: sha256(bytes) })
  }
  // The package is signed by one key: the pinned one, or a key it endorsed by rotation.
  const first = verifyPackage(manifestText, contents)
  const signedBy = first.keyFingerprint
  const pinnedKey =
    trustedKeys.length === 0 || signedBy === undefined || !trustedKeys.includes(signedBy)
      ? trustedKeys[0]
      : signedBy
  return pinnedKey === undefined ? first : verifyPackage(manifestText, contents, { pinnedKey })
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) filesUnder(full, out)
    else if (entry.isFile() || statSync(full).isFile()) out.push(full)
  }
  return out
}
