import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/eks-audit-logs-enabled',
  title: 'EKS clusters send their Kubernetes audit log to CloudWatch',
  description:
    'The Kubernetes audit log records every request to the cluster API: who read a Secret, who ran ' +
    '`exec` in a pod, who changed RBAC. On EKS the control plane is AWS’s, and this log exists only ' +
    'if the `audit` log type is turned on. The authenticator log ties requests to IAM identities.',
  remediation:
    'Enable it (`aws eks update-cluster-config --name <cluster> --logging ' +
    '\'{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}\'`; in Terraform ' +
    '`enabled_cluster_log_types = ["api", "audit", "authenticator"]`).',
  severity: 'high',
  reads: ['aws.eks-cluster'],
  evaluate({ evidence, result }) {
    return evidence['aws.eks-cluster'].map((cluster) => {
      if (cluster.enabledLogTypes === undefined)
        return result.undetermined(
          cluster,
          whyUnknown(cluster, 'enabledLogTypes', 'the control-plane log types'),
        )
      const enabled = cluster.enabledLogTypes
      return enabled.includes('audit')
        ? result.pass(cluster, `control-plane logs on: ${enabled.join(', ')}`)
        : result.fail(cluster, `audit log off${enabled.length > 0 ? ` (on: ${enabled.join(', ')})` : ''}`)
    })
  },
})
