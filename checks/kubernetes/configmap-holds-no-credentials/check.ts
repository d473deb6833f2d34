import { defineCheck } from '../../../src/core/check.js'

export default defineCheck({
  id: 'kubernetes/configmap-holds-no-credentials',
  title: 'ConfigMaps hold settings, not credentials',
  description:
    'A ConfigMap is plain configuration: anyone who may read ConfigMaps in the namespace reads it, ' +
    'it is printed by `kubectl describe`, and it is committed beside the manifests. A password, token ' +
    'or private key put there is exposed to all of them. A key is judged a credential by its name ' +
    '(`DB_PASSWORD`, `API_KEY`) when it holds a literal value, or by the value itself (a private key, ' +
    'an access key, a token, a URL with a password); the values are never stored.',
  remediation:
    'Move the value to a Secret delivered from a secret store (an ExternalSecret, a SealedSecret, the ' +
    'Secrets Store CSI driver), reference it with `secretKeyRef`, and rotate the exposed value.',
  severity: 'high',
  reads: ['k8s.resource'],
  evaluate({ evidence, result }) {
    return evidence['k8s.resource']
      .filter((r) => r.resourceKind === 'ConfigMap' && r.apiVersion === 'v1')
      .map((configMap) => {
        const data = configMap.configData
        if (data === undefined)
          return result.undetermined(configMap, 'the data of this ConfigMap was not read')
        const byValue = data.filter((d) => d.credentialByValue).map((d) => d.key)
        const byName = data.filter((d) => d.credentialByName && !d.credentialByValue).map((d) => d.key)
        if (byValue.length === 0 && byName.length === 0)
          return result.pass(configMap, `none of its ${data.length} keys holds a credential`)
        const parts = [
          ...(byValue.length > 0 ? [`a credential-shaped value under ${byValue.join(', ')}`] : []),
          ...(byName.length > 0 ? [`a literal value under the credential name ${byName.join(', ')}`] : []),
        ]
        return result.fail(configMap, `holds ${parts.join(' and ')}`)
      })
  },
})
