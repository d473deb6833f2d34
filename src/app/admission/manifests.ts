import { stringify } from 'yaml'
import type { Config } from '../../core/config.js'
import { ConfigError } from '../../core/errors.js'
import { parseImageReference } from '../../core/image-reference.js'

export interface ManifestOptions {
  /** The namespace the webhook runs in (created here, with the restricted Pod Security Standard). */
  namespace: string
  /** The trustctl image, pinned by digest (`registry/trustctl@sha256:…`). */
  image: string
  /**
   * PEM of the CA that signed the serving certificate; or `cert-manager`: its Issuer and Certificate
   * make the serving certificate and its CA injector fills in the bundle.
   */
  caBundle: string | 'cert-manager'
  /** The team's trustctl.yaml: the webhook judges with its checks, params, exceptions and modes. */
  config: Config
  /** Port of the PostgreSQL ledger the replicas share (egress is opened to it only). */
  databasePort: number
}

const name = 'trustctl-admission'
const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'trustctl' }
/** Where the ledger's signing key Secret is mounted. */
const ledgerKeyFile = '/etc/trustctl/ledger-key/key.pem'
/** The distroless images' `nonroot` user. */
const nonRootUid = 65532

/**
 * The part of trustctl.yaml the webhook needs, for its ConfigMap: what it judges with (checks,
 * exceptions, admission modes) and a PostgreSQL ledger the replicas share. Sources, vendors and the
 * package are left out: the webhook collects nothing.
 */
export function webhookConfig(config: Config): Record<string, unknown> {
  return {
    version: 1,
    organization: config.organization,
    system: { name: config.system.name },
    scope: { categories: config.scope.categories, asOf: config.scope.asOf },
    checks: config.checks,
    exceptions: config.exceptions,
    admission: config.admission,
    // TRUSTCTL_DATABASE_URL (from a Secret) gives the URL: it holds a password. The signing key is
    // the mounted Secret's file, named here rather than in an env var that looks like a credential.
    store: { backend: 'postgres', key: ledgerKeyFile },
    ...(config.ledger.key === undefined
      ? {}
      : { ledger: { key: config.ledger.key, endorsed: config.ledger.endorsed } }),
  }
}

/** The resources the webhook is installed with, judged by trustctl's own checks before anyone runs them. */
export function admissionManifests(options: ManifestOptions): Record<string, unknown>[] {
  const { namespace, image, caBundle, config } = options
  if (!/^sha256:[0-9a-f]{64}$/.test(parseImageReference(image).digest ?? ''))
    throw new ConfigError(`--image ${image}: pin the image by digest (…@sha256:<64 hex>)`, {
      hint: 'a tag can be moved to other content; a digest cannot',
    })
  const meta = (extra: Record<string, unknown> = {}) => ({ name, namespace, labels, ...extra })
  const excluded = [...new Set([...config.admission.excludedNamespaces, namespace])].sort()
  const certManager = caBundle === 'cert-manager'
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    // No Role and no binding: the webhook only answers reviews and never calls the Kubernetes API.
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta({ name: `${name}-config` }),
      data: { 'trustctl.yaml': stringify(webhookConfig(config)) },
    },
    deployment(namespace, image),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }],
      },
    },
    ...networkPolicies(namespace, options.databasePort),
    ...(certManager ? certManagerCertificate(namespace) : []),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name,
        labels,
        ...(certManager
          ? { annotations: { 'cert-manager.io/inject-ca-from': `${namespace}/${name}-tls` } }
          : {}),
      },
      webhooks: [
        {
          name: 'validate.trustctl.dev',
          admissionReviewVersions: ['v1'],
          clientConfig: {
            service: { name, namespace, path: '/validate', port: 443 },
            ...(certManager ? {} : { caBundle: Buffer.from(caBundle).toString('base64') }),
          },
          // Fail closed: two replicas and a disruption budget keep it answering (see the README).
          failurePolicy: 'Fail',
          matchPolicy: 'Equivalent',
          // Decisions are recorded in the ledger, except for dry runs.
          sideEffects: 'NoneOnDryRun',
          timeoutSeconds: 5,
          // Its own namespace too: a webhook that judges its own rollout can lock itself out.
          namespaceSelector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }],
          },
          rules: admittedResources.map(({ groups, resources }) => ({
            apiGroups: groups,
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources,
            scope: '*',
          })),
        },
      ],
    },
  ]
}

/** A self-signed serving certificate made by cert-manager into the Secret the Deployment mounts. */
function certManagerCertificate(namespace: string): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: `${name}-selfsigned`, namespace, labels },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `${name}-tls`, namespace, labels },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        duration: '2160h',
        renewBefore: '720h',
        issuerRef: { name: `${name}-selfsigned`, kind: 'Issuer' },
      },
    },
  ]
}

/** What the checks judge: Pods and workload kinds, Services, Ingresses, RBAC, NetworkPolicies, Namespaces, Secrets. */
const admittedResources = [
  { groups: [''], resources: ['pods', 'replicationcontrollers', 'services', 'namespaces', 'secrets'] },
  { groups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { groups: ['batch'], resources: ['jobs', 'cronjobs'] },
  { groups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'] },
  {
    groups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  },
]

function deployment(namespace: string, image: string): Record<string, unknown> {
  const probe = (path: string) => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: 10,
    timeoutSeconds: 2,
  })
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: nonRootUid,
            runAsGroup: nonRootUid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // One replica per node, so losing a node never takes the door away.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: 'webhook',
              image,
              args: [
                'admission',
                'serve',
                '--config',
                '/etc/trustctl/trustctl.yaml',
                '--port',
                '8443',
                '--tls-cert',
                '/etc/trustctl/tls/tls.crt',
                '--tls-key',
                '/etc/trustctl/tls/tls.key',
              ],
              ports: [{ name: 'https', containerPort: 8443, protocol: 'TCP' }],
              env: [
                {
                  name: 'TRUSTCTL_DATABASE_URL',
                  valueFrom: { secretKeyRef: { name: 'trustctl-database', key: 'url' } },
                },
              ],
              readinessProbe: probe('/healthz'),
              livenessProbe: probe('/healthz'),
              resources: {
                requests: { cpu: '100m', memory: '192Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: '/etc/trustctl', readOnly: true },
                { name: 'tls', mountPath: '/etc/trustctl/tls', readOnly: true },
                { name: 'ledger-key', mountPath: '/etc/trustctl/ledger-key', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${name}-config` } },
            { name: 'tls', secret: { secretName: `${name}-tls` } },
            { name: 'ledger-key', secret: { secretName: 'trustctl-ledger-key' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  }
}

/** Nothing in or out by default; in: the API server to 8443; out: DNS and the ledger's database. */
function networkPolicies(namespace: string, databasePort: number): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        // The API server's address differs per cluster (and is not a pod): the port is the limit.
        ingress: [{ ports: [{ protocol: 'TCP', port: 8443 }] }],
        egress: [
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          { ports: [{ protocol: 'TCP', port: databasePort }] },
        ],
      },
    },
  ]
}

/** The manifests as one multi-document YAML stream, with how to create the two Secrets they name. */
export function renderAdmissionManifests(options: ManifestOptions): string {
  const header = [
    '# trustctl admission webhook (`trustctl admission manifests`). Before applying, create the Secrets',
    '# it reads (never committed):',
    ...(options.caBundle === 'cert-manager'
      ? []
      : [`#   kubectl -n ${options.namespace} create secret tls ${name}-tls --cert tls.crt --key tls.key`]),
    `#   kubectl -n ${options.namespace} create secret generic trustctl-ledger-key --from-file key.pem=<ledger signing key>`,
    `#   kubectl -n ${options.namespace} create secret generic trustctl-database --from-literal url=postgres://…`,
  ]
  return `${header.join('\n')}\n${admissionManifests(options)
    .map((doc) => `---\n${stringify(doc)}`)
    .join('')}`
}
