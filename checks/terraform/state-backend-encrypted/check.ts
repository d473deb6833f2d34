import { defineCheck } from '../../../src/core/check.js'

/** Backends that store state on a service encrypting it at rest whatever the settings say. */
const encryptedByService: Record<string, string> = {
  cloud: 'HCP Terraform encrypts state at rest',
  remote: 'HCP Terraform / Terraform Enterprise encrypts state at rest',
  gcs: 'Cloud Storage encrypts objects at rest',
  azurerm: 'Azure Storage encrypts blobs at rest',
}

export default defineCheck({
  id: 'terraform/state-backend-encrypted',
  title: 'Terraform state is kept in a shared backend that encrypts it at rest',
  description:
    'Terraform state holds every attribute of every resource, database passwords and private keys ' +
    'included, in clear. Kept locally it sits unencrypted on a laptop or CI runner and cannot be ' +
    'locked or audited; in S3 it must be written with server-side encryption (`encrypt = true` or a ' +
    'KMS key). Applies to root modules (folders that configure a provider or backend).',
  remediation:
    'Configure a remote backend, e.g. `terraform { backend "s3" { bucket = "…", key = "…", encrypt = true, ' +
    'kms_key_id = "…", use_lockfile = true } }`, then `terraform init -migrate-state`.',
  severity: 'high',
  reads: ['iac.state-backend'],
  evaluate({ evidence, result }) {
    return evidence['iac.state-backend'].map((module) => {
      const { backend, settings, unknown } = module
      if (backend === 'local')
        return result.fail(module, 'no backend configured: state is kept unencrypted on local disk')
      if (backend in encryptedByService)
        return result.pass(module, `${backend} backend: ${encryptedByService[backend]}`)
      if (backend === 's3') {
        if (settings.encrypt === true || settings.encrypt === 'true')
          return result.pass(module, 's3 backend with encrypt = true')
        if (typeof settings.kms_key_id === 'string' && settings.kms_key_id !== '')
          return result.pass(module, 's3 backend encrypting with a KMS key')
        if (unknown.includes('encrypt') || unknown.includes('kms_key_id'))
          return result.undetermined(module, 's3 backend encryption is set from a value not known statically')
        return result.fail(
          module,
          's3 backend without encrypt = true: state objects may be stored unencrypted',
        )
      }
      return result.undetermined(
        module,
        `${backend} backend: whether it encrypts state at rest cannot be told from the configuration`,
      )
    })
  },
})
