import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

/**
 * The shipped YAML files the catalog snapshot does not cover (crosswalks, provider profiles, policy
 * front matter), parsed once at build time: each parse result as JSON under the SHA-256 of the exact
 * text it came from. At run time a text with a recorded hash is read from JSON instead of YAML; every
 * other text (an edited or added file, a run from source with no build) is parsed as before. The
 * result is validated by the same schema either way, so the snapshot only saves the YAML parse.
 */
export const yamlSnapshotFile = shippedSnapshotFile('yaml-snapshot.json')

/**
 * Where the build writes the snapshot called `name`: beside the built catalog loaders (dist/src/catalog),
 * so a run from source has none and parses and validates every file.
 */
export function shippedSnapshotFile(name: string): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), name)
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/**
 * The snapshot file's text from the YAML texts and the parser the loaders use. A text that does not
 * parse, or whose result would not come back unchanged from JSON, is left out (parsed at run time).
 */
export function yamlSnapshotText(texts: readonly string[], parse: (text: string) => unknown): string {
  const entries: Record<string, string> = {}
  for (const text of texts) {
    let data: unknown
    try {
      data = parse(text)
    } catch {
      continue
    }
    if (data === undefined) continue
    const json = JSON.stringify(data)
    if (isDeepStrictEqual(JSON.parse(json), data)) entries[sha256(text)] = json
  }
  const body = JSON.stringify(entries)
  return `${JSON.stringify({ version: 1, bodySha256: sha256(body), body })}\n`
}

/**
 * The parse results by text hash; a missing, damaged or foreign file is an empty map (every text is
 * parsed). The body carries its own hash, so a truncated or edited snapshot is ignored whole.
 */
export function readYamlSnapshot(file: string): Map<string, string> {
  try {
    const outer: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (typeof outer !== 'object' || outer === null) return new Map()
    const { version, bodySha256, body } = outer as Record<string, unknown>
    if (version !== 1 || typeof body !== 'string' || sha256(body) !== bodySha256) return new Map()
    const inner: unknown = JSON.parse(body)
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return new Map()
    const entries = Object.entries(inner as Record<string, unknown>)
    if (!entries.every(([, json]) => typeof json === 'string')) return new Map()
    return new Map(entries as [string, string][])
  } catch {
    return new Map()
  }
}

const shipped = new Map<string, ReadonlyMap<string, string>>()

/**
 * A snapshot the build shipped (shippedSnapshotFile), read once per process: the build does not change
 * during a run, and every load of the catalog consults it. Missing or damaged, it is an empty map (as
 * readYamlSnapshot), and stays so for the process.
 */
export function shippedSnapshot(file: string): ReadonlyMap<string, string> {
  let snapshot = shipped.get(file)
  if (snapshot === undefined) {
    snapshot = readYamlSnapshot(file)
    shipped.set(file, snapshot)
  }
  return snapshot
}

/** The build's parse result for exactly this text (a fresh copy), or undefined to parse it. */
export function snapshotParse(text: string, snapshot?: ReadonlyMap<string, string>): unknown {
  const entries = snapshot ?? shippedSnapshot(yamlSnapshotFile)
  const json = entries.get(sha256(text))
  return json === undefined ? undefined : JSON.parse(json)
}
