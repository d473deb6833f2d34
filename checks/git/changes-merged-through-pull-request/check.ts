import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { emergencyExemptMessage, judgePopulation } from '../shared/population.js'

export default defineCheck({
  id: 'git/changes-merged-through-pull-request',
  title: 'Every change to the default branch arrives through a pull request',
  description:
    'A pull request is where a change is reviewed, tested and approved. A commit pushed straight to the ' +
    'default branch skipped all of that: nobody but its author saw it before it could ship. This test ' +
    'walks every change that reached the branch in the period, the whole population, not a sample.',
  remediation:
    'Protect the default branch so that changes can only be merged through a pull request (branch ' +
    'protection or a ruleset, applied to administrators too), and have each listed direct push reviewed ' +
    'after the fact and recorded.',
  severity: 'high',
  reads: ['git.history', 'git.change'],
  params: z.object({
    /** Emergency changes follow the emergency procedure and are tested by their own check. */
    exemptEmergencyChanges: z.boolean().default(true),
  }),
  evaluate({ evidence, params, result }) {
    return judgePopulation(
      evidence['git.history'],
      evidence['git.change'],
      result,
      (change) => {
        if (change.emergency && params.exemptEmergencyChanges)
          return { status: 'not-applicable', message: emergencyExemptMessage }
        if (change.route === 'direct-push')
          return {
            status: 'fail',
            message: `pushed directly to ${change.branch ?? 'the branch'} by ${change.committer.name} <${change.committer.email}>, no pull request`,
          }
        if (change.route === 'merge-without-pr')
          return {
            status: 'undetermined',
            message:
              'a merge commit that names no pull request (it may have been merged locally and pushed); add the pull-request export to decide',
          }
        return { status: 'pass' }
      },
      () => 'every change arrived through a pull request',
    )
  },
})
