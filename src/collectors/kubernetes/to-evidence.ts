import type {
  Capabilities,
  Container,
  EnvVar,
  EvidenceItem,
  K8sWorkload,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  Probe,
  RbacRule,
} from '../../core/evidence.js'
import {
  maskCredentialFieldMap,
  nameLooksLikeSecret,
  redactSecrets,
  valueLooksLikeSecret,
} from '../../core/secrets.js'
import { ObjectReader, ownString, ownStrings, sharedIfEmpty, type YamlObject } from './read-object.js'

/** Kinds of the built-in API groups; any other kind there is a typo or an API that does not exist. */
const builtInKinds = new Set([
  'Namespace',
  'Pod',
  'Service',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'LimitRange',
  'ResourceQuota',
  'Endpoints',
  'ReplicationController',
  'Node',
  'Event',
  'PodTemplate',
  'Binding',
  'ComponentStatus',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ControllerRevision',
  'Job',
  'CronJob',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'ServiceCIDR',
  'IPAddress',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'CSIStorageCapacity',
  'VolumeAttachment',
  'VolumeAttributesClass',
  'CustomResourceDefinition',
  'PriorityClass',
  'Lease',
  'EndpointSlice',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'RuntimeClass',
  'APIService',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'TokenReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'LocalSubjectAccessReview',
  'SelfSubjectRulesReview',
  'ResourceClaim',
  'ResourceClaimTemplate',
  'DeviceClass',
  'ResourceSlice',
  'StorageVersionMigration',
  'StorageVersion',
  'LeaseCandidate',
  'SelfSubjectReview',
  // Removed in 1.25, still found in older charts; a known kind, not a typo.
  'PodSecurityPolicy',
])

/**
 * The API groups served by kube-apiserver itself. Listed rather than matched on `*.k8s.io`: several
 * groups under k8s.io are CRDs (Gateway API `gateway.networking.k8s.io`, `snapshot.storage.k8s.io`,
 * the VPA's `autoscaling.k8s.io`), and their kinds must not be reported as typos of built-in kinds.
 */
const builtInGroups = new Set([
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
])

/** Whether an owner reference names a kind read as a workload here (a Deployment, a Job…). */
function isWorkloadController(apiVersion: string | undefined, kind: string | undefined): boolean {
  return kind !== undefined && workloadKinds.has(kind) && isBuiltInApiGroup(apiVersion ?? '')
}

/** Built-in API groups: the core group (`v1`) and the groups kube-apiserver serves. */
export function isBuiltInApiGroup(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/')
  if (slash < 0) return true
  return builtInGroups.has(apiVersion.slice(0, slash))
}

export function isKnownBuiltInKind(kind: string): boolean {
  return builtInKinds.has(kind)
}

/** Cluster-scoped kinds, which have no namespace. */
const clusterScoped = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'APIService',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'VolumeAttributesClass',
  'PodSecurityPolicy',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'DeviceClass',
  'StorageVersionMigration',
  'ComponentStatus',
  // Custom resources that are cluster-scoped by definition.
  'GatewayClass',
  'ClusterPolicy',
  'ClusterIssuer',
  'ClusterSecretStore',
])

const workloadKinds = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
  'ReplicationController',
])
/**
 * An Argo Rollout with its own pod template: it runs pods as a Deployment does, so its containers
 * are judged like one's. A Rollout that points at a Deployment (`spec.workloadRef`) has no template;
 * the Deployment is judged itself, and the Rollout stays a custom resource (listed as not assessed).
 */
function isRolloutWithTemplate(apiVersion: string, kind: string, spec: YamlObject): boolean {
  return kind === 'Rollout' && apiVersion.startsWith('argoproj.io/') && spec.template !== undefined
}

const admissionKinds = new Set([
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'MutatingAdmissionPolicy',
])

export interface Located {
  file: string
  line: number
}

/**
 * Turns one parsed Kubernetes object into typed evidence. Returns the evidence, or the problems that
 * stop the object from being read (each a path and what is wrong).
 */
export function toEvidence(object: YamlObject, where: Located): { item?: EvidenceItem; problems: string[] } {
  const r = new ObjectReader()
  const apiVersion = r.string(object.apiVersion) ?? ''
  const kind = r.string(object.kind) ?? ''
  const metadata = r.object(object.metadata, 'metadata')
  const name = r.string(metadata.name) ?? r.string(metadata.generateName) ?? ''
  if (name === '') return { problems: ['metadata.name is missing'] }
  const base = {
    resourceKind: kind,
    name,
    file: where.file,
    line: where.line,
  }
  const namespace = clusterScoped.has(kind) ? undefined : (r.string(metadata.namespace) ?? 'default')
  const labels = r.stringMap(metadata.labels, 'metadata.labels')
  // Annotation values can carry credentials (ingress configuration snippets with auth headers).
  const annotations = redactedValues(r.stringMap(metadata.annotations, 'metadata.annotations'))
  const spec = r.object(object.spec, 'spec')
  const ns = namespace ?? 'default'

  // A live dump holds the Pods and ReplicaSets a controller made; judging them too would count each
  // exception several times. The controller (Deployment, Job…) is the subject, when it is one read as
  // a workload: the ReplicaSets of an Argo Rollout, or Pods of an operator, are judged themselves, as
  // their controller's pod template is never looked at.
  const ownedByController = r
    .objects(metadata.ownerReferences, 'metadata.ownerReferences')
    .some(
      (o) =>
        r.boolean(o.controller) === true && isWorkloadController(r.string(o.apiVersion), r.string(o.kind)),
    )
  if (ownedByController && workloadKinds.has(kind)) return { problems: [] }

  let item: EvidenceItem | undefined
  if (
    (workloadKinds.has(kind) && isBuiltInApiGroup(apiVersion)) ||
    isRolloutWithTemplate(apiVersion, kind, spec)
  ) {
    item = toWorkload(r, object, kind, name, where, ns, labels)
  } else if (kind === 'HorizontalPodAutoscaler' && isBuiltInApiGroup(apiVersion)) {
    const target = r.object(spec.scaleTargetRef, 'spec.scaleTargetRef')
    item = {
      kind: 'k8s.autoscaler',
      ...base,
      namespace: ns,
      target: { kind: r.string(target.kind) ?? '', name: r.string(target.name) ?? '' },
      // The API defaults minReplicas to 1.
      minReplicas: r.number(spec.minReplicas) ?? 1,
    }
    const maxReplicas = r.number(spec.maxReplicas)
    if (maxReplicas !== undefined) item.maxReplicas = maxReplicas
  } else if (kind === 'Namespace' && isBuiltInApiGroup(apiVersion)) {
    item = { kind: 'k8s.namespace', ...base, labels, annotations }
  } else if (kind === 'ServiceAccount' && isBuiltInApiGroup(apiVersion)) {
    item = { kind: 'k8s.service-account', ...base, namespace: ns }
    const automount = r.boolean(object.automountServiceAccountToken)
    if (automount !== undefined) item.automountServiceAccountToken = automount
  } else if (kind === 'NetworkPolicy' && isBuiltInApiGroup(apiVersion)) {
    // Only networking.k8s.io: Calico's and Antrea's NetworkPolicy have another shape (`selector`,
    // `types`), which read as this one was an empty podSelector with no ingress rule, a default deny.
    item = {
      kind: 'k8s.network-policy',
      ...base,
      namespace: ns,
      podSelector: toSelector(r, spec.podSelector, 'spec.podSelector'),
      policyTypes: r
        .strings(spec.policyTypes, 'spec.policyTypes')
        .filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress'),
      ingress: r
        .objects(spec.ingress, 'spec.ingress')
        .map((rule, i) => toRule(r, rule, 'from', `spec.ingress[${i}]`)),
      egress: r
        .objects(spec.egress, 'spec.egress')
        .map((rule, i) => toRule(r, rule, 'to', `spec.egress[${i}]`)),
    }
  } else if (kind === 'Ingress' && isBuiltInApiGroup(apiVersion)) {
    item = {
      kind: 'k8s.ingress',
      ...base,
      namespace: ns,
      annotations,
      hosts: r.objects(spec.rules, 'spec.rules').map((rule) => r.string(rule.host) ?? ''),
      tls: r.objects(spec.tls, 'spec.tls').map((tls, i) => {
        const entry: { hosts: string[]; secretName?: string } = {
          hosts: r.strings(tls.hosts, `spec.tls[${i}].hosts`),
        }
        const secretName = r.string(tls.secretName)
        if (secretName !== undefined) entry.secretName = secretName
        return entry
      }),
    }
    const className = r.string(spec.ingressClassName)
    if (className !== undefined) item.ingressClassName = className
  } else if (kind === 'Service' && isBuiltInApiGroup(apiVersion)) {
    // A Knative Service (serving.knative.dev) runs pods; it is no ClusterIP Service.
    const type = r.string(spec.type) ?? 'ClusterIP'
    item = {
      kind: 'k8s.service',
      ...base,
      namespace: ns,
      type: type === 'NodePort' || type === 'LoadBalancer' || type === 'ExternalName' ? type : 'ClusterIP',
      annotations,
      loadBalancerSourceRanges: r.strings(spec.loadBalancerSourceRanges, 'spec.loadBalancerSourceRanges'),
      ports: r.objects(spec.ports, 'spec.ports').map((p) => {
        const port: { port: number; protocol?: string; nodePort?: number } = { port: r.number(p.port) ?? 0 }
        const protocol = r.string(p.protocol)
        if (protocol !== undefined) port.protocol = protocol
        const nodePort = r.number(p.nodePort)
        if (nodePort !== undefined) port.nodePort = nodePort
        return port
      }),
    }
  } else if ((kind === 'Role' || kind === 'ClusterRole') && isBuiltInApiGroup(apiVersion)) {
    item = {
      kind: 'k8s.rbac-role',
      ...base,
      resourceKind: kind,
      ...(namespace === undefined ? {} : { namespace }),
      rules: r.objects(object.rules, 'rules').map((rule, i) => toRbacRule(r, rule, `rules[${i}]`)),
      aggregated: object.aggregationRule !== undefined && object.aggregationRule !== null,
    }
  } else if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && isBuiltInApiGroup(apiVersion)) {
    const roleRef = r.object(object.roleRef, 'roleRef')
    item = {
      kind: 'k8s.rbac-binding',
      ...base,
      resourceKind: kind,
      ...(namespace === undefined ? {} : { namespace }),
      roleRef: { kind: r.string(roleRef.kind) ?? '', name: r.string(roleRef.name) ?? '' },
      subjects: r.objects(object.subjects, 'subjects').map((s) => {
        const subject: { kind: string; name: string; namespace?: string } = {
          kind: r.string(s.kind) ?? '',
          name: r.string(s.name) ?? '',
        }
        const subjectNamespace = r.string(s.namespace)
        if (subjectNamespace !== undefined) subject.namespace = subjectNamespace
        return subject
      }),
    }
  } else if (kind === 'Secret' && isBuiltInApiGroup(apiVersion)) {
    // Values are never copied out of the object: only which keys exist and whether any holds a value.
    const data = r.object(object.data, 'data')
    const stringData = r.object(object.stringData, 'stringData')
    const keys = [...new Set([...Object.keys(data), ...Object.keys(stringData)])]
    const hasValues = [...Object.values(data), ...Object.values(stringData)].some(
      (v) => v !== null && v !== '',
    )
    const values = [...Object.values(data), ...Object.values(stringData)].filter(
      (v) => v !== null && v !== '',
    )
    // SOPS keeps the manifest shape but replaces each value with ENC[...] and adds a `sops:` block.
    const encrypted =
      r.isObject(object.sops) &&
      values.length > 0 &&
      values.every((v) => typeof v === 'string' && v.startsWith('ENC['))
    item = {
      kind: 'k8s.secret',
      ...base,
      namespace: ns,
      type: r.string(object.type) ?? 'Opaque',
      keys,
      hasValues,
      encrypted,
    }
  } else if (kind === 'SealedSecret' && apiVersion.startsWith('bitnami.com/')) {
    // A SealedSecret holds values encrypted to the cluster controller's public key: ciphertext that
    // only that controller can open, so the file is as safe to commit as SOPS output. It is read as
    // the Secret it becomes, with its keys, so the Secret checks judge it.
    const template = r.object(spec.template, 'spec.template')
    const encryptedData = r.object(spec.encryptedData, 'spec.encryptedData')
    const values = Object.values(encryptedData).filter((v) => v !== null && v !== '')
    item = {
      kind: 'k8s.secret',
      ...base,
      namespace: ns,
      type: r.string(template.type) ?? 'Opaque',
      keys: Object.keys(encryptedData),
      hasValues: values.length > 0,
      encrypted: values.length > 0,
    }
  } else if (kind === 'Node' && isBuiltInApiGroup(apiVersion)) {
    // A live cluster or a `kubectl get nodes -o yaml` dump: the versions the node reports about itself.
    const status = r.object(object.status, 'status')
    const info = r.object(status.nodeInfo, 'status.nodeInfo')
    item = {
      kind: 'k8s.node',
      ...base,
      resourceKind: 'Node',
      labels,
      kubeletVersion: r.string(info.kubeletVersion) ?? '',
      containerRuntimeVersion: r.string(info.containerRuntimeVersion) ?? '',
      kernelVersion: r.string(info.kernelVersion) ?? '',
      osImage: r.string(info.osImage) ?? '',
      unschedulable: r.boolean(spec.unschedulable) === true,
    }
    const os = r.string(info.operatingSystem)
    if (os !== undefined) item.operatingSystem = os
    const architecture = r.string(info.architecture)
    if (architecture !== undefined) item.architecture = architecture
  } else if (admissionKinds.has(kind)) {
    item = {
      kind: 'k8s.admission',
      ...base,
      webhooks: r.objects(object.webhooks, 'webhooks').map((w) => {
        const webhook: { name: string; failurePolicy?: string; service?: string } = {
          name: r.string(w.name) ?? '',
        }
        const failurePolicy = r.string(w.failurePolicy)
        if (failurePolicy !== undefined) webhook.failurePolicy = failurePolicy
        const service = r.object(r.object(w.clientConfig, 'clientConfig').service, 'clientConfig.service')
        const serviceName = r.string(service.name)
        if (serviceName !== undefined)
          webhook.service = `${r.string(service.namespace) ?? 'default'}/${serviceName}`
        return webhook
      }),
    }
  } else {
    const policyMode = admissionPolicyMode(r, apiVersion, kind, spec)
    item = {
      kind: 'k8s.resource',
      ...(policyMode === undefined ? {} : { policyMode }),
      ...base,
      apiVersion,
      // A custom resource may be cluster-scoped (ClusterPolicy, ConstraintTemplate) and only its CRD
      // says so: report the namespace only where the manifest states it.
      ...(namespace === undefined ||
      (!isBuiltInApiGroup(apiVersion) && r.string(metadata.namespace) === undefined)
        ? {}
        : { namespace }),
      labels,
      ...(r.isObject(object.spec)
        ? { spec: ownStrings(maskCredentialFieldMap(object.spec)) as Record<string, unknown> }
        : {}),
      ...(kind === 'ConfigMap' && isBuiltInApiGroup(apiVersion)
        ? { configData: toConfigData(r.object(object.data, 'data')) }
        : {}),
    }
  }
  return r.problems.length > 0 ? { problems: r.problems } : { item, problems: [] }
}

/** A string map with each value's credentials masked (redactSecrets); the map itself when it is empty. */
function redactedValues(map: Record<string, string>): Record<string, string> {
  const keys = Object.keys(map)
  if (keys.length === 0) return map
  const out: Record<string, string> = {}
  for (const key of keys) out[key] = redactSecrets(map[key] ?? '')
  return out
}

/** A value that only names where the real one comes from: `${DB_PASSWORD}`, `{{ .Values.x }}`. */
const placeholder = /^\s*(\$\{?[\w.]+\}?|\{\{.*\}\}|<[^<>]*>)\s*$/

/**
 * A ConfigMap's keys and whether each holds what looks like a credential, by its name (with a
 * literal value) or by its value's shape. Values are never kept: only the verdict on them.
 */
function toConfigData(
  data: YamlObject,
): { key: string; credentialByName: boolean; credentialByValue: boolean }[] {
  return Object.entries(data).map(([key, raw]) => {
    const value = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw)
    const literal = value.trim() !== '' && !placeholder.test(value)
    return {
      key,
      credentialByName: literal && nameLooksLikeSecret(key),
      credentialByValue: valueLooksLikeSecret(value),
    }
  })
}

/**
 * Kyverno validates in Audit mode unless told to Enforce (per policy, or per rule in newer
 * versions); a Gatekeeper constraint denies unless its enforcementAction says dryrun or warn.
 */
function admissionPolicyMode(
  r: ObjectReader,
  apiVersion: string,
  kind: string,
  spec: YamlObject,
): 'enforce' | 'audit' | undefined {
  const group = apiVersion.split('/')[0] ?? ''
  if (group === 'kyverno.io' && (kind === 'ClusterPolicy' || kind === 'Policy')) {
    const policyAction = r.string(spec.validationFailureAction)?.toLowerCase()
    // A rule's own failureAction wins over the policy's: a policy set to Enforce whose every validate
    // rule says Audit only audits. Without validate rules the policy-level action is all there is.
    const validateRules = r.objects(spec.rules, 'spec.rules').filter((rule) => r.isObject(rule.validate))
    if (validateRules.length === 0) return policyAction === 'enforce' ? 'enforce' : 'audit'
    const enforces = validateRules.some((rule) => {
      const ruleAction = r.string(r.object(rule.validate, 'spec.rules.validate').failureAction)?.toLowerCase()
      return (ruleAction ?? policyAction) === 'enforce'
    })
    return enforces ? 'enforce' : 'audit'
  }
  if (group === 'constraints.gatekeeper.sh') {
    const action = r.string(spec.enforcementAction)?.toLowerCase() ?? 'deny'
    return action === 'deny' ? 'enforce' : 'audit'
  }
  return undefined
}

function toWorkload(
  r: ObjectReader,
  object: YamlObject,
  kind: string,
  name: string,
  where: Located,
  namespace: string,
  labels: Record<string, string>,
): K8sWorkload {
  const spec = r.object(object.spec, 'spec')
  // Where the pod template lives differs by kind; CronJob nests it two levels down.
  let templatePath = 'spec.template'
  let template: YamlObject
  if (kind === 'Pod') {
    templatePath = ''
    template = object
  } else if (kind === 'CronJob') {
    templatePath = 'spec.jobTemplate.spec.template'
    const jobSpec = r.object(r.object(spec.jobTemplate, 'spec.jobTemplate').spec, 'spec.jobTemplate.spec')
    template = r.object(jobSpec.template, templatePath)
  } else {
    template = r.object(spec.template, templatePath)
  }
  const prefix = templatePath === '' ? '' : `${templatePath}.`
  const podSpec = r.object(template.spec, `${prefix}spec`)
  const podMeta = r.object(template.metadata, `${prefix}metadata`)
  const podContext = r.object(podSpec.securityContext, `${prefix}spec.securityContext`)
  const podAnnotations = r.stringMap(podMeta.annotations, `${prefix}metadata.annotations`)
  const pod = { context: podContext, annotations: podAnnotations }
  const containers: Container[] = []
  const read = (field: string, role: 'init' | 'app' | 'ephemeral'): void => {
    const path = `${prefix}spec.${field}`
    let i = 0
    for (const c of r.objects(podSpec[field], path))
      containers.push(toContainer(r, c, pod, role, `${path}[${i++}]`))
  }
  read('initContainers', 'init')
  read('containers', 'app')
  // Attached to a running Pod by `kubectl debug`; a live cluster reports them.
  read('ephemeralContainers', 'ephemeral')
  const volumes = r.objects(podSpec.volumes, `${prefix}spec.volumes`)
  // The keys in the order they always had (reports that print an item as it is list them so).
  const workload: K8sWorkload = {
    kind: 'k8s.workload',
    resourceKind: kind,
    name,
    file: where.file,
    line: where.line,
    namespace,
    labels,
    podLabels: r.stringMap(podMeta.labels, `${prefix}metadata.labels`),
    hostNetwork: r.boolean(podSpec.hostNetwork) ?? false,
    hostPID: r.boolean(podSpec.hostPID) ?? false,
    hostIPC: r.boolean(podSpec.hostIPC) ?? false,
    containers,
    secretVolumes: sharedIfEmpty(
      volumes.flatMap((v, i) => {
        const secretName = r.string(r.object(v.secret, `${prefix}spec.volumes[${i}].secret`).secretName)
        return secretName === undefined ? [] : [secretName]
      }),
    ),
    hostPathVolumes: sharedIfEmpty(
      volumes.flatMap((v, i) => {
        const path = r.string(r.object(v.hostPath, `${prefix}spec.volumes[${i}].hostPath`).path)
        return path === undefined ? [] : [path]
      }),
    ),
    volumes: sharedIfEmpty(volumes.map((v) => ({ name: r.string(v.name) ?? '', type: volumeType(v) }))),
    sysctls: sharedIfEmpty(
      r.objects(podContext.sysctls, `${prefix}spec.securityContext.sysctls`).map((sysctl) => ({
        name: r.string(sysctl.name) ?? '',
        value: r.string(sysctl.value) ?? '',
      })),
    ),
  }
  if (
    kind === 'Deployment' ||
    kind === 'StatefulSet' ||
    kind === 'ReplicaSet' ||
    kind === 'ReplicationController' ||
    kind === 'Rollout'
  ) {
    // Left undefined when omitted: Kubernetes then runs 1, unless an autoscaler owns the count.
    const replicas = r.number(spec.replicas)
    if (replicas !== undefined) workload.replicas = replicas
  }
  const serviceAccount = r.string(podSpec.serviceAccountName) ?? r.string(podSpec.serviceAccount)
  if (serviceAccount !== undefined) workload.serviceAccountName = serviceAccount
  const automount = r.boolean(podSpec.automountServiceAccountToken)
  if (automount !== undefined) workload.automountServiceAccountToken = automount
  // Counted without init and ephemeral containers: Kubernetes runs no pod without an app container,
  // and a check that skips init containers (probes) would pass on what it never saw.
  if (!containers.some((c) => !c.init && c.ephemeral !== true))
    r.problems.push(`${prefix}spec.containers: a ${kind} needs at least one container`)
  return workload
}

/** The source of a volume: its one key besides `name` (`configMap`, `hostPath`, `nfs`, …). */
function volumeType(volume: YamlObject): string {
  return Object.keys(volume).find((key) => key !== 'name') ?? 'unknown'
}

/** AppArmor annotation values (`runtime/default`, `localhost/<profile>`, `unconfined`) as field types. */
function appArmorFromAnnotation(value: string): string {
  if (value === 'runtime/default') return 'RuntimeDefault'
  if (value.startsWith('localhost/')) return 'Localhost'
  if (value === 'unconfined') return 'Unconfined'
  return value
}

function toContainer(
  r: ObjectReader,
  c: YamlObject,
  pod: { context: YamlObject; annotations: Record<string, string> },
  role: 'init' | 'app' | 'ephemeral',
  path: string,
): Container {
  const podContext = pod.context
  const init = role === 'init'
  const own = r.object(c.securityContext, `${path}.securityContext`)
  // A container's own securityContext overrides the pod's, field by field, as the kubelet applies it.
  // A null there is a field left unset (Helm renders `appArmorProfile: null` from empty values), so
  // the pod's value still applies: taken as the container's, it hid a pod-level Unconfined.
  const pick = (field: string): unknown =>
    own[field] !== undefined && own[field] !== null ? own[field] : podContext[field]
  const caps = r.object(own.capabilities, `${path}.securityContext.capabilities`)
  const capabilities: Capabilities = {
    add: r.strings(caps.add, `${path}.securityContext.capabilities.add`),
    drop: r.strings(caps.drop, `${path}.securityContext.capabilities.drop`),
  }
  const resources = r.object(c.resources, `${path}.resources`)
  const container: Container = {
    name: r.string(c.name) ?? '',
    image: r.string(c.image) ?? '',
    init,
    capabilities,
    env: sharedIfEmpty(r.objects(c.env, `${path}.env`).map((e) => toEnvVar(r, e))),
    envFromSecrets: sharedIfEmpty(
      r.objects(c.envFrom, `${path}.envFrom`).flatMap((e, i) => {
        const secretName = r.string(r.object(e.secretRef, `${path}.envFrom[${i}].secretRef`).name)
        return secretName === undefined ? [] : [secretName]
      }),
    ),
    resources: {
      requests: r.stringMap(resources.requests, `${path}.resources.requests`),
      limits: r.stringMap(resources.limits, `${path}.resources.limits`),
    },
  }
  const runAsNonRoot = r.boolean(pick('runAsNonRoot'))
  if (runAsNonRoot !== undefined) container.runAsNonRoot = runAsNonRoot
  const runAsUser = r.number(pick('runAsUser'))
  if (runAsUser !== undefined) container.runAsUser = runAsUser
  const privileged = r.boolean(own.privileged)
  if (privileged !== undefined) container.privileged = privileged
  const escalation = r.boolean(own.allowPrivilegeEscalation)
  if (escalation !== undefined) container.allowPrivilegeEscalation = escalation
  const readOnly = r.boolean(own.readOnlyRootFilesystem)
  if (readOnly !== undefined) container.readOnlyRootFilesystem = readOnly
  const seccomp = r.string(r.object(pick('seccompProfile'), `${path}.securityContext.seccompProfile`).type)
  if (seccomp !== undefined) container.seccompProfile = seccomp
  if (role === 'ephemeral') container.ephemeral = true
  // The field (1.30+) wins over the annotation, the container's over the pod's.
  const appArmorField = r.string(
    r.object(pick('appArmorProfile'), `${path}.securityContext.appArmorProfile`).type,
  )
  // Looked up only where the pod has annotations: most have none, and the key is a new string each time.
  const appArmorAnnotation = isEmpty(pod.annotations)
    ? undefined
    : pod.annotations[`container.apparmor.security.beta.kubernetes.io/${container.name}`]
  if (appArmorField !== undefined) container.appArmorProfile = appArmorField
  else if (appArmorAnnotation !== undefined)
    container.appArmorProfile = appArmorFromAnnotation(appArmorAnnotation)
  const ownSeLinux = r.object(own.seLinuxOptions, `${path}.securityContext.seLinuxOptions`)
  const podSeLinux = r.object(podContext.seLinuxOptions, 'securityContext.seLinuxOptions')
  const seLinux: NonNullable<Container['seLinuxOptions']> = {}
  for (const field of seLinuxFields) {
    const value = r.string(ownSeLinux[field]) ?? r.string(podSeLinux[field])
    if (value !== undefined) seLinux[field] = value
  }
  if (Object.keys(seLinux).length > 0) container.seLinuxOptions = seLinux
  const procMount = r.string(own.procMount)
  if (procMount !== undefined) container.procMount = procMount
  const hostProcess =
    r.boolean(r.object(own.windowsOptions, `${path}.securityContext.windowsOptions`).hostProcess) ??
    r.boolean(r.object(podContext.windowsOptions, 'securityContext.windowsOptions').hostProcess)
  if (hostProcess !== undefined) container.windowsHostProcess = hostProcess
  const hostPorts = r
    .objects(c.ports, `${path}.ports`)
    .map((p) => r.number(p.hostPort) ?? 0)
    .filter((port) => port !== 0)
  if (hostPorts.length > 0) container.hostPorts = hostPorts
  const liveness = toProbe(r, c.livenessProbe)
  if (liveness !== undefined) container.livenessProbe = liveness
  const readiness = toProbe(r, c.readinessProbe)
  if (readiness !== undefined) container.readinessProbe = readiness
  return container
}

const seLinuxFields = ['type', 'user', 'role', 'level'] as const

function isEmpty(map: Record<string, string>): boolean {
  for (const _ in map) return false
  return true
}

function toEnvVar(r: ObjectReader, e: YamlObject): EnvVar {
  // Only looked at: the evidence keeps whether there is a literal and whether it looks like a secret.
  const value = r.text(e.value)
  const from = r.isObject(e.valueFrom) ? e.valueFrom : undefined
  let source: EnvVar['source'] = 'literal'
  if (from !== undefined) {
    if (from.secretKeyRef !== undefined) source = 'secret'
    else if (from.configMapKeyRef !== undefined) source = 'configmap'
    else if (from.fieldRef !== undefined) source = 'field'
    else if (from.resourceFieldRef !== undefined) source = 'resource'
    else source = 'unknown'
  }
  return {
    name: r.string(e.name) ?? '',
    source,
    hasLiteralValue: source === 'literal' && value !== undefined && value !== '',
    literalLooksLikeSecret: source === 'literal' && value !== undefined && valueLooksLikeSecret(value),
  }
}

function toProbe(r: ObjectReader, value: unknown): Probe | undefined {
  if (!r.isObject(value)) return undefined
  if (value.httpGet !== undefined) return { type: 'httpGet' }
  if (value.tcpSocket !== undefined) return { type: 'tcpSocket' }
  if (value.exec !== undefined) return { type: 'exec' }
  if (value.grpc !== undefined) return { type: 'grpc' }
  return { type: 'unknown' }
}

function toSelector(r: ObjectReader, value: unknown, path: string): LabelSelector {
  const selector = r.object(value, path)
  return {
    matchLabels: r.stringMap(selector.matchLabels, `${path}.matchLabels`),
    matchExpressions: r.objects(selector.matchExpressions, `${path}.matchExpressions`).map((e, i) => ({
      key: r.string(e.key) ?? '',
      operator: r.string(e.operator) ?? '',
      values: r.strings(e.values, `${path}.matchExpressions[${i}].values`),
    })),
  }
}

function toRule(
  r: ObjectReader,
  rule: YamlObject,
  peersField: 'from' | 'to',
  path: string,
): NetworkPolicyRule {
  return {
    // Problems name the field as written (`spec.ingress[0].from[1]`), so the author can find it.
    peers: r.objects(rule[peersField], `${path}.${peersField}`).map((p, i) => {
      const peerPath = `${path}.${peersField}[${i}]`
      const peer: NetworkPolicyPeer = {}
      if (p.podSelector !== undefined)
        peer.podSelector = toSelector(r, p.podSelector, `${peerPath}.podSelector`)
      if (p.namespaceSelector !== undefined)
        peer.namespaceSelector = toSelector(r, p.namespaceSelector, `${peerPath}.namespaceSelector`)
      if (r.isObject(p.ipBlock))
        peer.ipBlock = {
          cidr: r.string(p.ipBlock.cidr) ?? '',
          except: r.strings(p.ipBlock.except, `${peerPath}.ipBlock.except`),
        }
      return peer
    }),
    ports: r.objects(rule.ports, `${path}.ports`).map((p) => {
      const port: { protocol?: string; port?: string | number } = {}
      const protocol = r.string(p.protocol)
      if (protocol !== undefined) port.protocol = protocol
      if (typeof p.port === 'number') port.port = p.port
      else if (typeof p.port === 'string') port.port = ownString(p.port)
      return port
    }),
  }
}

function toRbacRule(r: ObjectReader, rule: YamlObject, path: string): RbacRule {
  return {
    apiGroups: r.strings(rule.apiGroups, `${path}.apiGroups`),
    resources: r.strings(rule.resources, `${path}.resources`),
    verbs: r.strings(rule.verbs, `${path}.verbs`),
    nonResourceURLs: r.strings(rule.nonResourceURLs, `${path}.nonResourceURLs`),
  }
}
