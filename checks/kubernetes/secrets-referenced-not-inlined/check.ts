import { defineCheck } from '../../../src/core/check.js'
import type { EnvVar } from '../../../src/core/evidence.js'
import { nameLooksLikeSecret } from '../../../src/core/secrets.js'
import { containerLabel } from '../shared/containers.js'

// Adds to core's nameLooksLikeSecret, which judges a name by its last word: application signing
// keys named `SECRET_KEY` (Django, Flask), `SECRET_KEY_BASE` (Rails) and credential files inlined as
// JSON (`GCP_CREDENTIALS_JSON`) end in another word. The check's earlier substring rule caught them;
// this keeps them caught without a rule of its own for everything else.
const extraCredentialName = /(SECRET_?KEY(_BASE)?|CREDENTIALS?_JSON)$/i
// Names that point at a credential rather than hold one (`POSTGRES_PASSWORD_FILE=/run/secrets/db`).
// Both rules above judge the last word, so this only guards against them ever matching such names.
const referenceSuffix = /_(FILE|PATH|DIR|NAME|REF|URL|ENDPOINT|TTL)$/i

function inlinesCredential(variable: EnvVar): boolean {
  if (variable.source !== 'literal' || !variable.hasLiteralValue) return false
  if (variable.literalLooksLikeSecret) return true
  const named = nameLooksLikeSecret(variable.name) || extraCredentialName.test(variable.name)
  return named && !referenceSuffix.test(variable.name)
}

export default defineCheck({
  id: 'kubernetes/secrets-referenced-not-inlined',
  title: 'Workloads read credentials from Secrets, not inline env values',
  description:
    'A password written as `value:` in a pod template lives in source control and in the Deployment ' +
    'object that anyone with read access to workloads can see. Referencing a Secret keeps the value ' +
    'behind the access controls and audit logging of the secret store.',
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
