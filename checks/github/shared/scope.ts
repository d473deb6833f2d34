import type { ResultBuilder } from '../../../src/core/check.js'
import type { GitHubRepository } from '../../../src/core/evidence-vcs.js'

/**
 * Archived repositories are read-only: nobody can push, so branch and scanning settings no longer
 * protect anything. They are reported as not-applicable so the population stays complete.
 */
export function archivedOutcome(repository: GitHubRepository, result: ResultBuilder) {
  return repository.archived
    ? result.notApplicable(repository, 'the repository is archived (read-only)')
    : undefined
}
