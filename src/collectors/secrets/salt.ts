import { randomBytes } from 'node:crypto'
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
  const salt = randomBytes(32).toString('hex')
  await mkdir(storeDir, { recursive: true })
  // `wx`: if another run created it meanwhile, keep theirs.
  await writeFile(file, `${salt}\n`, { flag: 'wx', mode: 0o600 }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    },
  )
  return (await readFile(file, 'utf8')).trim()
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
  return randomBytes(32).toString('hex')
}
