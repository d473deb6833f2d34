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
}

/** What reading one or more sources produced; errors never stop the other inputs. */
export interface FileCollection {
  evidence: EvidenceItem[]
  errors: CollectionError[]
  inputs: CollectedInput[]
}

export const emptyCollection = (): FileCollection => ({ evidence: [], errors: [], inputs: [] })

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
  /** The store's salt for fingerprints of secrets found (stable per store, never printed). */
  fingerprintSalt?: string
}

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
