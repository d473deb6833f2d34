import type { ConfigLocator } from '../core/config.js'
import { collectors as awsCollectors } from './aws/index.js'
import { collectors as gitHistoryCollectors } from './git-history/index.js'
import { collectors as githubCollectors } from './github/index.js'
import { collectors as kubernetesLiveCollectors } from './kubernetes-live/index.js'
import { collectors as logCollectors } from './logs/index.js'
import { collectors as peopleCollectors } from './people/index.js'
import { collectors as scannerCollectors } from './scanners/index.js'
import { collectors as secretsCollectors } from './secrets/index.js'
import type { FileCollection, SourceCollector, SourceContext } from './source-collector.js'
import * as lazy from './source-registry.js'
import { collectors as terraformCollectors } from './terraform/index.js'

// Every collector imported at once, for tests and tools that read any source type. Commands import
// only the collectors their trustctl.yaml names, through source-registry.ts (the same functions).

export type { SourceEntry } from './source-registry.js'

/** Every source type besides the repository files (`auto`, `kubernetes`, `dockerfile`, CI files). */
export const sourceCollectors: readonly SourceCollector[] = [
  ...terraformCollectors,
  ...awsCollectors,
  ...kubernetesLiveCollectors,
  ...githubCollectors,
  ...gitHistoryCollectors,
  ...scannerCollectors,
  ...secretsCollectors,
  ...logCollectors,
  ...peopleCollectors,
]

/** Every source type trustctl knows, for error messages and `trustctl init`. */
export function knownSourceTypes(collectors: readonly SourceCollector[] = sourceCollectors): string[] {
  return lazy.knownSourceTypes(collectors)
}

/** Validates each source's type and settings before anything is read (see source-registry.ts). */
export function validateSources(
  sources: readonly lazy.SourceEntry[],
  file: string,
  collectors: readonly SourceCollector[] = sourceCollectors,
  locate?: ConfigLocator,
): void {
  lazy.validateSources(sources, file, collectors, locate)
}

/** Reads every configured source (see source-registry.ts). */
export function collectSources(
  sources: readonly lazy.SourceEntry[],
  context: Omit<SourceContext, 'where'>,
  collectors: readonly SourceCollector[] = sourceCollectors,
): Promise<FileCollection> {
  return lazy.collectSources(sources, context, collectors)
}
