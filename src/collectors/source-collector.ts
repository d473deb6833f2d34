import type { z } from 'zod'
import type { CollectionError, EvidenceItem } from '../core/evidence.js'

/** A file (or API response set) that was read, with the hash of its exact bytes. */
export interface CollectedInput {
  file: string
  /** The source type that read it: `kubernetes`, `terraform-plan`, `aws`… */
  collector: string
  sha256: string
  bytes: number
  items: number
  /** True when the same bytes were parsed by an earlier run and its evidence was reused. */
  reused?: boolean
}

/** What reading one or more sources produced; errors never stop the other inputs. */
export interface FileCollection {
  evidence: EvidenceItem[]
  errors: CollectionError[]
  inputs: CollectedInput[]
}

export const emptyCollection = (): FileCollection => ({ evidence: [], errors: [], inputs: [] })

/** What parsing one input produced, kept so an unchanged input is not parsed again. */
export interface ParsedInput {
  /** False for a file that turned out not to be one trustctl reads (a YAML file that is no manifest). */
  isManifest: boolean
  evidence: EvidenceItem[]
  errors: CollectionError[]
  /** The reader that recognised it, when not the one its name chose (a YAML CloudFormation template). */
  collector?: string
  /**
   * Items per file, in the files' order, for a result made of several files together (a Terraform
   * module set): a reused result reports each file with the items it gave.
   */
  items?: number[]
}

/**
 * Results of inputs parsed by earlier runs, by collector, path and content hash. The store backs it,
 * so a rerun over unchanged files reads their evidence back instead of parsing them again.
 */
export interface ParseCache {
  get(key: string): Promise<ParsedInput | undefined>
  set(key: string, parsed: ParsedInput): void
}

/** The cache key of an input: the same bytes at the same path read by the same collector. */
export const parseCacheKey = (collector: string, file: string, sha256: string): string =>
  `${collector}:${sha256}:${file}`

/** One input's parse, read back from the cache when the same bytes were parsed before. */
export interface CachedParse {
  parsed: ParsedInput
  /** True when an earlier run's result was reused and nothing was parsed. */
  reused: boolean
}

/**
 * Parses one input through the cache: the result of an earlier run for the same collector, path and
 * bytes when there is one, else `parse()`, whose result is then offered to the cache. `parse` must
 * depend on nothing but the bytes and the path (no clock, no salt), or a stale result would be reused.
 */
export async function parseThroughCache(
  cache: ParseCache | undefined,
  collector: string,
  input: { file: string; sha256: string },
  parse: () => ParsedInput,
): Promise<CachedParse> {
  const key = parseCacheKey(collector, input.file, input.sha256)
  const cached = await cache?.get(key)
  if (cached !== undefined) return { parsed: cached, reused: true }
  const parsed = parse()
  cache?.set(key, parsed)
  return { parsed, reused: false }
}

/** Where a source is read from and under which name it is reported. */
export interface SourceContext {
  /** Folder of trustctl.yaml: relative paths in the source are resolved against it. */
  root: string
  /** `sources[3]`: prefix for error messages about this source's settings. */
  where: string
  /** The run's clock, so collected-at times and ages are reproducible in tests. */
  now: Date
  /** Environment variables (tokens, profiles); tests pass their own. */
  env: Readonly<Record<string, string | undefined>>
  /** Earlier runs' parse results (incremental runs); without it every input is parsed. */
  parseCache?: ParseCache
  /** The store's salt for fingerprints of secrets found (stable per store, never printed). */
  fingerprintSalt?: string
  /** The audit period (trustctl.yaml `scope.period`): the default window of history sources. */
  period?: { from: string; to: string }
  /**
   * Given a file a collector read whole (its name as evidence gives it, its bytes and their text),
   * for the secret screen of the masking pass, which would otherwise read the file again.
   */
  screenText?: (file: string, bytes: Uint8Array, text: string) => void
}

/** True when a parse result holds evidence or errors: something the run's masking pass reads. */
export const givesSomething = (parsed: Pick<ParsedInput, 'evidence' | 'errors'>): boolean =>
  parsed.evidence.length > 0 || parsed.errors.length > 0

/**
 * A collector for one source type in trustctl.yaml (`- type: terraform-plan`). The source entry is
 * validated by `options` (a strict zod schema over the whole entry, `type` included), so a typo in a
 * setting is an error naming `sources[3].regions`, not a silently ignored key.
 */
export interface SourceCollector<O = unknown> {
  type: string
  /** One line for `trustctl init` and the README: what it reads. */
  summary: string
  options: z.ZodType<O>
  collect(options: O, context: SourceContext): Promise<FileCollection>
}

/** Declares a source collector, keeping its options type while the registry holds it erased. */
export function defineSourceCollector<O>(collector: SourceCollector<O>): SourceCollector {
  return collector as SourceCollector<unknown> as SourceCollector
}
