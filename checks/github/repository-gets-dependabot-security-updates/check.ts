import { defineCheck } from '../../../src/core/check.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/repository-gets-dependabot-security-updates',
  title: 'Repositories get Dependabot alerts and security update pull requests',
  description:
    'Known vulnerabilities in libraries are the most common way in. Dependabot alerts say which dependency is affected; security updates open the pull request that fixes it, so patching starts without anyone having to notice first.',
  remediation:
    'Enable Dependabot alerts and Dependabot security updates in the repository (Settings → Code security), or for every repository through an organization security configuration.',
  severity: 'medium',
  reads: ['github.repository'],
  evaluate({ evidence, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const { dependabotAlerts: alerts, dependabotSecurityUpdates: updates } = repository
      if (alerts === false) return result.fail(repository, 'Dependabot alerts are off')
      if (updates === false)
        return result.fail(repository, 'Dependabot alerts are on but security updates are off')
      if (alerts === undefined || updates === undefined)
        return result.undetermined(repository, 'the Dependabot settings were not visible to the token')
      return result.pass(repository, 'Dependabot alerts and security updates are on')
    })
  },
})
