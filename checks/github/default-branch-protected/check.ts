import { defineCheck } from '../../../src/core/check.js'
import { describeBy, isProtected } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/default-branch-protected',
  title: 'Default branches are protected by branch protection or a ruleset',
  description:
    'An unprotected default branch accepts any push from anyone with write access: no review, no tests, no history kept. Branch protection or a ruleset is what turns the pull request process into a control.',
  remediation:
    'Add a branch ruleset (Settings → Rules → Rulesets) or classic branch protection that targets the default branch.',
  severity: 'high',
  reads: ['github.repository'],
  evaluate({ evidence, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const verdict = isProtected(repository)
      if (verdict.holds === undefined) return result.undetermined(repository, verdict.why)
      return verdict.holds
        ? result.pass(repository, `${describeBy(repository, verdict.by)} is protected`)
        : result.fail(repository, `${repository.defaultBranch} has neither branch protection nor a ruleset`)
    })
  },
})
