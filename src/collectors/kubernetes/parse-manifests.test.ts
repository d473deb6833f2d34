import { readFileSync } from 'node:fs'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import type {
  EvidenceItem,
  K8sNetworkPolicy,
  K8sRbacBinding,
  K8sRbacRole,
  K8sResource,
  K8sSecret,
  K8sService,
  K8sWorkload,
} from '../../core/evidence.js'
import { manifestSchema, parseManifests } from './parse-manifests.js'

function one<K extends EvidenceItem['kind']>(
  evidence: readonly EvidenceItem[],
  kind: K,
  name: string,
): Extract<EvidenceItem, { kind: K }> {
  const found = evidence.filter(
    (e): e is Extract<EvidenceItem, { kind: K }> => e.kind === kind && e.name === name,
  )
  expect(found, `${kind} ${name}`).toHaveLength(1)
  return found[0] as Extract<EvidenceItem, { kind: K }>
}

const configMap = (name: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  key: value
`

describe('multi-document streams', () => {
  // Line numbers are part of the fixture: each object is reported at its `apiVersion` line.
  const stream = `---
# only a comment: not a document
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
--- # the second one
# with a comment before it
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
...
---

apiVersion: v1
kind: ConfigMap
metadata:
  name: third
`

  it('reports each object at the 1-based line where its content starts', () => {
    const result = parseManifests(stream, 'deploy/app.yaml')
    expect(result.errors).toEqual([])
    expect(result.isManifest).toBe(true)
    expect(result.evidence.map((e) => [e.name, e.line, e.file])).toEqual([
      ['first', 4, 'deploy/app.yaml'],
      ['second', 10, 'deploy/app.yaml'],
      ['third', 17, 'deploy/app.yaml'],
    ])
  })

  it('gives the same names and lines with CRLF line endings', () => {
    const result = parseManifests(stream.replace(/\n/g, '\r\n'), 'app.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.name, e.line])).toEqual([
      ['first', 4],
      ['second', 10],
      ['third', 17],
    ])
  })

  it('keeps an indented `---` inside a block scalar as content, not a document break', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: front-matter
data:
  post.md: |
    ---
    title: hello
    ---
---
${configMap('after')}`
    const result = parseManifests(text, 'cm.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.name, e.line])).toEqual([
      ['front-matter', 1],
      ['after', 11],
    ])
  })

  it('reads documents 1, 2 and 4 when the 3rd is malformed, and names the file and line of the fault', () => {
    const text = `${configMap('one')}---
${configMap('two')}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: three
   labels: {}
---
${configMap('four')}`
    // configMap() is 6 lines: doc 3 starts on line 15 and its bad line is 19.
    const result = parseManifests(text, 'deploy/broken.yaml')
    expect(result.evidence.map((e) => [e.name, e.line])).toEqual([
      ['one', 1],
      ['two', 8],
      ['four', 21],
    ])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file: 'deploy/broken.yaml', line: 19 })
    expect(result.errors[0]?.message).toMatch(/^invalid YAML: /)
    expect(result.errors[0]?.hint).toBeUndefined()
  })

  it('reports a document without apiVersion and kind beside real objects', () => {
    const result = parseManifests(`${configMap('real')}---\nfoo: bar\n`, 'mixed.yaml')
    expect(result.evidence).toHaveLength(1)
    expect(result.errors).toEqual([
      {
        file: 'mixed.yaml',
        line: 8,
        message: 'document has no apiVersion and kind, so it is not a Kubernetes object',
      },
    ])
  })
})

describe('lists', () => {
  it('expands `kind: List` items, each reported at its own line', () => {
    const text = `# kubectl get deploy,svc -o yaml
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      spec:
        containers:
        - name: web
          image: nginx:1.27
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
  spec:
    ports:
    - port: 80
- just: a mapping
`
    const result = parseManifests(text, 'dump.yaml')
    expect(result.evidence.map((e) => [e.kind, e.name, e.namespace, e.line])).toEqual([
      ['k8s.workload', 'web', 'shop', 5],
      ['k8s.service', 'web', 'shop', 16],
    ])
    expect(result.errors).toEqual([
      {
        file: 'dump.yaml',
        line: 24,
        message: 'items[2]: not a Kubernetes object (no apiVersion and kind)',
        kinds: expect.arrayContaining(['k8s.workload', 'k8s.rbac-role']),
      },
    ])
  })

  it('expands a typed list such as `RoleList`', () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleList
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: { name: reader, namespace: a }
  rules: [{ apiGroups: [''], resources: [pods], verbs: [get] }]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: { name: writer, namespace: b }
  rules: [{ apiGroups: [''], resources: [pods], verbs: [create] }]
`
    const result = parseManifests(text, 'roles.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.kind, e.name, e.namespace])).toEqual([
      ['k8s.rbac-role', 'reader', 'a'],
      ['k8s.rbac-role', 'writer', 'b'],
    ])
  })
})

describe('Helm and Kustomize sources', () => {
  const helmTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
`

  it('refuses a Helm template with one error whose message and hint name `helm template`', () => {
    const result = parseManifests(helmTemplate, 'charts/web/templates/deployment.yaml')
    expect(result.evidence).toEqual([])
    expect(result.isManifest).toBe(true)
    expect(result.errors).toHaveLength(1)
    const [error] = result.errors
    expect(error).toMatchObject({ file: 'charts/web/templates/deployment.yaml', line: 4 })
    expect(error?.message).toContain('Helm template')
    expect(error?.hint).toContain('helm template')
  })

  it('refuses a Helm template whose actions are all quoted, so the YAML parses', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: "{{ .Release.Name }}-web"
`
    const result = parseManifests(text, 'templates/service.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors.map((e) => e.line)).toEqual([4])
    expect(result.errors[0]?.hint).toContain('helm template')
  })

  it('refuses a Helm template whose first line is a control action', () => {
    const text = `{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
{{- end }}
`
    const result = parseManifests(text, 'templates/ingress.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ line: 1 })
    expect(result.errors[0]?.hint).toContain('helm template')
  })

  it('hints at `helm template` when Helm-2 style actions break the YAML', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: "{{ template "web.fullname" . }}"
`
    const result = parseManifests(text, 'templates/svc.yaml')
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.message).toMatch(/^invalid YAML/)
    expect(result.errors[0]?.hint).toContain('helm template')
  })

  it('reads rendered output that carries Alertmanager templates in a ConfigMap', () => {
    // Go-template actions inside data are content, not Helm: the object must still be read.
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: alertmanager-templates
  namespace: monitoring
data:
  slack.tmpl: |
    {{ define "slack.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}
    {{ define "slack.text" }}{{ template "slack.title" . }}{{ end }}
`
    const result = parseManifests(text, 'rendered.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.kind, e.name])).toEqual([['k8s.resource', 'alertmanager-templates']])
  })

  it('reads a kustomization as no object and no error: the walk reports its overlay once', () => {
    const text = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
patches:
  - path: replicas.yaml
`
    const result = parseManifests(text, 'deploy/overlays/prod/kustomization.yaml')
    expect(result).toEqual({ evidence: [], errors: [], isManifest: false })
  })

  it('recognises a kustomization.yaml that omits apiVersion and kind', () => {
    const result = parseManifests('resources:\n  - deployment.yaml\n', 'base/kustomization.yml')
    expect(result).toEqual({ evidence: [], errors: [], isManifest: false })
  })
})

describe('kinds', () => {
  it('reports an unknown kind in a built-in group and keeps the other objects', () => {
    const text = `apiVersion: apps/v1
kind: Deploymnt
metadata:
  name: web
---
${configMap('still-read')}`
    const result = parseManifests(text, 'typo.yaml')
    expect(result.evidence.map((e) => e.name)).toEqual(['still-read'])
    expect(result.errors).toEqual([
      {
        file: 'typo.yaml',
        line: 1,
        message: "unknown kind 'Deploymnt' for apiVersion 'apps/v1'",
        kinds: expect.arrayContaining(['k8s.workload', 'k8s.rbac-role']),
      },
    ])
  })

  it('keeps custom resources as `k8s.resource` without error, cluster-scoped ones without namespace', () => {
    const text = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shop-tls
  namespace: shop
  labels: { team: payments }
spec:
  secretName: shop-tls
  dnsNames: [shop.example.com]
  issuerRef: { name: letsencrypt, kind: ClusterIssuer }
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
spec:
  validationFailureAction: Enforce
  rules: []
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs: [{ name: public }]
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: shop
  namespace: shop
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: shop }
`
    const result = parseManifests(text, 'crs.yaml')
    expect(result.errors).toEqual([])
    const resources = result.evidence as K8sResource[]
    expect(resources.map((e) => [e.kind, e.resourceKind, e.apiVersion, e.namespace, e.line])).toEqual([
      ['k8s.resource', 'Certificate', 'cert-manager.io/v1', 'shop', 1],
      ['k8s.resource', 'ClusterPolicy', 'kyverno.io/v1', undefined, 12],
      ['k8s.resource', 'HTTPRoute', 'gateway.networking.k8s.io/v1', undefined, 20],
      ['k8s.resource', 'VerticalPodAutoscaler', 'autoscaling.k8s.io/v1', 'shop', 27],
    ])
    expect(resources[0]?.labels).toEqual({ team: 'payments' })
  })

  it('gives cluster-scoped kinds no namespace', () => {
    const text = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: public }
spec: { controllerName: example.com/gateway }
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: { name: batch }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: fast }
provisioner: ebs.csi.aws.com
`
    const result = parseManifests(text, 'cluster.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.resourceKind, e.namespace])).toEqual([
      ['GatewayClass', undefined],
      ['FlowSchema', undefined],
      ['StorageClass', undefined],
    ])
  })

  it('does not take a custom resource named like a workload for a workload', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: web }
---
apiVersion: example.com/v1
kind: Deployment
metadata: { name: not-apps }
`
    const result = parseManifests(text, 'crs.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.kind, e.resourceKind])).toEqual([
      ['k8s.resource', 'Rollout'],
      ['k8s.resource', 'Deployment'],
    ])
  })

  it('does not take a CNI or Knative resource named like a built-in kind for that kind', () => {
    // Calico's NetworkPolicy, read as Kubernetes', had an empty podSelector and no ingress rule: a
    // default deny that it is not.
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: allow-dns-egress, namespace: app }
spec:
  selector: app == 'api'
  types: [Egress]
  egress:
    - action: Allow
      protocol: UDP
      destination: { ports: [53] }
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: hello, namespace: app }
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/acme/hello:1.0.0
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: app }
spec:
  podSelector: {}
`
    const result = parseManifests(text, 'cni.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.kind, e.resourceKind, e.name])).toEqual([
      ['k8s.resource', 'NetworkPolicy', 'allow-dns-egress'],
      ['k8s.resource', 'Service', 'hello'],
      ['k8s.network-policy', 'NetworkPolicy', 'default-deny'],
    ])
  })

  it('reads objects of removed built-in APIs, still found in old charts, as what they are', () => {
    const text = `apiVersion: extensions/v1beta1
kind: Deployment
metadata: { name: legacy }
spec:
  template:
    spec:
      containers: [{ name: app, image: legacy:1 }]
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: { name: restricted }
spec: { privileged: false }
`
    const result = parseManifests(text, 'old.yaml')
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => [e.kind, e.resourceKind, e.namespace])).toEqual([
      ['k8s.workload', 'Deployment', 'default'],
      ['k8s.resource', 'PodSecurityPolicy', undefined],
    ])
  })

  it('reports an object without a name', () => {
    const result = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 'x.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors).toEqual([
      {
        file: 'x.yaml',
        line: 1,
        message: 'ConfigMap (unnamed): metadata.name is missing',
        kinds: expect.arrayContaining(['k8s.workload', 'k8s.rbac-role']),
      },
    ])
  })
})

describe('YAML that is not Kubernetes', () => {
  it('yields nothing from a Helm values.yaml, Helm actions in its strings and comments included', () => {
    const values = `# Default values for web.
replicaCount: 2
image:
  repository: ghcr.io/acme/web
  tag: ""
## Extra annotations, rendered with tpl
## e.g. checksum/config: '{{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}'
podAnnotations:
  release: "{{ .Release.Name }}"
config: |
  server:
    name: {{ include "web.fullname" . }}
ingress:
  enabled: false
  hosts:
    - host: chart-example.local
      paths: [{ path: /, pathType: ImplementationSpecific }]
`
    expect(parseManifests(values, 'charts/web/values.yaml')).toEqual({
      evidence: [],
      errors: [],
      isManifest: false,
    })
  })

  it('yields nothing from a docker-compose.yml', () => {
    const compose = `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    environment:
      API_KEY: AKIAIOSFODNN7EXAMPLE
  db:
    image: postgres:16
volumes:
  data: {}
`
    expect(parseManifests(compose, 'docker-compose.yml')).toEqual({
      evidence: [],
      errors: [],
      isManifest: false,
    })
  })

  it('yields nothing from an empty or comment-only file', () => {
    expect(parseManifests('', 'empty.yaml')).toEqual({ evidence: [], errors: [], isManifest: false })
    expect(parseManifests('# nothing\n---\n# here\n', 'c.yaml')).toEqual({
      evidence: [],
      errors: [],
      isManifest: false,
    })
  })

  it('leaves the Kubernetes kinds incomplete for a broken object, not for broken YAML of another kind', () => {
    // A linter's fixture or an app's config that does not parse says nothing about the cluster.
    const fixture = parseManifests('rules:\n  indent: 2\n  indent: 4\n', 'tools/lint-config.yaml')
    expect(fixture.errors).toEqual([expect.not.objectContaining({ kinds: expect.anything() })])
    // A document naming a kind, or one beside objects, held an object nobody could read.
    const object = parseManifests('apiVersion: apps/v1\nkind: Deployment\nmetadata: [x\n', 'deploy/a.yaml')
    expect(object.errors).toEqual([
      expect.objectContaining({ kinds: expect.arrayContaining(['k8s.workload']) }),
    ])
    const beside = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\nspec: [x\n',
      'deploy/b.yaml',
    )
    expect(beside.evidence).toHaveLength(1)
    expect(beside.errors).toEqual([
      expect.objectContaining({ kinds: expect.arrayContaining(['k8s.workload']) }),
    ])
  })

  it('reports an unreadable file even when no object could be seen', () => {
    const result = parseManifests('a: [1, 2\nb: 3\n', 'bad.yaml')
    expect(result.evidence).toEqual([])
    expect(result.isManifest).toBe(true)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.file).toBe('bad.yaml')
  })
})

describe('workloads', () => {
  it('names the path of a wrong shape and does not emit the object', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers: "x"
`
    const result = parseManifests(text, 'bad-shape.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors.map((e) => e.message)).toContain(
      'Deployment web: spec.template.spec.containers: expected a list, found a string',
    )
    expect(result.errors.every((e) => e.file === 'bad-shape.yaml' && e.line === 1)).toBe(true)
  })

  it('merges the pod securityContext into each container, the container winning field by field', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: { app: api }
spec:
  template:
    metadata:
      labels: { app: api, tier: backend }
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: { type: RuntimeDefault }
      initContainers:
      - name: migrate
        image: ghcr.io/acme/api:1.2.3
      containers:
      - name: api
        image: ghcr.io/acme/api:1.2.3
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: { drop: [ALL] }
      - name: debug
        image: busybox
        securityContext:
          runAsNonRoot: false
          runAsUser: 0
          privileged: true
          seccompProfile: { type: Unconfined }
          capabilities: { add: [NET_ADMIN, SYS_TIME] }
`
    const result = parseManifests(text, 'api.yaml')
    expect(result.errors).toEqual([])
    const api = one(result.evidence, 'k8s.workload', 'api')
    expect(api).toMatchObject({
      namespace: 'shop',
      labels: { app: 'api' },
      podLabels: { app: 'api', tier: 'backend' },
      hostNetwork: false,
    })
    // replicas: is not written, so none is recorded (an autoscaler may own the count).
    expect(api.replicas).toBeUndefined()
    const [migrate, main, debug] = api.containers
    expect(migrate).toMatchObject({ name: 'migrate', init: true, runAsNonRoot: true, runAsUser: 1000 })
    expect(main).toMatchObject({
      name: 'api',
      init: false,
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: 'RuntimeDefault',
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { add: [], drop: ['ALL'] },
    })
    expect(main?.privileged).toBeUndefined()
    expect(debug).toMatchObject({
      name: 'debug',
      runAsNonRoot: false,
      runAsUser: 0,
      privileged: true,
      seccompProfile: 'Unconfined',
      capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: [] },
    })
  })

  it('reads a CronJob through spec.jobTemplate.spec.template', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-backup
  namespace: ops
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: { job: backup }
        spec:
          serviceAccountName: backup
          automountServiceAccountToken: false
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: ghcr.io/acme/backup@sha256:0f3b2a1c
          volumes:
          - name: creds
            secret: { secretName: backup-creds }
          - name: host
            hostPath: { path: /var/backups }
`
    const result = parseManifests(text, 'cron.yaml')
    expect(result.errors).toEqual([])
    const job = one(result.evidence, 'k8s.workload', 'nightly-backup')
    expect(job).toMatchObject({
      resourceKind: 'CronJob',
      namespace: 'ops',
      podLabels: { job: 'backup' },
      serviceAccountName: 'backup',
      automountServiceAccountToken: false,
      secretVolumes: ['backup-creds'],
      hostPathVolumes: ['/var/backups'],
    })
    expect(job.replicas).toBeUndefined()
    expect(job.containers.map((c) => [c.name, c.image])).toEqual([
      ['backup', 'ghcr.io/acme/backup@sha256:0f3b2a1c'],
    ])
  })

  it('names the CronJob path when its containers are missing', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: { name: empty }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: []
`
    const result = parseManifests(text, 'cron.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors.map((e) => e.message)).toEqual([
      'CronJob empty: spec.jobTemplate.spec.template.spec.containers: a CronJob needs at least one container',
    ])
  })

  it('refuses a pod template with init containers but no app container', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: only-init, namespace: web }
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.4.0
      containers: null
`
    const result = parseManifests(text, 'deploy.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors.map((e) => e.message)).toEqual([
      'Deployment only-init: spec.template.spec.containers: a Deployment needs at least one container',
    ])
  })

  it('reads a bare Pod and defaults the namespace', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: probe }
spec:
  hostNetwork: true
  hostPID: true
  containers:
  - name: c
    image: alpine:3.20
    livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
    readinessProbe: { tcpSocket: { port: 8080 } }
    resources:
      requests: { cpu: 100m, memory: 64Mi }
      limits: { memory: 128Mi }
`
    const result = parseManifests(text, 'pod.yaml')
    expect(result.errors).toEqual([])
    const pod = one(result.evidence, 'k8s.workload', 'probe')
    expect(pod).toMatchObject({ namespace: 'default', hostNetwork: true, hostPID: true, hostIPC: false })
    expect(pod.containers[0]).toMatchObject({
      livenessProbe: { type: 'httpGet' },
      readinessProbe: { type: 'tcpSocket' },
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    })
  })
})

describe('values that must never be stored', () => {
  const awsKey = 'AKIAIOSFODNN7EXAMPLE'
  const plainLiteral = 'planted-plain-literal-7f3a'

  it('keeps env literals only as flags, recognising credential-shaped ones', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - name: AWS_ACCESS_KEY_ID
          value: ${awsKey}
        - name: GREETING
          value: ${plainLiteral}
        - name: EMPTY
          value: ""
        - name: DB_PASSWORD
          valueFrom: { secretKeyRef: { name: db, key: password } }
        - name: LOG_LEVEL
          valueFrom: { configMapKeyRef: { name: cfg, key: level } }
        - name: POD_IP
          valueFrom: { fieldRef: { fieldPath: status.podIP } }
        - name: MEM
          valueFrom: { resourceFieldRef: { resource: limits.memory } }
        envFrom:
        - secretRef: { name: web-env }
        - configMapRef: { name: web-config }
`
    const result = parseManifests(text, 'web.yaml')
    expect(result.errors).toEqual([])
    const serialised = JSON.stringify(result)
    expect(serialised).not.toContain(awsKey)
    expect(serialised).not.toContain(plainLiteral)
    const [container] = one(result.evidence, 'k8s.workload', 'web').containers
    expect(container?.env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', source: 'literal', hasLiteralValue: true, literalLooksLikeSecret: true },
      { name: 'GREETING', source: 'literal', hasLiteralValue: true, literalLooksLikeSecret: false },
      { name: 'EMPTY', source: 'literal', hasLiteralValue: false, literalLooksLikeSecret: false },
      { name: 'DB_PASSWORD', source: 'secret', hasLiteralValue: false, literalLooksLikeSecret: false },
      { name: 'LOG_LEVEL', source: 'configmap', hasLiteralValue: false, literalLooksLikeSecret: false },
      { name: 'POD_IP', source: 'field', hasLiteralValue: false, literalLooksLikeSecret: false },
      { name: 'MEM', source: 'resource', hasLiteralValue: false, literalLooksLikeSecret: false },
    ])
    expect(container?.envFromSecrets).toEqual(['web-env'])
  })

  it('does not echo a literal in the error for a wrong shape', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: { name: oops }
data: ${awsKey}
`
    const result = parseManifests(text, 's.yaml')
    expect(result.errors.map((e) => e.message)).toEqual([
      'Secret oops: data: expected a mapping, found a string',
    ])
    expect(JSON.stringify(result)).not.toContain(awsKey)
  })

  it('keeps Secret keys and whether values exist, never the values', () => {
    const encoded = Buffer.from('hunter2-planted').toString('base64')
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
type: kubernetes.io/basic-auth
data:
  username: ${Buffer.from('admin').toString('base64')}
  password: ${encoded}
stringData:
  url: postgres://app:s3cr3t-planted@db:5432/app
---
apiVersion: v1
kind: Secret
metadata: { name: placeholder }
data:
  token: ""
`
    const result = parseManifests(text, 'secrets.yaml')
    expect(result.errors).toEqual([])
    const serialised = JSON.stringify(result)
    for (const planted of [encoded, 'hunter2-planted', 's3cr3t-planted', 'postgres://'])
      expect(serialised).not.toContain(planted)
    const db: K8sSecret = one(result.evidence, 'k8s.secret', 'db')
    expect(db).toMatchObject({
      namespace: 'shop',
      type: 'kubernetes.io/basic-auth',
      keys: ['username', 'password', 'url'],
      hasValues: true,
    })
    expect(one(result.evidence, 'k8s.secret', 'placeholder')).toMatchObject({
      namespace: 'default',
      type: 'Opaque',
      keys: ['token'],
      hasValues: false,
    })
  })
})

describe('services, network policies and RBAC', () => {
  it('applies Kubernetes defaults to a Service', () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: public
  namespace: edge
  annotations: { service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing }
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports:
  - { port: 443, protocol: TCP, nodePort: 30443 }
`
    const result = parseManifests(text, 'svc.yaml')
    expect(result.errors).toEqual([])
    const web: K8sService = one(result.evidence, 'k8s.service', 'web')
    expect(web).toEqual({
      kind: 'k8s.service',
      resourceKind: 'Service',
      name: 'web',
      file: 'svc.yaml',
      line: 1,
      namespace: 'default',
      type: 'ClusterIP',
      annotations: {},
      loadBalancerSourceRanges: [],
      ports: [{ port: 80 }],
    })
    expect(one(result.evidence, 'k8s.service', 'public')).toMatchObject({
      namespace: 'edge',
      type: 'LoadBalancer',
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      ports: [{ port: 443, protocol: 'TCP', nodePort: 30443 }],
    })
  })

  it('reads a NetworkPolicy: selector, types, peers and ports', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels: { app: api }
    matchExpressions:
    - { key: tier, operator: In, values: [backend] }
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: { matchLabels: { app: web } }
    - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
    ports:
    - { protocol: TCP, port: 8080 }
    - { port: metrics }
  egress:
  - to:
    - ipBlock: { cidr: 10.0.0.0/8, except: [10.0.5.0/24] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
`
    const result = parseManifests(text, 'np.yaml')
    expect(result.errors).toEqual([])
    const api: K8sNetworkPolicy = one(result.evidence, 'k8s.network-policy', 'api')
    expect(api.podSelector).toEqual({
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
    })
    expect(api.policyTypes).toEqual(['Ingress', 'Egress'])
    expect(api.ingress).toEqual([
      {
        peers: [
          { podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] } },
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
              matchExpressions: [],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }, { port: 'metrics' }],
      },
    ])
    expect(api.egress).toEqual([
      { peers: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.5.0/24'] } }], ports: [] },
    ])
    // Types as written: the check, not the collector, applies the default for an empty list.
    expect(one(result.evidence, 'k8s.network-policy', 'default-deny')).toMatchObject({
      podSelector: { matchLabels: {}, matchExpressions: [] },
      policyTypes: [],
      ingress: [],
      egress: [],
    })
  })

  it('names the field as written when a NetworkPolicy peer list has the wrong shape', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: bad, namespace: shop }
spec:
  podSelector: {}
  ingress:
  - from: everyone
  egress:
  - to:
    - podSelector: { matchLabels: [app] }
`
    const result = parseManifests(text, 'np.yaml')
    expect(result.evidence).toEqual([])
    expect(result.errors.map((e) => e.message)).toEqual([
      'NetworkPolicy bad: spec.ingress[0].from: expected a list, found a string',
      'NetworkPolicy bad: spec.egress[0].to[0].podSelector.matchLabels: expected a mapping, found a list',
    ])
  })

  it('reads roles and bindings, cluster-scoped ones without namespace', () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: god-mode }
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
- nonResourceURLs: [/metrics]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: monitoring }
aggregationRule:
  clusterRoleSelectors: [{ matchLabels: { rbac.example.com/aggregate-to-monitoring: "true" } }]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: shop }
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read-pods, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
- { kind: User, name: jane@example.com, apiGroup: rbac.authorization.k8s.io }
- { kind: ServiceAccount, name: ci, namespace: build }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admins }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: god-mode }
subjects:
- { kind: Group, name: "system:masters" }
`
    const result = parseManifests(text, 'rbac.yaml')
    expect(result.errors).toEqual([])
    const god: K8sRbacRole = one(result.evidence, 'k8s.rbac-role', 'god-mode')
    expect(god.namespace).toBeUndefined()
    expect(god).toMatchObject({ resourceKind: 'ClusterRole', aggregated: false })
    expect(god.rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'], nonResourceURLs: [] },
      { apiGroups: [], resources: [], verbs: ['get'], nonResourceURLs: ['/metrics'] },
    ])
    expect(one(result.evidence, 'k8s.rbac-role', 'monitoring')).toMatchObject({ aggregated: true, rules: [] })
    expect(one(result.evidence, 'k8s.rbac-role', 'pod-reader')).toMatchObject({
      resourceKind: 'Role',
      namespace: 'shop',
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
    })
    const readPods: K8sRbacBinding = one(result.evidence, 'k8s.rbac-binding', 'read-pods')
    expect(readPods).toMatchObject({
      resourceKind: 'RoleBinding',
      namespace: 'shop',
      roleRef: { kind: 'Role', name: 'pod-reader' },
      subjects: [
        { kind: 'User', name: 'jane@example.com' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
      ],
    })
    expect(readPods.subjects[0]?.namespace).toBeUndefined()
    const admins = one(result.evidence, 'k8s.rbac-binding', 'admins')
    expect(admins.namespace).toBeUndefined()
    expect(admins).toMatchObject({
      resourceKind: 'ClusterRoleBinding',
      roleRef: { kind: 'ClusterRole', name: 'god-mode' },
      subjects: [{ kind: 'Group', name: 'system:masters' }],
    })
  })

  it('reads namespaces, ingresses and admission webhooks', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { pod-security.kubernetes.io/enforce: restricted }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations: { cert-manager.io/cluster-issuer: letsencrypt }
spec:
  ingressClassName: nginx
  tls:
  - { hosts: [shop.example.com], secretName: shop-tls }
  rules:
  - host: shop.example.com
  - http: { paths: [] }
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: policy }
webhooks:
- name: validate.policy.example.com
  failurePolicy: Ignore
  clientConfig: { service: { name: policy-webhook, namespace: policy } }
`
    const result = parseManifests(text, 'misc.yaml')
    expect(result.errors).toEqual([])
    const namespace = one(result.evidence, 'k8s.namespace', 'shop')
    expect(namespace.namespace).toBeUndefined()
    expect(namespace.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' })
    expect(one(result.evidence, 'k8s.ingress', 'shop')).toMatchObject({
      namespace: 'shop',
      ingressClassName: 'nginx',
      hosts: ['shop.example.com', ''],
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    })
    expect(one(result.evidence, 'k8s.admission', 'policy').webhooks).toEqual([
      { name: 'validate.policy.example.com', failurePolicy: 'Ignore', service: 'policy/policy-webhook' },
    ])
  })
})

describe('real-world input: `helm template` output of the ingress-nginx chart', () => {
  // Representative of `helm template ingress-nginx ingress-nginx/ingress-nginx -n ingress-nginx`
  // (chart 4.4.x): `# Source:` comments, hooks last, empty annotations and trailing spaces included.
  const file = 'rendered/ingress-nginx.yaml'
  const text = readFileSync(new URL('./testdata/ingress-nginx-rendered.yaml', import.meta.url), 'utf8')
  const result = parseManifests(text, file)

  it('reads every object without error, each at the line of its `apiVersion`', () => {
    expect(result.errors).toEqual([])
    expect(result.isManifest).toBe(true)
    // Every document of the fixture starts, after its comments, with `apiVersion:` at column 0.
    const apiVersionLines = text
      .split('\n')
      .flatMap((line, i) => (line.startsWith('apiVersion:') ? [i + 1] : []))
    expect(apiVersionLines).toHaveLength(18)
    expect(result.evidence.map((e) => e.line)).toEqual(apiVersionLines)
    expect(result.evidence.every((e) => e.file === file)).toBe(true)
    const counts: Record<string, number> = {}
    for (const e of result.evidence) counts[e.kind] = (counts[e.kind] ?? 0) + 1
    expect(counts).toEqual({
      'k8s.resource': 2,
      'k8s.service-account': 2,
      'k8s.rbac-role': 4,
      'k8s.rbac-binding': 4,
      'k8s.service': 2,
      'k8s.workload': 3,
      'k8s.admission': 1,
    })
  })

  it('reads the same evidence from a CRLF copy', () => {
    expect(parseManifests(text.replace(/\n/g, '\r\n'), file)).toEqual(result)
  })

  it('reads the controller Deployment as it will run', () => {
    const controller = one(result.evidence, 'k8s.workload', 'ingress-nginx-controller')
    expect(controller).toMatchObject({
      resourceKind: 'Deployment',
      namespace: 'ingress-nginx',
      line: 274,
      replicas: 1,
      serviceAccountName: 'ingress-nginx',
      secretVolumes: ['ingress-nginx-admission'],
      hostPathVolumes: [],
      hostNetwork: false,
      podLabels: {
        'app.kubernetes.io/name': 'ingress-nginx',
        'app.kubernetes.io/instance': 'ingress-nginx',
        'app.kubernetes.io/component': 'controller',
      },
    })
    expect(controller.labels['helm.sh/chart']).toBe('ingress-nginx-4.4.2')
    expect(controller.containers).toHaveLength(1)
    const [container] = controller.containers
    expect(container).toMatchObject({
      name: 'controller',
      image:
        'registry.k8s.io/ingress-nginx/controller:v1.5.1@sha256:4ba73c697770664c1e00e9f968de14e08f606ff961c76e5d7033a4a9c593c629',
      init: false,
      runAsUser: 101,
      allowPrivilegeEscalation: true,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      livenessProbe: { type: 'httpGet' },
      readinessProbe: { type: 'httpGet' },
      resources: { requests: { cpu: '100m', memory: '90Mi' }, limits: {} },
    })
    expect(container?.runAsNonRoot).toBeUndefined()
    expect(
      container?.env.map((e) => [e.name, e.source, e.hasLiteralValue, e.literalLooksLikeSecret]),
    ).toEqual([
      ['POD_NAME', 'field', false, false],
      ['POD_NAMESPACE', 'field', false, false],
      ['LD_PRELOAD', 'literal', true, false],
    ])
    expect(JSON.stringify(result)).not.toContain('libmimalloc')
  })

  it('merges the pod securityContext of the hook Jobs into their containers', () => {
    for (const [name, containerName] of [
      ['ingress-nginx-admission-create', 'create'],
      ['ingress-nginx-admission-patch', 'patch'],
    ] as const) {
      const job = one(result.evidence, 'k8s.workload', name)
      expect(job.resourceKind).toBe('Job')
      expect(job.replicas).toBeUndefined()
      expect(job.containers).toEqual([
        expect.objectContaining({
          name: containerName,
          runAsNonRoot: true,
          runAsUser: 2000,
          allowPrivilegeEscalation: false,
        }),
      ])
    }
  })

  it('reads the Services, RBAC and the validating webhook', () => {
    expect(one(result.evidence, 'k8s.service', 'ingress-nginx-controller')).toMatchObject({
      type: 'LoadBalancer',
      annotations: {},
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 443, protocol: 'TCP' },
      ],
    })
    expect(one(result.evidence, 'k8s.service', 'ingress-nginx-controller-admission')).toMatchObject({
      type: 'ClusterIP',
      ports: [{ port: 443 }],
    })
    const clusterRole = result.evidence.find(
      (e): e is K8sRbacRole =>
        e.kind === 'k8s.rbac-role' && e.resourceKind === 'ClusterRole' && e.name === 'ingress-nginx',
    )
    expect(clusterRole?.namespace).toBeUndefined()
    expect(clusterRole?.rules).toHaveLength(9)
    expect(clusterRole?.rules[0]?.resources).toContain('secrets')
    const roleBinding = result.evidence.find(
      (e): e is K8sRbacBinding =>
        e.kind === 'k8s.rbac-binding' && e.resourceKind === 'RoleBinding' && e.name === 'ingress-nginx',
    )
    expect(roleBinding).toMatchObject({
      namespace: 'ingress-nginx',
      roleRef: { kind: 'Role', name: 'ingress-nginx' },
      subjects: [{ kind: 'ServiceAccount', name: 'ingress-nginx', namespace: 'ingress-nginx' }],
    })
    expect(one(result.evidence, 'k8s.admission', 'ingress-nginx-admission')).toMatchObject({
      resourceKind: 'ValidatingWebhookConfiguration',
      webhooks: [
        {
          name: 'validate.nginx.ingress.kubernetes.io',
          failurePolicy: 'Fail',
          service: 'ingress-nginx/ingress-nginx-controller-admission',
        },
      ],
    })
    const ingressClass = one(result.evidence, 'k8s.resource', 'nginx')
    expect(ingressClass).toMatchObject({
      resourceKind: 'IngressClass',
      apiVersion: 'networking.k8s.io/v1',
      line: 392,
    })
    expect(ingressClass.namespace).toBeUndefined()
  })
})

describe('estates as others write them', () => {
  it('reads YAML 1.1 booleans the way Kubernetes does', () => {
    const result = parseManifests(
      `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: ops}
spec:
  hostNetwork: yes
  containers:
    - name: agent
      image: busybox
      securityContext: {privileged: on, runAsNonRoot: Yes, readOnlyRootFilesystem: off}
`,
      'pod.yaml',
    )
    const pod = result.evidence[0] as K8sWorkload
    expect(pod.hostNetwork).toBe(true)
    expect(pod.containers[0]).toMatchObject({
      privileged: true,
      runAsNonRoot: true,
      readOnlyRootFilesystem: false,
    })
  })

  it('judges a controller, not the ReplicaSets and Pods it made, in a live dump', () => {
    const result = parseManifests(
      `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7c9d
    namespace: shop
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true, uid: 1}]
  spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}
- apiVersion: v1
  kind: Pod
  metadata:
    name: debug
    namespace: shop
  spec: {containers: [{name: sh, image: busybox}]}
`,
      'live.yaml',
    )
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => `${e.resourceKind}/${e.name}`)).toEqual(['Deployment/web', 'Pod/debug'])
  })

  it('judges the ReplicaSet of a controller that is not read as a workload, such as an Argo Rollout', () => {
    const result = parseManifests(
      `apiVersion: v1
kind: List
items:
- apiVersion: argoproj.io/v1alpha1
  kind: Rollout
  metadata: {name: web, namespace: shop}
  spec: {template: {spec: {containers: [{name: web, image: nginx}]}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-6b8f
    namespace: shop
    ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web, controller: true, uid: 1}]
  spec: {template: {spec: {containers: [{name: web, image: nginx, securityContext: {privileged: true}}]}}}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-6b8f-x2x9q
    namespace: shop
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-6b8f, controller: true, uid: 2}]
  spec: {containers: [{name: web, image: nginx, securityContext: {privileged: true}}]}
`,
      'live.yaml',
    )
    expect(result.errors).toEqual([])
    // The Rollout's own template is judged, and so is the ReplicaSet it made (its containers may
    // differ from the template's mid-rollout): the privileged one is never skipped as owned.
    expect(result.evidence.map((e) => `${e.kind} ${e.resourceKind}/${e.name}`)).toEqual([
      'k8s.workload Rollout/web',
      'k8s.workload ReplicaSet/web-6b8f',
    ])
  })

  it('reads an Argo Rollout with a pod template as a workload, and one pointing at a Deployment as a resource', () => {
    const result = parseManifests(
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: web, namespace: shop }
spec:
  replicas: 3
  strategy: { canary: { steps: [{ setWeight: 20 }] } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.3
          securityContext: { privileged: true }
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: api, namespace: shop }
spec:
  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: api }
`,
      'rollouts.yaml',
    )
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => `${e.kind} ${e.resourceKind}/${e.name}`)).toEqual([
      'k8s.workload Rollout/web',
      'k8s.resource Rollout/api',
    ])
    const [web] = result.evidence as K8sWorkload[]
    expect(web?.replicas).toBe(3)
    expect(web?.containers[0]?.privileged).toBe(true)
  })

  it('does not stop on application YAML tags such as CloudFormation intrinsics', () => {
    const result = parseManifests(
      `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '\${AWS::StackName}-logs'
      Tags: !If [IsProd, [{Key: env, Value: prod}], !Ref AWS::NoValue]
`,
      'template.yaml',
    )
    expect(result).toEqual({ evidence: [], errors: [], isManifest: false })
  })

  it('assesses rendered Helm output even when a rendered ConfigMap holds template text', () => {
    const result = parseManifests(
      `---
# Source: alerts/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: alert-templates, namespace: monitoring}
data:
  slack.tmpl: '{{ define "slack.title" }}{{ .Values.B }} firing{{ end }}'
---
# Source: alerts/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: alert-router, namespace: monitoring}
spec: {template: {spec: {containers: [{name: router, image: nginx, securityContext: {privileged: true}}]}}}
`,
      'rendered.yaml',
    )
    expect(result.errors).toEqual([])
    expect(result.evidence.map((e) => e.name)).toEqual(['alert-templates', 'alert-router'])
  })

  it('records how admission policies act: enforce or only audit', () => {
    const result = parseManifests(
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: audit-only}
spec: {rules: [{name: r, validate: {pattern: {}}}]}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: enforced}
spec: {validationFailureAction: Enforce, rules: []}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: owner-label}
spec: {match: {kinds: [{apiGroups: [""], kinds: [Namespace]}]}}
`,
      'policies.yaml',
    )
    expect(result.evidence.map((e) => [e.name, 'policyMode' in e ? e.policyMode : undefined])).toEqual([
      ['audit-only', 'audit'],
      ['enforced', 'enforce'],
      ['owner-label', 'enforce'],
    ])
  })

  it("lets a Kyverno rule's own failureAction win over the policy's", () => {
    const result = parseManifests(
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: rules-audit}
spec:
  validationFailureAction: Enforce
  rules:
    - {name: a, validate: {failureAction: Audit, pattern: {}}}
    - {name: b, validate: {failureAction: audit, pattern: {}}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: one-rule-inherits}
spec:
  validationFailureAction: Enforce
  rules:
    - {name: a, validate: {failureAction: Audit, pattern: {}}}
    - {name: b, validate: {pattern: {}}}
`,
      'policies.yaml',
    )
    expect(result.evidence.map((e) => [e.name, 'policyMode' in e ? e.policyMode : undefined])).toEqual([
      ['rules-audit', 'audit'],
      ['one-rule-inherits', 'enforce'],
    ])
  })

  it('keeps annotation keys but masks credentials in their values', () => {
    const result = parseManifests(
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: admin
  namespace: ops
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      proxy_set_header Authorization "Basic YWRtaW46c3VwZXJzZWNyZXQ=";
spec: {rules: [{host: admin.example.com}]}
`,
      'ingress.yaml',
    )
    expect(JSON.stringify(result.evidence)).not.toContain('YWRtaW46c3VwZXJzZWNyZXQ=')
    expect(JSON.stringify(result.evidence)).toContain('configuration-snippet')
  })
})

describe('Pod Security fields', () => {
  it('merges the pod securityContext into each container, reads ephemeral containers and the pod-level fields', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: debug-me
  namespace: shop
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: localhost/acme-app
spec:
  securityContext:
    seccompProfile: { type: RuntimeDefault }
    appArmorProfile: { type: RuntimeDefault }
    seLinuxOptions: { level: "s0:c1,c2", type: container_t }
    windowsOptions: { hostProcess: false }
    sysctls:
      - { name: net.ipv4.tcp_syncookies, value: "1" }
      - { name: kernel.msgmax, value: 65536 }
  initContainers:
    - name: init
      image: busybox:1.36.1
      securityContext:
        appArmorProfile: { type: Unconfined }
        seLinuxOptions: { type: spc_t, user: system_u }
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      ports:
        - { containerPort: 8080, hostPort: 8080 }
        - { containerPort: 9090 }
      securityContext:
        procMount: Unmasked
        seccompProfile: { type: Localhost, localhostProfile: app.json }
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36.1
      securityContext:
        privileged: true
  volumes:
    - name: tmp
      emptyDir: {}
    - name: sock
      hostPath: { path: /var/run/docker.sock, type: Socket }
    - name: share
      nfs: { server: nfs.internal, path: /share }
`
    const result = parseManifests(text, 'pod.yaml')
    expect(result.errors).toEqual([])
    const pod = one(result.evidence, 'k8s.workload', 'debug-me')
    expect(pod.sysctls).toEqual([
      { name: 'net.ipv4.tcp_syncookies', value: '1' },
      { name: 'kernel.msgmax', value: '65536' },
    ])
    expect(pod.volumes).toEqual([
      { name: 'tmp', type: 'emptyDir' },
      { name: 'sock', type: 'hostPath' },
      { name: 'share', type: 'nfs' },
    ])
    expect(pod.hostPathVolumes).toEqual(['/var/run/docker.sock'])
    const [init, app, debug] = pod.containers
    expect(init).toMatchObject({
      init: true,
      seccompProfile: 'RuntimeDefault',
      appArmorProfile: 'Unconfined',
      seLinuxOptions: { type: 'spc_t', user: 'system_u', level: 's0:c1,c2' },
      windowsHostProcess: false,
    })
    expect(init?.hostPorts).toBeUndefined()
    expect(app).toMatchObject({
      init: false,
      seccompProfile: 'Localhost',
      // The field on the pod wins over the older annotation.
      appArmorProfile: 'RuntimeDefault',
      procMount: 'Unmasked',
      hostPorts: [8080],
    })
    expect(app?.ephemeral).toBeUndefined()
    expect(debug).toMatchObject({ name: 'debugger', init: false, ephemeral: true, privileged: true })
  })

  it('applies the pod securityContext where a container sets a field to null', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      securityContext:
        runAsUser: 0
        appArmorProfile: { type: Unconfined }
        seccompProfile: { type: Unconfined }
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          securityContext: { runAsUser: null, appArmorProfile: null, seccompProfile: null }
`
    const result = parseManifests(text, 'web.yaml')
    expect(result.errors).toEqual([])
    expect(one(result.evidence, 'k8s.workload', 'web').containers[0]).toMatchObject({
      runAsUser: 0,
      appArmorProfile: 'Unconfined',
      seccompProfile: 'Unconfined',
    })
  })

  it('maps the AppArmor annotation when no field is set, and reads ServiceAccounts', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
    spec:
      serviceAccountName: web
      containers:
        - { name: web, image: ghcr.io/acme/web:1.0.0 }
        - { name: sidecar, image: ghcr.io/acme/sidecar:1.0.0 }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: other }
`
    const result = parseManifests(text, 'web.yaml')
    expect(result.errors).toEqual([])
    const [web, sidecar] = one(result.evidence, 'k8s.workload', 'web').containers
    expect(web?.appArmorProfile).toBe('Unconfined')
    expect(sidecar?.appArmorProfile).toBeUndefined()
    expect(one(result.evidence, 'k8s.service-account', 'web')).toMatchObject({
      namespace: 'shop',
      automountServiceAccountToken: false,
    })
    const other = one(result.evidence, 'k8s.service-account', 'other')
    expect(other.namespace).toBe('default')
    expect(other.automountServiceAccountToken).toBeUndefined()
  })
})

describe('ConfigMap data and SealedSecrets', () => {
  it('keeps only whether each ConfigMap key looks like a credential, never the value', () => {
    const result = parseManifests(
      `apiVersion: v1
kind: ConfigMap
metadata: { name: env, namespace: shop }
data:
  LOG_LEVEL: info
  DB_PASSWORD: example-not-real
  API_TOKEN: \${API_TOKEN}
  deploy_key: "-----BEGIN OPENSSH PRIVATE KEY-----"
  EMPTY_SECRET: ""
`,
      'cm.yaml',
    )
    const cm: K8sResource = one(result.evidence, 'k8s.resource', 'env')
    expect(cm.configData).toEqual([
      { key: 'LOG_LEVEL', credentialByName: false, credentialByValue: false },
      { key: 'DB_PASSWORD', credentialByName: true, credentialByValue: false },
      { key: 'API_TOKEN', credentialByName: false, credentialByValue: false },
      { key: 'deploy_key', credentialByName: false, credentialByValue: true },
      { key: 'EMPTY_SECRET', credentialByName: false, credentialByValue: false },
    ])
    expect(JSON.stringify(result.evidence)).not.toContain('example-not-real')
  })

  it('reads a Bitnami SealedSecret as an encrypted Secret with its keys and template type', () => {
    const result = parseManifests(
      `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: { name: tls, namespace: web }
spec:
  encryptedData: { tls.crt: AgBy8hCi, tls.key: AgAKAoiQ }
  template: { type: kubernetes.io/tls }
`,
      'sealed.yaml',
    )
    const secret: K8sSecret = one(result.evidence, 'k8s.secret', 'tls')
    expect(secret).toMatchObject({
      resourceKind: 'SealedSecret',
      namespace: 'web',
      type: 'kubernetes.io/tls',
      keys: ['tls.crt', 'tls.key'],
      hasValues: true,
      encrypted: true,
    })
  })
})

describe('the manifest schema', () => {
  // The default schema with the same application tags: what the manifest schema must read exactly as.
  const defaultSchema = yaml.DEFAULT_SCHEMA.extend(
    (['scalar', 'sequence', 'mapping'] as const).flatMap((kind) =>
      ['!', 'tag:yaml.org,2002:python/'].map(
        (prefix) => new yaml.Type(prefix, { kind, multi: true, construct: (data: unknown) => data }),
      ),
    ),
  )
  const read = (text: string, schema: yaml.Schema): unknown => {
    try {
      return { value: yaml.load(text, { schema }) }
    } catch (error) {
      return { error: String(error) }
    }
  }
  const scalars = [
    '2026-01-31',
    '2026-1-3T4:05:06Z',
    '2026-01-31 10:00:00 +02:00',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.10',
    '2026-01-3',
    '2026-01-31x',
    '12026-01-31',
    '2026/01/31',
    '20260131',
    '2026-13-45',
    'svc-103',
    'team-4',
    '1234-',
    'a-very-long-name-without-a-date',
    '0x1F',
    '1_000',
    '-12',
    '.inf',
    'true',
    'null',
    '~',
    "'2026-01-31'",
    '!!timestamp 2026-01-31',
    '!!timestamp not-a-date',
    '!!str 2026-01-31',
  ]
  it.each(scalars)('reads %s as the default schema does', (scalar) => {
    for (const text of [`v: ${scalar}\n`, `- ${scalar}\n`, `{ k: ${scalar} }\n`])
      expect(read(text, manifestSchema)).toEqual(read(text, defaultSchema))
  })

  it('tries the implicit types in the default order, a timestamp still read as a date', () => {
    const tags = (schema: yaml.Schema) =>
      (schema as unknown as { compiledImplicit: { tag: string }[] }).compiledImplicit.map((t) => t.tag)
    expect(tags(manifestSchema)).toEqual(tags(defaultSchema))
    expect(yaml.load('at: 2026-01-31T10:00:00Z', { schema: manifestSchema })).toEqual({
      at: new Date('2026-01-31T10:00:00Z'),
    })
  })
})
