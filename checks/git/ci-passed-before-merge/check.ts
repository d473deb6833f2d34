import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { emergencyExemptMessage, judgePopulation } from '../shared/population.js'

export default defineCheck({
  id: 'git/ci-passed-before-merge',
  title: 'CI passed on every change before it reached the default branch',
  description:
    'Automated tests and scans in CI are the testing half of change management: a change merged while ' +
    'its checks failed, or before they finished, reached production untested. The CI conclusion comes ' +
    'from the pull-request export (its status-check rollup) or from an exported map of commit to CI result.',
  remediation:
    'Make the CI checks required status checks on the default branch so a pull request cannot merge ' +
    'until they pass, and export CI results with the history (`gh pr list … --json statusCheckRollup`, or ' +
    '`gh run list --branch main --json headSha,conclusion`) so each change can be tested.',
  severity: 'high',
  reads: ['git.history', 'git.change'],
  params: z.object({ exemptEmergencyChanges: z.boolean().default(true) }),
  evaluate({ evidence, params, result }) {
    return judgePopulation(
      evidence['git.history'],
      evidence['git.change'],
      result,
      (change) => {
        if (change.emergency && params.exemptEmergencyChanges)
          return { status: 'not-applicable', message: emergencyExemptMessage }
        if (change.ci === undefined)
          return { status: 'undetermined', message: 'no CI result is recorded for this change' }
        if (change.ci.conclusion !== 'success')
          return { status: 'fail', message: `CI concluded "${change.ci.conclusion}" (${change.ci.source})` }
        return { status: 'pass' }
      },
      () => 'CI passed on every change',
    )
  },
})
