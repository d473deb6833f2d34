import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { parseConfig } from '../core/config.js'
import { ConfigError } from '../core/errors.js'
import type { AssessmentStore } from '../core/store.js'
import { quickConfigValue } from './config-yaml.js'
import { editConfig } from './edit-config.js'
import type { LoadedConfig } from './load-config.js'

// The two small files a team commits beside its store, so a copy of the database alone cannot be
// rewritten unnoticed: trustctl.yaml pins the key that signs the ledger (`ledger.key`), and
// trustctl.anchor holds the newest chain head, so cutting runs off the end is caught by default.

/** The anchor file: the newest chain head recorded, beside trustctl.yaml. */
export const anchorFileName = 'trustctl.anchor'

export interface Anchor {
  seq: number
  hash: string
}

const anchorSchema = z.strictObject({
  format: z.literal(1),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
})

export function anchorPath(loaded: Pick<LoadedConfig, 'root'>): string {
  return path.join(loaded.root, anchorFileName)
}

/** The anchored head, or undefined when there is no anchor yet (a store that never recorded a run). */
export function readAnchor(file: string): Anchor | undefined {
  if (!existsSync(file)) return undefined
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(`${file}: not a trustctl anchor (${(error as Error).message})`)
  }
  const parsed = anchorSchema.safeParse(value)
  if (!parsed.success)
    throw new ConfigError(`${file}: not a trustctl anchor (expected {"format":1,"seq":…,"hash":…})`, {
      hint: 'restore it from version control; it is written after every recorded run',
    })
  return { seq: parsed.data.seq, hash: parsed.data.hash }
}

/** Writes the newest head; an older head never replaces a newer one (two runs finishing out of order). */
export function writeAnchor(file: string, head: Anchor): void {
  if (head.seq === 0) return
  let current: Anchor | undefined
  try {
    current = readAnchor(file)
  } catch {
    current = undefined
  }
  if (current !== undefined && current.seq >= head.seq) return
  writeFileSync(file, `${JSON.stringify({ format: 1, seq: head.seq, hash: head.hash })}\n`)
}

/** The pinned key's fingerprint (hex) from trustctl.yaml, or undefined when none is pinned. */
export function pinnedKeyOf(loaded: Pick<LoadedConfig, 'config'>): string | undefined {
  return loaded.config.ledger.key?.slice('sha256:'.length)
}

/**
 * Pins a key in trustctl.yaml (`ledger.key`). When the file has no `ledger` section yet (the first
 * run), the section is appended as text, so the rest of the file stays byte for byte as the team wrote
 * it (re-serialising would reflow folded text); otherwise the section is edited in place.
 */
export async function pinKey(file: string, fingerprint: string): Promise<void> {
  const text = await readFile(file, 'utf8')
  if (await hasTopLevelKey(text, 'ledger')) {
    await editConfig(file, (doc) => {
      doc.setIn(['ledger', 'key'], `sha256:${fingerprint}`)
    })
    return
  }
  const section = [
    '',
    "# The key that signs this repository's evidence ledger: `trustctl verify` trusts it (and the keys it",
    '# endorsed through `trustctl key rotate`) and nothing else. Commit this section.',
    'ledger:',
    `  key: sha256:${fingerprint}`,
    '',
  ].join('\n')
  const next = `${text.endsWith('\n') ? text : `${text}\n`}${section}`
  parseConfig(await yamlValue(next), file)
  await writeFile(file, next)
}

/**
 * A YAML file's value as loadConfig reads it: by js-yaml where quickConfigValue reads the file the
 * same as the `yaml` package would (a plain trustctl.yaml), else by the `yaml` package. A first run
 * pinned its key by parsing the file twice with the `yaml` package, which it loaded for that alone
 * (some 20 ms of a small repository's first run).
 */
async function yamlValue(text: string): Promise<unknown> {
  const quick = quickConfigValue(text)
  if (quick !== undefined) return quick
  const { parseDocument } = await import('yaml')
  return parseDocument(text).toJS()
}

/** Whether the file's top-level map has `key` (the `yaml` package's Document.has, for a plain file). */
async function hasTopLevelKey(text: string, key: string): Promise<boolean> {
  const quick = quickConfigValue(text)
  if (quick !== undefined)
    return typeof quick === 'object' && quick !== null && !Array.isArray(quick) && Object.hasOwn(quick, key)
  // Imported here: every command that opens the store loads this module; few files need the package.
  const { parseDocument } = await import('yaml')
  return parseDocument(text).has(key)
}

/** The ledger's root key: its first signing-key record, or undefined for an empty ledger. */
export async function ledgerRootKey(store: AssessmentStore): Promise<string | undefined> {
  for await (const { record } of store.scan({ kinds: ['signing-key'] })) return record.id
  return undefined
}

/**
 * After a recorded run: pins the root key when trustctl.yaml has none (the first run) and moves the
 * anchor to the new head. Failing to write either is said, never fatal: the run is already signed.
 */
export async function keepTrustFiles(
  loaded: LoadedConfig,
  store: AssessmentStore,
  notify: (text: string) => void,
): Promise<void> {
  try {
    if (pinnedKeyOf(loaded) === undefined && existsSync(loaded.file)) {
      const root = await ledgerRootKey(store)
      if (root !== undefined) {
        await pinKey(loaded.file, root)
        notify(
          `Pinned the ledger key sha256:${root.slice(0, 16)}… in ${path.basename(loaded.file)} (ledger.key); commit it.\n`,
        )
      }
    }
  } catch (error) {
    notify(`could not pin the ledger key in ${loaded.file}: ${(error as Error).message}\n`)
  }
  try {
    writeAnchor(anchorPath(loaded), await store.head())
  } catch (error) {
    notify(`could not write ${anchorPath(loaded)}: ${(error as Error).message}\n`)
  }
}

/**
 * The key a reused parse result's run must be signed by (or a key it endorsed): the pinned key, or,
 * before anything is pinned, the key this run signs with, so nothing another key signed is reused.
 */
export function cacheRootKey(loaded: Pick<LoadedConfig, 'config'>, signer: { fingerprint: string }): string {
  return pinnedKeyOf(loaded) ?? signer.fingerprint
}

/** Keys a package may be signed by: the pinned key and those it endorsed by rotation. */
export function trustedKeysOf(loaded: Pick<LoadedConfig, 'config'>): string[] {
  const pinned = pinnedKeyOf(loaded)
  return pinned === undefined
    ? []
    : [pinned, ...loaded.config.ledger.endorsed.map((k) => k.slice('sha256:'.length))]
}
