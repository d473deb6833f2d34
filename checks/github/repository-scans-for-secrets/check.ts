import { defineCheck } from '../../../src/core/check.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/repository-scans-for-secrets',
  title: 'Repositories scan for secrets and block pushes that contain them',
  description:
    'Credentials committed to a repository spread to every clone and fork. Secret scanning finds them; push protection stops a known kind of credential before it lands in the history at all.',
  remediation:
    'Enable secret scanning and push protection in the repository (Settings → Code security), or for every repository through an organization security configuration.',
  severity: 'high',
  reads: ['github.repository'],
  evaluate({ evidence, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const { secretScanning, secretScanningPushProtection: pushProtection } = repository
      if (secretScanning === false) return result.fail(repository, 'secret scanning is off')
      if (pushProtection === false)
        return result.fail(repository, 'secret scanning is on but push protection is off')
      if (secretScanning === undefined || pushProtection === undefined)
        return result.undetermined(
          repository,
          'the secret scanning settings were not visible (they need the admin role on the repository)',
        )
      return result.pass(repository, 'secret scanning and push protection are on')
    })
  },
})
