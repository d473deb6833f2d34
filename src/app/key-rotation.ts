import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { signingKeyEntry } from '../core/ledger-entries.js'
import { ed25519Signer, type Signer } from '../core/ledger-manifest.js'
import { editConfig } from './edit-config.js'
import { anchorPath, ledgerRootKey, writeAnchor } from './ledger-trust.js'
import type { LoadedConfig } from './load-config.js'
import { openStore } from './open-store.js'
import { readSigner, signingKeyPath } from './signing-key.js'
import { toolVersion } from './version.js'

export interface Rotation {
  previous: Signer
  next: Signer
  /** Where the new private key was written. */
  keyFile: string
  /** The run whose signed records hold the endorsement. */
  runId: number
  /** Set when TRUSTCTL_SIGNING_KEY chose the key: the variable must now point at `keyFile`. */
  envOverride: boolean
}

/**
 * `trustctl key rotate`: a new Ed25519 key beside the current one, endorsed by the current key in a
 * run of its own (signed by the current key, so the endorsement itself is covered by a trusted
 * signature), then trustctl.yaml points store.key at the new key and lists it under ledger.endorsed.
 * The pin (ledger.key) stays the root: verify follows the endorsements from it.
 */
export async function rotateSigningKey(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<Rotation> {
  const currentFile = signingKeyPath(env, { key: loaded.config.store.key, root: loaded.root })
  const previous = readSigner(currentFile)
  const { privateKey } = generateKeyPairSync('ed25519')
  const next = ed25519Signer(privateKey)
  const keyFile = path.join(path.dirname(currentFile), `${next.fingerprint.slice(0, 16)}.pem`)
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 })
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
  const store = await openStore(loaded, env)
  let runId: number
  let root: string | undefined
  try {
    const at = now.toISOString()
    runId = await store.beginRun({ startedAt: at, toolVersion: toolVersion(), signer: previous })
    await store.append(runId, [
      signingKeyEntry(next, { collectedAt: at, toolVersion: toolVersion() }, previous),
    ])
    await store.finishRun(runId, at, previous)
    root = await ledgerRootKey(store)
    writeAnchor(anchorPath(loaded), await store.head())
  } finally {
    await store.close()
  }
  const home = os.homedir()
  const shown = keyFile.startsWith(`${home}${path.sep}`) ? `~${keyFile.slice(home.length)}` : keyFile
  await editConfig(loaded.file, (doc) => {
    doc.setIn(['store', 'key'], shown)
    if (doc.getIn(['ledger', 'key']) === undefined && root !== undefined)
      doc.setIn(['ledger', 'key'], `sha256:${root}`)
    const endorsed = loaded.config.ledger.endorsed
    doc.setIn(['ledger', 'endorsed'], [...endorsed, `sha256:${next.fingerprint}`])
  })
  return { previous, next, keyFile, runId, envOverride: Boolean(env.TRUSTCTL_SIGNING_KEY) }
}
