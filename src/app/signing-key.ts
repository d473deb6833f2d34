import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../core/errors.js'
import { ed25519Signer, keyFingerprint, type Signer } from '../core/ledger-manifest.js'
import type { LoadedConfig } from './load-config.js'

/**
 * Where the Ed25519 key that signs runs lives: TRUSTCTL_SIGNING_KEY, else store.key from
 * trustctl.yaml, else the user's config folder. Never inside the store or the repository, so a copy
 * of either cannot re-sign what it holds.
 */
export function signingKeyPath(
  env: NodeJS.ProcessEnv,
  configured?: { key: string | undefined; root: string },
): string {
  if (env.TRUSTCTL_SIGNING_KEY) return path.resolve(env.TRUSTCTL_SIGNING_KEY)
  if (configured?.key !== undefined)
    return path.resolve(configured.root, configured.key.replace(/^~(?=$|\/)/, os.homedir()))
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(base, 'trustctl', 'keys', 'default.pem')
}

/** The ledger key trustctl.yaml points at (or TRUSTCTL_SIGNING_KEY, or the default), created when missing. */
export function configuredSigner(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  notify: (text: string) => void,
): Signer {
  return loadOrCreateSigner(signingKeyPath(env, { key: loaded.config.store.key, root: loaded.root }), notify)
}

/**
 * The configured signing key when it exists, else undefined: for commands that only read, which
 * must not create a key as a side effect (a key made by `gaps` would sign nothing and confuse a pin).
 */
export function existingSigner(loaded: LoadedConfig, env: NodeJS.ProcessEnv): Signer | undefined {
  const file = signingKeyPath(env, { key: loaded.config.store.key, root: loaded.root })
  return existsSync(file) ? readSigner(file) : undefined
}

/** Reads the signing key, or creates it (and says so) when there is none yet. */
export function loadOrCreateSigner(file: string, notify: (text: string) => void): Signer {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519')
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    // wx: never overwrite a key another process wrote meanwhile.
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
      const signer = ed25519Signer(privateKey)
      notify(
        `Created the signing key ${file} (fingerprint ${signer.fingerprint.slice(0, 16)}…). Keep it safe and out of the repository; back it up.\n`,
      )
      return signer
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return readSigner(file)
}

/** Reads an existing signing key; a file that is not an Ed25519 private key is a clear error. */
export function readSigner(file: string): Signer {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the signing key: ${(error as Error).message}`)
  }
  try {
    return ed25519Signer(createPrivateKey(text))
  } catch (error) {
    throw new ConfigError(`${file}: not an Ed25519 private key in PEM form (${(error as Error).message})`, {
      hint: 'point TRUSTCTL_SIGNING_KEY or store.key at the key trustctl created, or move this file away to create a new one',
    })
  }
}

/** `--key`: a fingerprint (64 hex digits) or a PEM file holding the public or the private key. */
export function resolveKeyFingerprint(value: string, cwd: string): string {
  if (/^[0-9a-f]{64}$/i.test(value)) return value.toLowerCase()
  const file = path.resolve(cwd, value)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ConfigError(`--key ${value}: neither a key fingerprint (64 hex digits) nor a readable PEM file`)
  }
  try {
    return keyFingerprint(createPublicKey(text).export({ type: 'spki', format: 'pem' }).toString())
  } catch (error) {
    throw new ConfigError(`--key ${file}: not a PEM public or private key (${(error as Error).message})`)
  }
}
