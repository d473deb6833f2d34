import { readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import type { z } from 'zod'
import { CatalogError, ConfigError, formatPath } from '../core/errors.js'
import { snapshotParse } from './yaml-snapshot.js'

/** Whose file it is decides the error: a user's file is configuration, a shipped one the catalog. */
export type FileOwner = 'catalog' | 'user'

function fail(owner: FileOwner, message: string, cause?: unknown): never {
  const options = cause === undefined ? {} : { cause }
  throw owner === 'catalog' ? new CatalogError(message, options) : new ConfigError(message, options)
}

/** Reads a text file; a missing or unreadable file is an error naming it. */
export async function readText(file: string, label: string, owner: FileOwner): Promise<string> {
  try {
    // Synchronous: the shipped catalog's few dozen small files are read at every start-up, and each
    // read as a promise is four thread-pool round trips (open, stat, read, close) for a few kB.
    return readFileSync(file, 'utf8')
  } catch (error) {
    return fail(
      owner,
      `${label}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      error,
    )
  }
}

/** Parses YAML text, keeping dates and other scalars as plain strings; syntax errors name the line. */
export function parseYaml(text: string, label: string, owner: FileOwner): unknown {
  // A shipped file unchanged since the build: its parse result from the build's snapshot.
  if (owner === 'catalog') {
    const snapshotted = snapshotParse(text)
    if (snapshotted !== undefined) return snapshotted
  }
  try {
    return yaml.load(text, { filename: label, schema: yaml.JSON_SCHEMA })
  } catch (error) {
    if (error instanceof yaml.YAMLException)
      return fail(owner, `${label}:${error.mark.line + 1}: invalid YAML: ${error.reason}`)
    throw error
  }
}

/** Validates data against a schema; every problem names the file and key path. */
export function validateData<S extends z.ZodType>(
  schema: S,
  data: unknown,
  label: string,
  owner: FileOwner,
): z.output<S> {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  return fail(
    owner,
    result.error.issues
      .map((i) => `${label}: ${formatPath(i.path) || '(top level)'}: ${i.message}`)
      .join('\n'),
  )
}

/** Files with one of these extensions directly in a folder, sorted so load order is stable. */
export async function listFiles(dir: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && extensions.some((x) => e.name.endsWith(x)))
    .map((e) => path.join(dir, e.name))
    .sort()
}

/** A path as shown in messages: relative to a base folder, with forward slashes. */
export function displayPath(file: string, base: string): string {
  return path.relative(base, file).split(path.sep).join('/')
}
