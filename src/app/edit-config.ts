import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import type { Document } from 'yaml'
import { parseConfig } from '../core/config.js'
import { ConfigError } from '../core/errors.js'

// Edits of trustctl.yaml shared by `trustctl vendors` and the server's vendor routes.

/** SHA-256 of a file, read as a stream so a large report never sits in memory whole. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot read the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    )
  }
  return hash.digest('hex')
}

/**
 * Changes trustctl.yaml in place, keeping its comments and layout, and only when the result is a
 * valid configuration: a bad flag never leaves a broken file behind.
 */
export async function editConfig(file: string, edit: (doc: Document) => void): Promise<void> {
  // Imported here, not at the top: every command that opens the store loads this module, and only
  // an edit needs the `yaml` package.
  const { parseDocument } = await import('yaml')
  const doc = parseDocument(await readFile(file, 'utf8'))
  edit(doc)
  parseConfig(doc.toJS(), file)
  await writeFile(file, doc.toString())
}

/** Position of a vendor (by name, any case) in the vendors list; an unknown name is a clear error. */
export function vendorIndex(doc: Document, name: string, file: string): number {
  const vendors = (doc.toJS() as { vendors?: { name?: string }[] }).vendors ?? []
  const index = vendors.findIndex((v) => v.name?.toLowerCase() === name.trim().toLowerCase())
  if (index === -1)
    throw new ConfigError(
      `${file}: vendors: no vendor '${name}' (vendors: ${vendors.map((v) => v.name).join(', ') || 'none'})`,
      { hint: `add it first: trustctl vendors add "${name}" --criticality high` },
    )
  return index
}
