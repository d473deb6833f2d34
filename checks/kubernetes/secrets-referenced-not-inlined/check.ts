import { defineCheck } from '../../../src/core/check.js'
import type { EnvVar } from '../../../src/core/evidence.js'
import { containerLabel } from '../shared/containers.js'

const credentialName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i
// Names that point at a credential rather than hold one (`POSTGRES_PASSWORD_FILE=/run/secrets/db`).
const referenceSuffix = /_(FILE|PATH|DIR|NAME|REF|URL|ENDPOINT|TTL)$/i

function inlinesCredential(variable: EnvVar): boolean {
  if (variable.source !== 'literal' || !variable.hasLiteralValue) return false
  if (variable.literalLooksLikeSecret) return true
  return credentialName.test(variable.name) && !referenceSuffix.test(variable.name)
}

export default defineCheck({
  id: 'kubernetes/secrets-referenced-not-inlined',
  title: 'Workloads read credentials from Secrets, not inline env values',
  description:
    'A password written as `value:` in a pod template lives in source control and in the Deployment ' +
    'object that anyone with read access to workloads can see. Referencing a Secret keeps the value ' +
    'behind the access controls and audit logging of the secret store (SOC 2 CC6.1, C1.1).',
  remediation:
    'Move the value into a Secret (ideally synced from a secret manager) and replace `value:` with ' +
    '`valueFrom: { secretKeyRef: { name: <secret>, key: <key> } }`, or load the whole Secret with ' +
    '`envFrom: [{ secretRef: { name: <secret> } }]`. Rotate the value that was committed.',
  severity: 'high',
  reads: ['k8s.workload'],
  evaluate({ evidence, result }) {
    return evidence['k8s.workload'].map((workload) => {
      // Only names are reported: the collector never keeps values, and neither does the report.
      const inlined = workload.containers.flatMap((container) => {
        const names = container.env.filter(inlinesCredential).map((variable) => variable.name)
        return names.length === 0 ? [] : [`${containerLabel(container)}: ${names.join(', ')}`]
      })
      return inlined.length === 0
        ? result.pass(workload, 'no credential is set as a literal env value')
        : result.fail(workload, `credentials set as literal env values: ${inlined.join('; ')}`)
    })
  },
})
