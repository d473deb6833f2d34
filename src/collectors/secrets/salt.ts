import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The store's salt for fingerprints of secrets found: created once, kept beside the store, so the
 * same secret gets the same fingerprint in every run of this store (allow-lists keep working) while a
 * fingerprint cannot be matched against guessed secrets by anyone without the store.
 */
export async function loadFingerprintSalt(storeDir: string): Promise<string> {
  const file = path.join(storeDir, 'fingerprint-salt')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const salt = chosenSalts.get(path.resolve(storeDir)) ?? newSalt()
  chosenSalts.delete(path.resolve(storeDir))
  await mkdir(storeDir, { recursive: true })
  // `wx`: if another run created it meanwhile, keep theirs.
  await writeFile(file, `${salt}\n`, { flag: 'wx', mode: 0o600 }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    },
  )
  return (await readFile(file, 'utf8')).trim()
}

const newSalt = (): string => randomBytes(32).toString('hex')

/** Salts chosen before their store had one (upcomingFingerprintSalt), by the store folder's absolute path. */
const chosenSalts = new Map<string, string>()

/**
 * The salt loadFingerprintSalt(storeDir) will return later in this process, known before the run
 * creates its store: the store's own when it has one; else one chosen now, which loadFingerprintSalt
 * writes when it creates the file, unless another run wrote one first. Nothing is written here, so
 * a run that fails before it collects leaves no file behind. The secrets scan of a first run starts
 * with it while the run loads its checks (startEarlyWork); the collector uses that scan only if its
 * own salt turns out to be this one. Undefined when the file cannot be read: loadFingerprintSalt
 * reports that.
 */
export function upcomingFingerprintSalt(storeDir: string): string | undefined {
  try {
    return readFileSync(path.join(storeDir, 'fingerprint-salt'), 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined
  }
  const key = path.resolve(storeDir)
  const salt = chosenSalts.get(key) ?? newSalt()
  chosenSalts.set(key, salt)
  return salt
}

/**
 * The salt for a run that stores nothing (`gaps`, `explain`, `report`, `plan`): the store's own when
 * there is one, so fingerprints match those recorded; else a salt for this run only, never written, so
 * a read-only command leaves no file behind and its fingerprints still cannot be matched to guesses.
 */
export async function readFingerprintSalt(storeDir: string): Promise<string> {
  try {
    return (await readFile(path.join(storeDir, 'fingerprint-salt'), 'utf8')).trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return newSalt()
}
