import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { AwsSecurityGroupRule } from '../../../src/core/evidence-aws.js'
import { isWorld, whyUnknown } from '../shared/known.js'

/** SSH, RDP, and the usual database and cache ports. */
const defaultPorts = [22, 3389, 1433, 1521, 3306, 5432, 5439, 6379, 9200, 11211, 27017]

function coversPort(rule: AwsSecurityGroupRule, port: number): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all') return true
  if (!['tcp', 'udp', '6', '17'].includes(rule.protocol)) return false
  // A TCP/UDP rule without ports is all ports (Terraform writes 0–0 with protocol -1 only).
  if (rule.fromPort === undefined || rule.toPort === undefined) return true
  return rule.fromPort <= port && port <= rule.toPort
}

export default defineCheck({
  id: 'aws/security-group-restricts-admin-ports',
  title: 'Security groups do not open administration or database ports to the internet',
  description:
    'SSH, RDP and database ports reachable from any address are scanned within minutes of opening and ' +
    'brute-forced or exploited. Administration goes through a bastion, SSM Session Manager or a VPN; ' +
    'databases are reached from inside the VPC only.',
  remediation:
    'Remove the ingress rules from 0.0.0.0/0 and ::/0 on these ports (`aws ec2 revoke-security-group-ingress`) ' +
    'and allow only the security groups or private ranges that need them. Use SSM Session Manager ' +
    'instead of open SSH/RDP.',
  severity: 'high',
  reads: ['aws.security-group'],
  params: z.object({ ports: z.array(z.number().int().min(0).max(65535)).default(defaultPorts) }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.security-group'].map((group) => {
      const open = group.ingress.flatMap((rule) => {
        const world = [...rule.ipv4Ranges, ...rule.ipv6Ranges].filter(isWorld)
        if (world.length === 0) return []
        const ports = params.ports.filter((p) => coversPort(rule, p))
        return ports.length === 0 ? [] : [`${ports.join(', ')} open to ${world.join(' and ')}`]
      })
      if (open.length > 0) return result.fail(group, open.join('; '))
      if ((group.unknown ?? []).some((u) => u === 'ingress' || u.startsWith('ingress')))
        return result.undetermined(group, whyUnknown(group, 'ingress', 'some ingress rules'))
      return result.pass(group, 'no administration or database port is open to the internet')
    })
  },
})
