import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/kms-customer-keys-rotate',
  title: 'Customer-managed KMS keys rotate their key material',
  description:
    'Automatic rotation replaces the key material of a symmetric KMS key on a schedule (yearly by ' +
    'default) while old data stays readable, limiting how much data one key version protects. It ' +
    'applies to enabled, symmetric, customer-managed keys with AWS-generated material; AWS-managed keys ' +
    'rotate on their own, and asymmetric, HMAC or imported keys cannot rotate automatically.',
  remediation:
    'Enable rotation (`aws kms enable-key-rotation --key-id <id>`; in Terraform `enable_key_rotation = true`).',
  severity: 'medium',
  reads: ['aws.kms-key'],
  evaluate({ evidence, result }) {
    return evidence['aws.kms-key'].map((key) => {
      if (key.keyManager === 'AWS') return result.notApplicable(key, 'AWS-managed key: AWS rotates it')
      if (key.keySpec !== undefined && key.keySpec !== 'SYMMETRIC_DEFAULT')
        return result.notApplicable(key, `${key.keySpec} keys cannot rotate automatically`)
      if (key.keyOrigin !== undefined && key.keyOrigin !== 'AWS_KMS')
        return result.notApplicable(key, `key material from ${key.keyOrigin} cannot rotate automatically`)
      if (key.keyState !== undefined && key.keyState !== 'Enabled')
        return result.notApplicable(key, `key is ${key.keyState}`)
      if (key.rotationEnabled === undefined)
        return result.undetermined(key, whyUnknown(key, 'rotationEnabled', 'whether rotation is enabled'))
      const label = key.aliases?.[0] ?? key.keyId ?? key.name
      return key.rotationEnabled
        ? result.pass(
            key,
            `${label} rotates${key.rotationPeriodDays ? ` every ${key.rotationPeriodDays} days` : ''}`,
          )
        : result.fail(key, `${label} does not rotate`)
    })
  },
})
