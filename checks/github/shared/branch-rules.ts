import type {
  GitHubBranchProtection,
  GitHubRepository,
  GitHubRule,
  GitHubRuleset,
} from '../../../src/core/evidence-vcs.js'

/**
 * Whether the default branch guarantees something, from classic branch protection and rulesets
 * together: GitHub applies both, so a guarantee from either holds. `undefined` when neither says so
 * and one of them could not be read (it might have).
 */
export type Guarantee = { holds: true; by: string[] } | { holds: false } | { holds: undefined; why: string }

/** Rules of rulesets that are enforced; `evaluate` rulesets only report, so they guarantee nothing. */
export function activeRules(repository: GitHubRepository): GitHubRule[] | undefined {
  const rules = repository.defaultBranchRules
  if (rules === undefined) return undefined
  return rules.filter((rule) => {
    const enforcement = rulesetOf(repository, rule.rulesetId)?.enforcement
    return enforcement === undefined || enforcement === 'active'
  })
}

export function rulesetOf(repository: GitHubRepository, id: number): GitHubRuleset | undefined {
  return repository.rulesets?.find((r) => r.id === id)
}

export function rulesetLabel(repository: GitHubRepository, id: number): string {
  const name = rulesetOf(repository, id)?.name
  return name === undefined ? `ruleset ${id}` : `ruleset "${name}"`
}

/** Checks one property of the default branch against both mechanisms. */
export function guarantee(
  repository: GitHubRepository,
  byProtection: (protection: GitHubBranchProtection) => boolean,
  byRule: (rule: GitHubRule) => boolean,
): Guarantee {
  const by: string[] = []
  const protection = repository.defaultBranchProtection
  if (protection !== undefined && protection !== null && byProtection(protection))
    by.push('branch protection')
  const rules = activeRules(repository)
  for (const rule of rules ?? []) {
    const label = rulesetLabel(repository, rule.rulesetId)
    if (byRule(rule) && !by.includes(label)) by.push(label)
  }
  if (by.length > 0) return { holds: true, by }
  if (protection === undefined)
    return { holds: undefined, why: `the branch protection of ${repository.defaultBranch} could not be read` }
  if (rules === undefined)
    return { holds: undefined, why: `the rulesets on ${repository.defaultBranch} could not be read` }
  return { holds: false }
}

/** True when the default branch has any rule at all, from either mechanism. */
export function isProtected(repository: GitHubRepository): Guarantee {
  return guarantee(
    repository,
    () => true,
    () => true,
  )
}

/** Where the outcome message starts: `main (branch protection, ruleset "main")`. */
export function describeBy(repository: GitHubRepository, by: readonly string[]): string {
  return `${repository.defaultBranch} (${by.join(', ')})`
}
