import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/eks-secrets-encrypted',
  title: 'EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key',
  description:
    'Kubernetes stores Secrets in etcd. With envelope encryption each Secret is also encrypted with a ' +
    'KMS key the account controls, so a copy of etcd or its backups does not expose them, and every ' +
    'use of the key is logged and can be revoked.',
  remediation:
    'Associate a KMS key (`aws eks associate-encryption-config --cluster-name <cluster> ' +
    '--encryption-config \'[{"resources":["secrets"],"provider":{"keyArn":"<key-arn>"}}]\'`; in ' +
    'Terraform an `encryption_config` block with `resources = ["secrets"]`). Existing Secrets are ' +
    're-encrypted when rewritten.',
  severity: 'medium',
  reads: ['aws.eks-cluster'],
  evaluate({ evidence, result }) {
    return evidence['aws.eks-cluster'].map((cluster) => {
      if (cluster.secretsEncrypted === undefined)
        return result.undetermined(
          cluster,
          whyUnknown(cluster, 'secretsEncrypted', 'whether Secrets are envelope-encrypted'),
        )
      return cluster.secretsEncrypted
        ? result.pass(cluster, 'Secrets are envelope-encrypted with a KMS key')
        : result.fail(cluster, 'Secrets are not envelope-encrypted with a KMS key')
    })
  },
})
