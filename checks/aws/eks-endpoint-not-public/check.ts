import { defineCheck } from '../../../src/core/check.js'
import { isWorld, whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/eks-endpoint-not-public',
  title: 'EKS cluster API endpoints are not open to the whole internet',
  description:
    'An EKS API endpoint open to any address exposes the cluster’s front door to credential stuffing ' +
    'and to any future API server vulnerability. The endpoint is private, or public only to known ' +
    'address ranges (office, VPN, CI runners).',
  remediation:
    'Restrict it (`aws eks update-cluster-config --name <cluster> --resources-vpc-config ' +
    'endpointPrivateAccess=true,endpointPublicAccess=true,publicAccessCidrs=<cidr>` or ' +
    'endpointPublicAccess=false; in Terraform `vpc_config { endpoint_public_access = false }` or ' +
    '`public_access_cidrs`).',
  severity: 'high',
  reads: ['aws.eks-cluster'],
  evaluate({ evidence, result }) {
    return evidence['aws.eks-cluster'].map((cluster) => {
      if (cluster.endpointPublicAccess === undefined)
        return result.undetermined(
          cluster,
          whyUnknown(cluster, 'endpointPublicAccess', 'whether the endpoint is public'),
        )
      if (!cluster.endpointPublicAccess) return result.pass(cluster, 'private endpoint only')
      if (cluster.publicAccessCidrs === undefined)
        return result.undetermined(
          cluster,
          whyUnknown(cluster, 'publicAccessCidrs', 'the allowed address ranges'),
        )
      // EKS treats an empty list as 0.0.0.0/0.
      const cidrs = cluster.publicAccessCidrs.length === 0 ? ['0.0.0.0/0'] : cluster.publicAccessCidrs
      const world = cidrs.filter(isWorld)
      return world.length > 0
        ? result.fail(cluster, `public endpoint open to ${world.join(', ')}`)
        : result.pass(cluster, `public endpoint limited to ${cidrs.join(', ')}`)
    })
  },
})
