import { type AwsEvidenceKinds, awsEvidenceKinds } from './evidence-aws.js'
import { type GitEvidenceKinds, gitEvidenceKinds } from './evidence-git.js'
import { type IacEvidenceKinds, iacEvidenceKinds } from './evidence-iac.js'
import { type LogEvidenceKinds, logEvidenceKinds } from './evidence-logs.js'
import { type ScanEvidenceKinds, scanEvidenceKinds } from './evidence-scan.js'
import { type SecretEvidenceKinds, secretEvidenceKinds } from './evidence-secrets.js'
import { type VcsEvidenceKinds, vcsEvidenceKinds } from './evidence-vcs.js'
import type { ShellScript } from './shell-command.js'

/**
 * Typed evidence kinds. Collectors parse raw sources into these shapes at the boundary; checks read
 * them and trust them. Evidence states facts only: judging them is the checks' job.
 */

/** Where a piece of evidence came from, precise enough for an auditor to open the file at the line. */
export interface SourceLocation {
  file: string
  line?: number
}

/** Fields every evidence item carries: what it describes and where it was read. */
export interface EvidenceBase extends SourceLocation {
  /** The evidence kind, e.g. `k8s.workload`. */
  kind: string
  /** The kind of thing described, in the source's own words: `Deployment`, `Dockerfile`, `Workflow`. */
  resourceKind: string
  name: string
  namespace?: string
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

export interface Capabilities {
  add: string[]
  drop: string[]
}

/** One environment variable; a literal value is kept only as a flag and its length, never in clear. */
export interface EnvVar {
  name: string
  /** `literal` for `value:`, `secret`/`configmap` for `valueFrom` refs, `field`/`resource` otherwise. */
  source: 'literal' | 'secret' | 'configmap' | 'field' | 'resource' | 'unknown'
  /** True when a literal value is present and non-empty. */
  hasLiteralValue: boolean
  /** True when the collector recognised the literal as a credential (it is never stored). */
  literalLooksLikeSecret: boolean
}

export interface Probe {
  type: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc' | 'unknown'
}

/** A container with the pod-level security context already merged in (container wins, as in Kubernetes). */
export interface Container {
  name: string
  image: string
  init: boolean
  runAsNonRoot?: boolean
  runAsUser?: number
  privileged?: boolean
  allowPrivilegeEscalation?: boolean
  readOnlyRootFilesystem?: boolean
  capabilities: Capabilities
  seccompProfile?: string
  env: EnvVar[]
  /** Names of Secrets pulled in whole through `envFrom`. */
  envFromSecrets: string[]
  resources: { requests: Record<string, string>; limits: Record<string, string> }
  livenessProbe?: Probe
  readinessProbe?: Probe
}

export interface K8sWorkload extends EvidenceBase {
  kind: 'k8s.workload'
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod. */
  resourceKind: string
  namespace: string
  labels: Record<string, string>
  /** Pod template labels, which NetworkPolicies and Services select on. */
  podLabels: Record<string, string>
  /** `spec.replicas` as written; undefined when omitted (Kubernetes then runs 1, unless an HPA scales it). */
  replicas?: number
  serviceAccountName?: string
  automountServiceAccountToken?: boolean
  hostNetwork: boolean
  hostPID: boolean
  hostIPC: boolean
  containers: Container[]
  /** Names of Secrets mounted as volumes. */
  secretVolumes: string[]
  hostPathVolumes: string[]
}

export interface K8sNamespace extends EvidenceBase {
  kind: 'k8s.namespace'
  labels: Record<string, string>
  annotations: Record<string, string>
}

export interface LabelSelector {
  matchLabels: Record<string, string>
  matchExpressions: { key: string; operator: string; values: string[] }[]
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector
  namespaceSelector?: LabelSelector
  ipBlock?: { cidr: string; except: string[] }
}

export interface NetworkPolicyRule {
  peers: NetworkPolicyPeer[]
  ports: { protocol?: string; port?: string | number }[]
}

export interface K8sNetworkPolicy extends EvidenceBase {
  kind: 'k8s.network-policy'
  namespace: string
  podSelector: LabelSelector
  policyTypes: ('Ingress' | 'Egress')[]
  ingress: NetworkPolicyRule[]
  egress: NetworkPolicyRule[]
}

export interface K8sIngress extends EvidenceBase {
  kind: 'k8s.ingress'
  namespace: string
  ingressClassName?: string
  annotations: Record<string, string>
  /** Hosts named in the rules (an empty string for a rule without host). */
  hosts: string[]
  tls: { hosts: string[]; secretName?: string }[]
}

export interface K8sService extends EvidenceBase {
  kind: 'k8s.service'
  namespace: string
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'
  annotations: Record<string, string>
  loadBalancerSourceRanges: string[]
  ports: { port: number; protocol?: string; nodePort?: number }[]
}

export interface RbacRule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
  nonResourceURLs: string[]
}

export interface K8sRbacRole extends EvidenceBase {
  kind: 'k8s.rbac-role'
  /** Role or ClusterRole. */
  resourceKind: 'Role' | 'ClusterRole'
  rules: RbacRule[]
  /** True when the role is built from other roles by label (aggregationRule). */
  aggregated: boolean
}

export interface RbacSubject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string
  name: string
  namespace?: string
}

export interface K8sRbacBinding extends EvidenceBase {
  kind: 'k8s.rbac-binding'
  resourceKind: 'RoleBinding' | 'ClusterRoleBinding'
  roleRef: { kind: 'Role' | 'ClusterRole' | string; name: string }
  subjects: RbacSubject[]
}

/** A Secret manifest. Values are never kept: only key names and whether any value is present. */
export interface K8sSecret extends EvidenceBase {
  kind: 'k8s.secret'
  namespace: string
  type: string
  keys: string[]
  hasValues: boolean
  /** True when the values are encrypted in the file (SOPS `ENC[...]` values and a `sops:` block). */
  encrypted: boolean
}

/** An admission webhook configuration or validating admission policy. */
export interface K8sAdmissionControl extends EvidenceBase {
  kind: 'k8s.admission'
  /** ValidatingWebhookConfiguration, MutatingWebhookConfiguration, ValidatingAdmissionPolicy, … */
  resourceKind: string
  webhooks: { name: string; failurePolicy?: string; service?: string }[]
}

/** A HorizontalPodAutoscaler: the replica count of its target is its to decide, within these bounds. */
export interface K8sAutoscaler extends EvidenceBase {
  kind: 'k8s.autoscaler'
  namespace: string
  target: { kind: string; name: string }
  minReplicas: number
  maxReplicas?: number
}

/** A cluster node as the API reports it (`status.nodeInfo`): what patching and version support are judged on. */
export interface K8sNode extends EvidenceBase {
  kind: 'k8s.node'
  resourceKind: 'Node'
  labels: Record<string, string>
  /** As reported, e.g. `v1.30.4-eks-a737599`; empty when the node has not reported yet. */
  kubeletVersion: string
  /** e.g. `containerd://1.7.22`. */
  containerRuntimeVersion: string
  kernelVersion: string
  /** e.g. `Amazon Linux 2023.5.20240916`, `Bottlerocket OS 1.22.0 (aws-k8s-1.30)`. */
  osImage: string
  operatingSystem?: string
  architecture?: string
  /** True when the node is cordoned (`spec.unschedulable`). */
  unschedulable: boolean
}

/** Any other Kubernetes object, including custom resources, kept so checks and reports can see it. */
export interface K8sResource extends EvidenceBase {
  kind: 'k8s.resource'
  apiVersion: string
  namespace?: string
  labels: Record<string, string>
  /**
   * For admission policies (Kyverno policies, Gatekeeper constraints): whether they reject what breaks
   * them (`enforce`) or only record it (`audit`), as their spec says, defaults applied.
   */
  policyMode?: 'enforce' | 'audit'
}

// ---------------------------------------------------------------------------------------------
// Containers

export interface ImageReference {
  /** As written, after build-arg substitution where the default is known. */
  raw: string
  /** Registry host, `docker.io` when none is written. */
  registry: string
  repository: string
  tag?: string
  digest?: string
  /** True for `scratch`, which is no image at all. */
  scratch: boolean
  /** True when the reference still contains an unresolved `$VAR`. */
  unresolved: boolean
}

export interface DockerInstruction {
  keyword: string
  /** Arguments as written (heredocs included); ENV/ARG values are not kept here. */
  args: string
  line: number
  /** RUN, CMD and ENTRYPOINT: the commands, parsed (exec form included), or why they could not be. */
  script?: ShellScript
}

export interface DockerStage {
  index: number
  name?: string
  line: number
  /** The FROM argument: an image, or the name of an earlier stage. */
  from: string
  /** Set when `from` names an earlier stage. */
  fromStage?: number
  image?: ImageReference
  /** Last USER in the stage (inherited through stage-to-stage FROM); undefined when none. */
  user?: string
  instructions: DockerInstruction[]
}

export interface DockerVariable {
  instruction: 'ENV' | 'ARG'
  name: string
  line: number
  stage: number
  hasDefault: boolean
  /** The value is never stored; only whether it looks like a credential. */
  valueLooksLikeSecret: boolean
}

export interface DockerCopy {
  instruction: 'COPY' | 'ADD'
  sources: string[]
  destination: string
  fromStage?: string
  line: number
  stage: number
}

export interface ContainerDockerfile extends EvidenceBase {
  kind: 'container.dockerfile'
  resourceKind: 'Dockerfile'
  stages: DockerStage[]
  /** Index of the stage that ships (the last one, unless the config names a target). */
  finalStage: number
  variables: DockerVariable[]
  copies: DockerCopy[]
}

// ---------------------------------------------------------------------------------------------
// CI

export type WorkflowPermissions = 'read-all' | 'write-all' | Record<string, string> | undefined

export interface WorkflowStep {
  name?: string
  uses?: string
  run?: string
  /** The `run:` (GitHub) or script line (GitLab), parsed, or why it could not be. */
  script?: ShellScript
  with: Record<string, string>
  env: Record<string, string>
  /** `continue-on-error` as written (`true`, or an expression): a failing step then fails nothing. */
  continueOnError?: string
  line: number
}

export interface WorkflowJob {
  id: string
  name?: string
  line: number
  permissions: WorkflowPermissions
  /** `continue-on-error` of the whole job, as written. */
  continueOnError?: string
  /** `uses:` of a reusable workflow called as a job. */
  uses?: string
  steps: WorkflowStep[]
}

export interface CiWorkflow extends EvidenceBase {
  kind: 'ci.workflow'
  resourceKind: 'GitHubWorkflow' | 'GitLabPipeline'
  /** Event names that trigger the workflow. */
  triggers: string[]
  permissions: WorkflowPermissions
  jobs: WorkflowJob[]
  /**
   * GitLab `include:` entries (also those of `trigger: include:` child pipelines): configuration the
   * pipeline pulls in from elsewhere. `location` is the path, URL, template name, component path
   * without its version, or `group/project:file` for a project include; `ref` is a project's `ref:`
   * or the version after a component's `@`; `integrity` is a remote include's `integrity:` hash.
   */
  includes?: {
    type: 'local' | 'project' | 'remote' | 'template' | 'component'
    location: string
    ref?: string
    integrity?: string
    line: number
  }[]
}

// ---------------------------------------------------------------------------------------------

/**
 * Every evidence kind by name. Add a kind here (or in the domain file it belongs to: evidence-aws.ts,
 * evidence-vcs.ts, evidence-git.ts, evidence-scan.ts, evidence-secrets.ts, evidence-logs.ts) and the engine and check types know it.
 */
export interface EvidenceKinds
  extends AwsEvidenceKinds,
    VcsEvidenceKinds,
    GitEvidenceKinds,
    IacEvidenceKinds,
    ScanEvidenceKinds,
    SecretEvidenceKinds,
    LogEvidenceKinds {
  'k8s.workload': K8sWorkload
  'k8s.namespace': K8sNamespace
  'k8s.network-policy': K8sNetworkPolicy
  'k8s.ingress': K8sIngress
  'k8s.service': K8sService
  'k8s.rbac-role': K8sRbacRole
  'k8s.rbac-binding': K8sRbacBinding
  'k8s.secret': K8sSecret
  'k8s.admission': K8sAdmissionControl
  'k8s.autoscaler': K8sAutoscaler
  'k8s.node': K8sNode
  'k8s.resource': K8sResource
  'container.dockerfile': ContainerDockerfile
  'ci.workflow': CiWorkflow
}

export type EvidenceKind = keyof EvidenceKinds
export type EvidenceItem = EvidenceKinds[EvidenceKind]

export const evidenceKinds: readonly EvidenceKind[] = [
  'k8s.workload',
  'k8s.namespace',
  'k8s.network-policy',
  'k8s.ingress',
  'k8s.service',
  'k8s.rbac-role',
  'k8s.rbac-binding',
  'k8s.secret',
  'k8s.admission',
  'k8s.autoscaler',
  'k8s.node',
  'k8s.resource',
  'container.dockerfile',
  'ci.workflow',
  ...awsEvidenceKinds,
  ...vcsEvidenceKinds,
  ...gitEvidenceKinds,
  ...iacEvidenceKinds,
  ...scanEvidenceKinds,
  ...secretEvidenceKinds,
  ...logEvidenceKinds,
]

/** Evidence grouped by kind: what the engine hands a check. */
export type EvidenceByKind = { [K in EvidenceKind]: EvidenceKinds[K][] }

/** Groups a flat list of evidence by kind. */
export function groupEvidence(items: readonly EvidenceItem[]): EvidenceByKind {
  const grouped = Object.fromEntries(evidenceKinds.map((k) => [k, []])) as unknown as Record<
    EvidenceKind,
    EvidenceItem[]
  >
  for (const item of items) grouped[item.kind].push(item)
  return grouped as EvidenceByKind
}

/** An input that could not be read or parsed: the run goes on and is reported as partial. */
export interface CollectionError extends SourceLocation {
  message: string
  /** A command or change that fixes the input, e.g. `helm template … > rendered.yaml`. */
  hint?: string
}
