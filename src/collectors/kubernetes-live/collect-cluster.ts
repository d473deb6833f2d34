import {
  ApiException,
  ApisApi,
  type ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  VersionApi,
} from '@kubernetes/client-node'
import { canonicalJson, contentHash } from '../../core/canonical-json.js'
import { TrustctlError } from '../../core/errors.js'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import { toEvidence } from '../kubernetes/to-evidence.js'
import type { CollectedInput, FileCollection } from '../source-collector.js'
import { builtInResources, type LiveResource, policyGroups } from './resources.js'

/** The cluster could not be reached, or refused the credentials outright. */
export class ClusterUnreachableError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('kubernetes-unreachable', message, options)
  }
}

/** Items per list call: bounded responses on big clusters, the API server's `continue` for the rest. */
const pageSize = 500

type KubeObject = Record<string, unknown>

/**
 * Per-call options that abort a request the API server does not answer in time, so a hung server
 * or a black-holed network costs one error per kind rather than a run that never ends.
 */
function withTimeout(ms: number): ConfigurationOptions {
  const timeout: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(ms))
      return new Observable(Promise.resolve(context))
    },
    post: (response) => new Observable(Promise.resolve(response)),
  }
  return { middleware: [timeout], middlewareMergeStrategy: 'append' }
}

interface Page {
  items: unknown[]
  continueToken?: string | undefined
}

/**
 * Lists the cluster's objects with read-only calls and turns them into the same evidence the
 * manifest collector makes from files. A kind the identity may not list becomes an error naming
 * it; every other kind is still collected.
 */
export async function collectCluster(
  kc: KubeConfig,
  contextName: string,
  namespaces: readonly string[] | undefined,
  timeoutMs = 30_000,
): Promise<FileCollection> {
  const server = kc.getCurrentCluster()?.server ?? '(no server)'
  const call = withTimeout(timeoutMs)
  await probe(kc, contextName, server, call)

  const core = kc.makeApiClient(CoreV1Api)
  const custom = kc.makeApiClient(CustomObjectsApi)
  const evidence: EvidenceItem[] = []
  const errors: CollectionError[] = []
  const inputs: CollectedInput[] = []
  const base = `cluster://${contextName}`

  const collect = async (
    resource: LiveResource,
    listPage: (namespace: string | undefined, token?: string) => Promise<Page>,
  ) => {
    const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`
    const where = `${base}/${apiVersion}/${resource.resource}`
    const objects: KubeObject[] = []
    try {
      for (const namespace of resource.namespaced && namespaces !== undefined ? namespaces : [undefined]) {
        let token: string | undefined
        do {
          const page = await listPage(namespace, token)
          for (const item of page.items) objects.push(sanitize(toPlain(item), resource.kind, apiVersion))
          token = page.continueToken === '' ? undefined : page.continueToken
        } while (token !== undefined)
      }
    } catch (error) {
      const failure = describeFailure(error, resource, apiVersion)
      if (failure !== undefined) errors.push({ file: where, ...failure })
      return
    }
    const kept =
      resource.kind === 'Namespace' && namespaces !== undefined
        ? objects.filter((o) => namespaces.includes(nameOf(o)))
        : objects
    inputs.push({
      file: where,
      collector: 'kubernetes-live',
      sha256: contentHash(kept),
      bytes: Buffer.byteLength(canonicalJson(kept)),
      items: kept.length,
    })
    for (const object of kept) {
      const namespace = metadataOf(object).namespace
      const file =
        typeof namespace === 'string'
          ? `${base}/${namespace}/${resource.kind}/${nameOf(object)}`
          : `${base}/${resource.kind}/${nameOf(object)}`
      const { item, problems } = toEvidence(object, { file, line: 0 })
      if (item !== undefined) evidence.push(withoutLine(item))
      for (const problem of problems) errors.push({ file, message: problem })
    }
  }

  for (const resource of builtInResources) {
    await collect(resource, (namespace, token) =>
      resource.group === ''
        ? listCore(core, resource.resource, call, namespace, token)
        : listCustom(custom, resource, call, namespace, token),
    )
  }
  for (const resource of await discoverPolicyResources(kc, errors, base, call)) {
    await collect(resource, (namespace, token) => listCustom(custom, resource, call, namespace, token))
  }
  return { evidence, errors, inputs }
}

/** One cheap call first, so an unreachable server is one clear error rather than one per kind. */
async function probe(
  kc: KubeConfig,
  contextName: string,
  server: string,
  call: ConfigurationOptions,
): Promise<void> {
  try {
    await kc.makeApiClient(VersionApi).getCode(call)
  } catch (error) {
    if (error instanceof ApiException) {
      if (error.code === 401)
        throw new ClusterUnreachableError(
          `the API server ${server} of context "${contextName}" rejected the credentials (401)`,
          {
            hint: 'refresh the kubeconfig credentials (e.g. aws eks update-kubeconfig, gcloud container clusters get-credentials)',
          },
        )
      // Any other answer means the server is there; the list calls report their own problems.
      return
    }
    throw new ClusterUnreachableError(
      `cannot reach the API server ${server} of context "${contextName}": ${reasonOf(error)}`,
      {
        hint: 'check the network path to the cluster and that the kubeconfig context is the intended one',
        cause: error,
      },
    )
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return 'no answer in time (the request was aborted)'
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message
}

/** An error for the collection, or undefined when the API is simply not served (optional kinds). */
function describeFailure(
  error: unknown,
  resource: LiveResource,
  apiVersion: string,
): { message: string; hint?: string } | undefined {
  const what = `list ${resource.resource} (${apiVersion})`
  if (!(error instanceof ApiException)) return { message: `${what}: ${reasonOf(error)}` }
  const status = statusMessage(error.body)
  if (error.code === 404 && resource.optional === true) return undefined
  if (error.code === 403)
    return {
      message: `${what}: forbidden${status === '' ? '' : `: ${status}`}`,
      hint: `grant list on ${resource.group === '' ? '' : `${resource.group}/`}${resource.resource} (docs/kubernetes-readonly-clusterrole.yaml)`,
    }
  if (error.code === 404) return { message: `${what}: the API server does not serve it (404)` }
  return { message: `${what}: HTTP ${error.code}${status === '' ? '' : `: ${status}`}` }
}

/** The `message` of a Kubernetes Status body, which explains a 403 in the API server's words. */
function statusMessage(body: unknown): string {
  if (typeof body !== 'string') return ''
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    return typeof parsed.message === 'string' ? parsed.message : ''
  } catch {
    return ''
  }
}

async function listCore(
  core: CoreV1Api,
  resource: string,
  call: ConfigurationOptions,
  namespace: string | undefined,
  token?: string,
): Promise<Page> {
  const params = { limit: pageSize, ...(token === undefined ? {} : { _continue: token }) }
  const inNamespace = namespace === undefined ? undefined : { ...params, namespace }
  const list = await (async () => {
    switch (resource) {
      case 'namespaces':
        return core.listNamespace(params, call)
      case 'nodes':
        return core.listNode(params, call)
      case 'pods':
        return inNamespace
          ? core.listNamespacedPod(inNamespace, call)
          : core.listPodForAllNamespaces(params, call)
      case 'services':
        return inNamespace
          ? core.listNamespacedService(inNamespace, call)
          : core.listServiceForAllNamespaces(params, call)
      case 'secrets':
        return inNamespace
          ? core.listNamespacedSecret(inNamespace, call)
          : core.listSecretForAllNamespaces(params, call)
      case 'serviceaccounts':
        return inNamespace
          ? core.listNamespacedServiceAccount(inNamespace, call)
          : core.listServiceAccountForAllNamespaces(params, call)
      default:
        throw new Error(`no core list call for ${resource}`)
    }
  })()
  return { items: list.items, continueToken: list.metadata?._continue }
}

/** Lists any non-core group through the generic client, which returns the API's JSON as it is. */
async function listCustom(
  custom: CustomObjectsApi,
  resource: LiveResource,
  call: ConfigurationOptions,
  namespace: string | undefined,
  token?: string,
): Promise<Page> {
  const params = {
    group: resource.group,
    version: resource.version,
    plural: resource.resource,
    limit: pageSize,
    ...(token === undefined ? {} : { _continue: token }),
  }
  const list: unknown =
    namespace === undefined
      ? resource.namespaced
        ? await custom.listCustomObjectForAllNamespaces(params, call)
        : await custom.listClusterCustomObject(params, call)
      : await custom.listNamespacedCustomObject({ ...params, namespace }, call)
  const record = isObject(list) ? list : {}
  const metadata = isObject(record.metadata) ? record.metadata : {}
  return {
    items: Array.isArray(record.items) ? record.items : [],
    continueToken: typeof metadata.continue === 'string' ? metadata.continue : undefined,
  }
}

/**
 * Kyverno policies and Gatekeeper constraints, when the cluster serves their groups. Discovery is
 * open to every authenticated identity; a failure there only means no policy engine is read.
 */
async function discoverPolicyResources(
  kc: KubeConfig,
  errors: CollectionError[],
  base: string,
  call: ConfigurationOptions,
): Promise<LiveResource[]> {
  let groups: { name: string; preferredVersion?: { version: string } }[]
  try {
    groups = (await kc.makeApiClient(ApisApi).getAPIVersions(call)).groups
  } catch (error) {
    errors.push({
      file: `${base}/apis`,
      message: `API discovery failed, policy engines not read: ${reasonOf(error)}`,
    })
    return []
  }
  const version = (group: string) => groups.find((g) => g.name === group)?.preferredVersion?.version
  const found: LiveResource[] = []
  const kyverno = version(policyGroups.kyverno.group)
  if (kyverno !== undefined) {
    found.push(
      {
        group: 'kyverno.io',
        version: kyverno,
        resource: 'clusterpolicies',
        kind: 'ClusterPolicy',
        namespaced: false,
      },
      { group: 'kyverno.io', version: kyverno, resource: 'policies', kind: 'Policy', namespaced: true },
    )
  }
  const gatekeeper = version(policyGroups.gatekeeper.group)
  if (gatekeeper !== undefined) {
    try {
      const list = await kc
        .makeApiClient(CustomObjectsApi)
        .getAPIResources({ group: policyGroups.gatekeeper.group, version: gatekeeper }, call)
      for (const r of list.resources) {
        if (r.name.includes('/')) continue
        found.push({
          group: policyGroups.gatekeeper.group,
          version: gatekeeper,
          resource: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
        })
      }
    } catch (error) {
      errors.push({
        file: `${base}/apis/${policyGroups.gatekeeper.group}/${gatekeeper}`,
        message: `Gatekeeper constraint kinds could not be discovered: ${reasonOf(error)}`,
      })
    }
  }
  return found
}

/** The typed client's models carry the API's field names, so a JSON round trip gives the manifest shape. */
function toPlain(item: unknown): KubeObject {
  const plain: unknown = JSON.parse(JSON.stringify(item))
  return isObject(plain) ? plain : {}
}

// A copy of the whole object as last applied: bulky, and for a Secret it holds the values in clear.
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration'

/**
 * Fills in what list items leave out (kind, apiVersion) and drops what evidence must not hold:
 * Secret values (replaced by a marker the moment they arrive, only key names stay), the
 * last-applied annotation and managed-field bookkeeping.
 */
function sanitize(object: KubeObject, kind: string, apiVersion: string): KubeObject {
  const metadata = { ...metadataOf(object) }
  delete metadata.managedFields
  if (isObject(metadata.annotations)) {
    const { [lastApplied]: _dropped, ...annotations } = metadata.annotations
    metadata.annotations = annotations
  }
  const out: KubeObject = {
    ...object,
    apiVersion: object.apiVersion ?? apiVersion,
    kind: object.kind ?? kind,
    metadata,
  }
  if (kind === 'Secret') {
    const data = isObject(object.data) ? object.data : {}
    out.data = Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, value === '' || value === null ? '' : 'withheld']),
    )
    delete out.stringData
  }
  return out
}

function withoutLine(item: EvidenceItem): EvidenceItem {
  const { line: _line, ...rest } = item
  return rest as EvidenceItem
}

function metadataOf(object: KubeObject): KubeObject {
  return isObject(object.metadata) ? object.metadata : {}
}

function nameOf(object: KubeObject): string {
  const name = metadataOf(object).name
  return typeof name === 'string' ? name : '(unnamed)'
}

function isObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
