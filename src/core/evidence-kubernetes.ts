import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, stringMap } from './evidence-base.js'

/**
 * Kubernetes objects, read from manifests or a live cluster.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export const capabilitiesSchema = deferredSchema(() =>
  z.strictObject({
    add: z.array(z.string()),
    drop: z.array(z.string()),
  }),
)
export type Capabilities = z.output<typeof capabilitiesSchema>

/** One environment variable; a literal value is kept only as a flag and its length, never in clear. */
export const envVarSchema = deferredSchema(() =>
  z.strictObject({
    name: z.string(),
    /** `literal` for `value:`, `secret`/`configmap` for `valueFrom` refs, `field`/`resource` otherwise. */
    source: z.enum(['literal', 'secret', 'configmap', 'field', 'resource', 'unknown']),
    /** True when a literal value is present and non-empty. */
    hasLiteralValue: z.boolean(),
    /** True when the collector recognised the literal as a credential (it is never stored). */
    literalLooksLikeSecret: z.boolean(),
  }),
)
export type EnvVar = z.output<typeof envVarSchema>

export const probeSchema = deferredSchema(() =>
  z.strictObject({
    type: z.enum(['httpGet', 'tcpSocket', 'exec', 'grpc', 'unknown']),
  }),
)
export type Probe = z.output<typeof probeSchema>

/** A container with the pod-level security context already merged in (container wins, as in Kubernetes). */
export const containerSchema = deferredSchema(() =>
  z.strictObject({
    name: z.string(),
    image: z.string(),
    init: z.boolean(),
    /** True for an ephemeral (debug) container attached to a running Pod (`spec.ephemeralContainers`). */
    ephemeral: z.boolean().exactOptional(),
    runAsNonRoot: z.boolean().exactOptional(),
    runAsUser: z.number().exactOptional(),
    privileged: z.boolean().exactOptional(),
    allowPrivilegeEscalation: z.boolean().exactOptional(),
    readOnlyRootFilesystem: z.boolean().exactOptional(),
    capabilities: capabilitiesSchema,
    /** `seccompProfile.type`, container over pod: `RuntimeDefault`, `Localhost` or `Unconfined`. */
    seccompProfile: z.string().exactOptional(),
    /**
     * AppArmor profile, container over pod: the `appArmorProfile.type` field (`RuntimeDefault`,
     * `Localhost`, `Unconfined`), or the older pod annotation's value mapped to those names.
     */
    appArmorProfile: z.string().exactOptional(),
    /** `seLinuxOptions`, container over pod, field by field; only the fields written. */
    seLinuxOptions: z
      .strictObject({
        type: z.string().exactOptional(),
        user: z.string().exactOptional(),
        role: z.string().exactOptional(),
        level: z.string().exactOptional(),
      })
      .exactOptional(),
    /** `securityContext.procMount` (container-level only): `Default` or `Unmasked`. */
    procMount: z.string().exactOptional(),
    /** `windowsOptions.hostProcess`, container over pod: a Windows container with the host's privileges. */
    windowsHostProcess: z.boolean().exactOptional(),
    /** Non-zero `hostPort`s the container binds on the node. */
    hostPorts: z.array(z.number()).exactOptional(),
    env: z.array(envVarSchema),
    /** Names of Secrets pulled in whole through `envFrom`. */
    envFromSecrets: z.array(z.string()),
    resources: z.strictObject({ requests: stringMap, limits: stringMap }),
    livenessProbe: probeSchema.exactOptional(),
    readinessProbe: probeSchema.exactOptional(),
  }),
)
export type Container = z.output<typeof containerSchema>

export const k8sWorkloadSchema = deferredSchema(() =>
  evidenceSchema('k8s.workload', {
    /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod. */
    resourceKind: z.string().min(1),
    namespace: z.string(),
    labels: stringMap,
    /** Pod template labels, which NetworkPolicies and Services select on. */
    podLabels: stringMap,
    /** `spec.replicas` as written; undefined when omitted (Kubernetes then runs 1, unless an HPA scales it). */
    replicas: z.number().exactOptional(),
    serviceAccountName: z.string().exactOptional(),
    automountServiceAccountToken: z.boolean().exactOptional(),
    hostNetwork: z.boolean(),
    hostPID: z.boolean(),
    hostIPC: z.boolean(),
    containers: z.array(containerSchema),
    /** Names of Secrets mounted as volumes. */
    secretVolumes: z.array(z.string()),
    hostPathVolumes: z.array(z.string()),
    /** Each volume of the pod by name and source type (`configMap`, `hostPath`, `nfs`, …). */
    volumes: z.array(z.strictObject({ name: z.string(), type: z.string() })).exactOptional(),
    /** Pod-level `securityContext.sysctls`, names and values as written. */
    sysctls: z.array(z.strictObject({ name: z.string(), value: z.string() })).exactOptional(),
  }),
)
export type K8sWorkload = z.output<typeof k8sWorkloadSchema>

export const k8sNamespaceSchema = deferredSchema(() =>
  evidenceSchema('k8s.namespace', {
    labels: stringMap,
    annotations: stringMap,
  }),
)
export type K8sNamespace = z.output<typeof k8sNamespaceSchema>

export const labelSelectorSchema = deferredSchema(() =>
  z.strictObject({
    matchLabels: stringMap,
    matchExpressions: z.array(
      z.strictObject({ key: z.string(), operator: z.string(), values: z.array(z.string()) }),
    ),
  }),
)
export type LabelSelector = z.output<typeof labelSelectorSchema>

export const networkPolicyPeerSchema = deferredSchema(() =>
  z.strictObject({
    podSelector: labelSelectorSchema.exactOptional(),
    namespaceSelector: labelSelectorSchema.exactOptional(),
    ipBlock: z.strictObject({ cidr: z.string(), except: z.array(z.string()) }).exactOptional(),
  }),
)
export type NetworkPolicyPeer = z.output<typeof networkPolicyPeerSchema>

export const networkPolicyRuleSchema = deferredSchema(() =>
  z.strictObject({
    peers: z.array(networkPolicyPeerSchema),
    ports: z.array(
      z.strictObject({
        protocol: z.string().exactOptional(),
        port: z.union([z.string(), z.number()]).exactOptional(),
      }),
    ),
  }),
)
export type NetworkPolicyRule = z.output<typeof networkPolicyRuleSchema>

/** A ServiceAccount: whether pods running as it get its API token mounted unless they say otherwise. */
export const k8sServiceAccountSchema = deferredSchema(() =>
  evidenceSchema('k8s.service-account', {
    namespace: z.string(),
    /** As written; undefined when omitted (Kubernetes then mounts the token). */
    automountServiceAccountToken: z.boolean().exactOptional(),
  }),
)
export type K8sServiceAccount = z.output<typeof k8sServiceAccountSchema>

export const k8sNetworkPolicySchema = deferredSchema(() =>
  evidenceSchema('k8s.network-policy', {
    namespace: z.string(),
    podSelector: labelSelectorSchema,
    policyTypes: z.array(z.enum(['Ingress', 'Egress'])),
    ingress: z.array(networkPolicyRuleSchema),
    egress: z.array(networkPolicyRuleSchema),
  }),
)
export type K8sNetworkPolicy = z.output<typeof k8sNetworkPolicySchema>

export const k8sIngressSchema = deferredSchema(() =>
  evidenceSchema('k8s.ingress', {
    namespace: z.string(),
    ingressClassName: z.string().exactOptional(),
    annotations: stringMap,
    /** Hosts named in the rules (an empty string for a rule without host). */
    hosts: z.array(z.string()),
    tls: z.array(z.strictObject({ hosts: z.array(z.string()), secretName: z.string().exactOptional() })),
  }),
)
export type K8sIngress = z.output<typeof k8sIngressSchema>

export const k8sServiceSchema = deferredSchema(() =>
  evidenceSchema('k8s.service', {
    namespace: z.string(),
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
    annotations: stringMap,
    loadBalancerSourceRanges: z.array(z.string()),
    ports: z.array(
      z.strictObject({
        port: z.number(),
        protocol: z.string().exactOptional(),
        nodePort: z.number().exactOptional(),
      }),
    ),
  }),
)
export type K8sService = z.output<typeof k8sServiceSchema>

export const rbacRuleSchema = deferredSchema(() =>
  z.strictObject({
    apiGroups: z.array(z.string()),
    resources: z.array(z.string()),
    verbs: z.array(z.string()),
    nonResourceURLs: z.array(z.string()),
  }),
)
export type RbacRule = z.output<typeof rbacRuleSchema>

export const k8sRbacRoleSchema = deferredSchema(() =>
  evidenceSchema('k8s.rbac-role', {
    /** Role or ClusterRole. */
    resourceKind: z.enum(['Role', 'ClusterRole']),
    rules: z.array(rbacRuleSchema),
    /** True when the role is built from other roles by label (aggregationRule). */
    aggregated: z.boolean(),
  }),
)
export type K8sRbacRole = z.output<typeof k8sRbacRoleSchema>

export const rbacSubjectSchema = deferredSchema(() =>
  z.strictObject({
    /** `User`, `Group`, `ServiceAccount`, or whatever else the binding names. */
    kind: z.string(),
    name: z.string(),
    namespace: z.string().exactOptional(),
  }),
)
export type RbacSubject = z.output<typeof rbacSubjectSchema>

export const k8sRbacBindingSchema = deferredSchema(() =>
  evidenceSchema('k8s.rbac-binding', {
    resourceKind: z.enum(['RoleBinding', 'ClusterRoleBinding']),
    /** `kind` is `Role` or `ClusterRole` in valid bindings, kept as written. */
    roleRef: z.strictObject({ kind: z.string(), name: z.string() }),
    subjects: z.array(rbacSubjectSchema),
  }),
)
export type K8sRbacBinding = z.output<typeof k8sRbacBindingSchema>

/** A Secret manifest. Values are never kept: only key names and whether any value is present. */
export const k8sSecretSchema = deferredSchema(() =>
  evidenceSchema('k8s.secret', {
    namespace: z.string(),
    type: z.string(),
    keys: z.array(z.string()),
    hasValues: z.boolean(),
    /** True when the values are encrypted in the file (SOPS `ENC[...]` values and a `sops:` block). */
    encrypted: z.boolean(),
  }),
)
export type K8sSecret = z.output<typeof k8sSecretSchema>

/** An admission webhook configuration or validating admission policy. */
export const k8sAdmissionControlSchema = deferredSchema(() =>
  evidenceSchema('k8s.admission', {
    /** ValidatingWebhookConfiguration, MutatingWebhookConfiguration, ValidatingAdmissionPolicy, … */
    resourceKind: z.string().min(1),
    webhooks: z.array(
      z.strictObject({
        name: z.string(),
        failurePolicy: z.string().exactOptional(),
        service: z.string().exactOptional(),
      }),
    ),
  }),
)
export type K8sAdmissionControl = z.output<typeof k8sAdmissionControlSchema>

/** A HorizontalPodAutoscaler: the replica count of its target is its to decide, within these bounds. */
export const k8sAutoscalerSchema = deferredSchema(() =>
  evidenceSchema('k8s.autoscaler', {
    namespace: z.string(),
    target: z.strictObject({ kind: z.string(), name: z.string() }),
    minReplicas: z.number(),
    maxReplicas: z.number().exactOptional(),
  }),
)
export type K8sAutoscaler = z.output<typeof k8sAutoscalerSchema>

/** A cluster node as the API reports it (`status.nodeInfo`): what patching and version support are judged on. */
export const k8sNodeSchema = deferredSchema(() =>
  evidenceSchema('k8s.node', {
    resourceKind: z.literal('Node'),
    labels: stringMap,
    /** As reported, e.g. `v1.30.4-eks-a737599`; empty when the node has not reported yet. */
    kubeletVersion: z.string(),
    /** e.g. `containerd://1.7.22`. */
    containerRuntimeVersion: z.string(),
    kernelVersion: z.string(),
    /** e.g. `Amazon Linux 2023.5.20240916`, `Bottlerocket OS 1.22.0 (aws-k8s-1.30)`. */
    osImage: z.string(),
    operatingSystem: z.string().exactOptional(),
    architecture: z.string().exactOptional(),
    /** True when the node is cordoned (`spec.unschedulable`). */
    unschedulable: z.boolean(),
  }),
)
export type K8sNode = z.output<typeof k8sNodeSchema>

/** Any other Kubernetes object, including custom resources, kept so checks and reports can see it. */
export const k8sResourceSchema = deferredSchema(() =>
  evidenceSchema('k8s.resource', {
    apiVersion: z.string(),
    labels: stringMap,
    /**
     * For admission policies (Kyverno policies, Gatekeeper constraints): whether they reject what breaks
     * them (`enforce`) or only record it (`audit`), as their spec says, defaults applied.
     */
    policyMode: z.enum(['enforce', 'audit']).exactOptional(),
    /**
     * The object's `spec` as written (credential-named fields masked), for declarative rules that
     * judge kinds no typed evidence covers (PodDisruptionBudget, ExternalSecret, custom resources).
     */
    spec: z.record(z.string(), z.unknown()).exactOptional(),
    /**
     * A ConfigMap's data keys, each with whether it looks like a credential by its name (a literal
     * value under `DB_PASSWORD`) or by its value's shape (a private key, a token). Values are not kept.
     */
    configData: z
      .array(
        z.strictObject({ key: z.string(), credentialByName: z.boolean(), credentialByValue: z.boolean() }),
      )
      .exactOptional(),
  }),
)
export type K8sResource = z.output<typeof k8sResourceSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const kubernetesEvidenceSchemas = {
  'k8s.workload': k8sWorkloadSchema,
  'k8s.namespace': k8sNamespaceSchema,
  'k8s.service-account': k8sServiceAccountSchema,
  'k8s.network-policy': k8sNetworkPolicySchema,
  'k8s.ingress': k8sIngressSchema,
  'k8s.service': k8sServiceSchema,
  'k8s.rbac-role': k8sRbacRoleSchema,
  'k8s.rbac-binding': k8sRbacBindingSchema,
  'k8s.secret': k8sSecretSchema,
  'k8s.admission': k8sAdmissionControlSchema,
  'k8s.autoscaler': k8sAutoscalerSchema,
  'k8s.node': k8sNodeSchema,
  'k8s.resource': k8sResourceSchema,
} as const
export type KubernetesEvidenceKinds = EvidenceTypes<typeof kubernetesEvidenceSchemas>
