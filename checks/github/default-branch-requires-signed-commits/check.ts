import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { guarantee } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/default-branch-requires-signed-commits',
  title: 'Default branches accept only signed commits',
  description:
    'A signature ties each commit to a key its author holds, so a commit made with a stolen password or a spoofed author name is rejected. Many teams rely on reviews instead; enable this check where your policy requires signatures.',
  remediation:
    'Turn on "Require signed commits" in branch protection or add the "Require signed commits" rule to a ruleset on the default branch, and register signing keys for every committer.',
  severity: 'low',
  reads: ['github.repository'],
  params: z.object({
    /** Off by default: signed commits are an organization's choice, not a baseline. */
    enabled: z.boolean().default(false),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      if (!params.enabled)
        return result.notApplicable(
          repository,
          'signed commits are not required by policy (params.enabled is false)',
        )
      const verdict = guarantee(
        repository,
        (p) => p.requiredSignatures === true,
        (r) => r.type === 'required_signatures',
      )
      if (verdict.holds === true)
        return result.pass(
          repository,
          `${repository.defaultBranch} requires signed commits (${verdict.by.join(', ')})`,
        )
      if (verdict.holds === undefined) return result.undetermined(repository, verdict.why)
      const protection = repository.defaultBranchProtection
      if (protection !== null && protection !== undefined && protection.requiredSignatures === undefined)
        return result.undetermined(
          repository,
          'the branch protection did not say whether signatures are required',
        )
      return result.fail(repository, `${repository.defaultBranch} accepts unsigned commits`)
    })
  },
})
