import { defineCheck } from '../../../src/core/check.js'

const serviceAccountToken = 'kubernetes.io/service-account-token'

export default defineCheck({
  id: 'kubernetes/secret-manifests-hold-no-plaintext',
  title: 'Secret manifests in source control hold no plaintext values',
  description:
    'A Secret manifest with `data` or `stringData` puts the credential in the repository, where every ' +
    'clone, fork, CI log and backup keeps it forever. Base64 is an encoding, not encryption. ' +
    'Credentials belong in a secret store that controls and logs access. A Secret ' +
    'whose every value is SOPS-encrypted (`ENC[...]` values and a `sops:` block) passes: the file holds ' +
    'only ciphertext, and decryption needs the KMS or age key. A Bitnami SealedSecret passes for the ' +
    "same reason: its values are encrypted to the cluster controller's public key.",
  remediation:
    'Remove `data` and `stringData` from the manifest, rotate the exposed values, and deliver them ' +
    'from a secret store: an ExternalSecret (External Secrets Operator), a SealedSecret, SOPS-encrypted ' +
    'files, or the Secrets Store CSI driver. With SOPS, encrypt every value (`encrypted_regex: ' +
    '^(data|stringData)$`): a file with one plaintext value still fails.',
  severity: 'high',
  reads: ['k8s.secret'],
  evaluate({ evidence, result }) {
    return evidence['k8s.secret'].map((secret) => {
      // A Secret in a running cluster holds its values by design (the kubernetes-live source locates
      // it as cluster://…); what this check judges is what source control holds.
      if (secret.file.startsWith('cluster://'))
        return result.notApplicable(secret, 'read from a live cluster, not from source control')
      if (!secret.hasValues) {
        return secret.type === serviceAccountToken
          ? result.pass(secret, 'a service account token Secret, which Kubernetes fills in itself')
          : result.pass(secret, 'holds no values; they are supplied outside source control')
      }
      // SOPS encrypts each value with a key held in KMS or age; the file holds ciphertext only.
      // A SealedSecret is encrypted to the cluster controller's key; only that controller opens it.
      if (secret.encrypted)
        return result.pass(
          secret,
          secret.resourceKind === 'SealedSecret'
            ? "values are sealed to the cluster controller's key (SealedSecret)"
            : 'values are encrypted in the file (SOPS)',
        )
      // A token committed to the repository is as exposed as any password, so the type excuses nothing.
      const keys = secret.keys.length > 0 ? ` for ${secret.keys.join(', ')}` : ''
      return result.fail(secret, `values${keys} are committed in source (base64 is not encryption)`)
    })
  },
})
