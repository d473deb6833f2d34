import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { type ImageSignature, imageSignature, matchSignatures } from '../shared/image.js'
import { impliedSubject } from '../shared/subject.js'

/**
 * Runtime detection agents, by image. Each must run on every node to see every syscall, which is why
 * only DaemonSets count. Extend through the `agents` param for other products or private mirrors.
 */
const defaultAgents: ImageSignature[] = [
  { name: 'Falco', image: 'falco' },
  { name: 'Falco', image: 'falco-no-driver' },
  { name: 'Falco', image: 'falco-distroless' },
  { name: 'Tetragon', image: 'tetragon' },
  { name: 'Tracee', image: 'tracee' },
  { name: 'Sysdig', image: 'sysdig/agent' },
  { name: 'Sysdig', image: 'sysdig/agent-slim' },
  { name: 'Sysdig', image: 'sysdig/sysdig' },
  // The Datadog agent image also runs metrics and logs; only its security-agent container is CWS.
  { name: 'Datadog Workload Protection', image: 'datadog/agent', container: 'security-agent' },
  { name: 'Datadog Workload Protection', image: 'datadoghq/agent', container: 'security-agent' },
  { name: 'KubeArmor', image: 'kubearmor/kubearmor' },
  { name: 'NeuVector', image: 'neuvector/enforcer' },
  { name: 'Aqua Enforcer', image: 'aquasec/enforcer' },
  { name: 'CrowdStrike Falcon', image: 'falcon-sensor' },
]

export default defineCheck({
  id: 'kubernetes/runtime-threat-detection-deployed',
  title: 'A runtime threat detection agent runs on every node',
  description:
    'A runtime detection agent (Falco, Tetragon and the like) watches system calls on each node and ' +
    'alerts on shells in containers, unexpected network connections or writes to sensitive files. It ' +
    'is the cloud-native form of a host intrusion detection system, the monitoring for anomalies and ' +
    'attacks a security programme expects.',
  remediation:
    'Install a runtime detection agent as a DaemonSet, for example `helm template falco ' +
    'falcosecurity/falco -n falco > falco.yaml` committed with the other manifests, and route its ' +
    'alerts to the on-call channel. If you run another product, add its image to the `agents` param.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ agents: z.array(imageSignature).default(defaultAgents) }),
  evaluate({ evidence, params, result }) {
    const workloads = evidence['k8s.workload']
    const first = workloads[0]
    if (first === undefined) return []
    const daemonSets = workloads.filter((w) => w.resourceKind === 'DaemonSet')
    const agents = daemonSets.flatMap((daemonSet) => {
      const found = matchSignatures(daemonSet, params.agents)
      return found.length === 0 ? [] : [result.pass(daemonSet, `runs ${found.join(', ')} on every node`)]
    })
    if (agents.length > 0) return agents
    // An agent in a Deployment watches only the nodes its replicas land on; say so rather than stay silent.
    const partial = workloads
      .filter((w) => w.resourceKind !== 'DaemonSet' && matchSignatures(w, params.agents).length > 0)
      .map((w) => `${w.resourceKind} ${w.namespace}/${w.name}`)
    const note = partial.length > 0 ? `; ${partial.join(', ')} runs an agent but not as a DaemonSet` : ''
    return [
      result.fail(
        impliedSubject('Cluster', 'workloads', first.file),
        `no DaemonSet runs a known runtime threat detection agent (see the agents param)${note}`,
      ),
    ]
  },
})
