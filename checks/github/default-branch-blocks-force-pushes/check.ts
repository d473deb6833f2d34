import { defineCheck } from '../../../src/core/check.js'
import { guarantee } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/default-branch-blocks-force-pushes',
  title: 'Default branches reject force pushes and deletion',
  description:
    'A force push rewrites the history of changes that were reviewed and released, and deleting the branch removes it; either can hide an unreviewed change. The record of what reached production must be append-only.',
  remediation:
    'Keep "Allow force pushes" and "Allow deletions" off in branch protection, or add the "Block force pushes" and "Restrict deletions" rules to a ruleset on the default branch.',
  severity: 'high',
  reads: ['github.repository'],
  evaluate({ evidence, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const forcePush = guarantee(
        repository,
        (p) => !p.allowForcePushes,
        (r) => r.type === 'non_fast_forward',
      )
      const deletion = guarantee(
        repository,
        (p) => !p.allowDeletions,
        (r) => r.type === 'deletion',
      )
      const open = [
        ...(forcePush.holds === false ? ['force pushes'] : []),
        ...(deletion.holds === false ? ['deletion'] : []),
      ]
      if (open.length > 0)
        return result.fail(repository, `${repository.defaultBranch} allows ${open.join(' and ')}`)
      if (forcePush.holds === undefined) return result.undetermined(repository, forcePush.why)
      if (deletion.holds === undefined) return result.undetermined(repository, deletion.why)
      return result.pass(repository, `${repository.defaultBranch} rejects force pushes and deletion`)
    })
  },
})
