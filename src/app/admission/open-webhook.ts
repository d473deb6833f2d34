import path from 'node:path'
import type { LoadedConfig } from '../load-config.js'
import { openStore } from '../open-store.js'
import { loadLibrary } from '../run-assessment.js'
import { configuredSigner } from '../signing-key.js'
import { toolVersion } from '../version.js'
import { DecisionLog, type DecisionSink } from './decision-log.js'
import { decisionWorkerAvailable, ThreadedDecisionLog } from './decision-log-thread.js'
import { AdmissionJudge } from './judge.js'
import { renderAdmissionManifests } from './manifests.js'
import { celPolicies, renderAdmissionPolicies } from './policies.js'
import { type RunningAdmissionServer, startAdmissionServer } from './server.js'
import { ensureGeneratedTls, readCaBundle, readTlsFiles, type WebhookTls } from './tls.js'

/** The names the generated serving certificate is made for when none are given. */
export const defaultWebhookNames = [
  'trustctl-admission.trustctl.svc',
  'trustctl-admission.trustctl.svc.cluster.local',
  'localhost',
  '127.0.0.1',
]

export interface WebhookRequest {
  loaded: LoadedConfig
  env: NodeJS.ProcessEnv
  host: string
  port: number
  /** Both or neither: a certificate and key from files (cert-manager, a team CA). */
  tlsCert?: string
  tlsKey?: string
  tlsCa?: string
  /** Names of the generated certificate (the Service's DNS names). */
  dnsNames: readonly string[]
  /** Told what happens on the side: a key or certificate made, a batch that failed to write. */
  notify: (text: string) => void
}

export interface OpenWebhook {
  server: RunningAdmissionServer
  tls: WebhookTls
  checks: string[]
  log: DecisionSink
  /** Stops listening, writes the decisions still queued, and closes the store. */
  close(): Promise<void>
}

/** Where the generated certificate is kept: beside the store, never in the repository's tracked files. */
export function webhookTlsDir(loaded: LoadedConfig): string {
  return path.resolve(loaded.root, loaded.config.store.path, 'admission-tls')
}

/** The certificate to serve with: from files when given, else the one kept beside the store. */
export function webhookTls(
  request: Pick<WebhookRequest, 'loaded' | 'tlsCert' | 'tlsKey' | 'tlsCa' | 'dnsNames'>,
  now: Date,
): WebhookTls {
  if (request.tlsCert !== undefined && request.tlsKey !== undefined)
    return readTlsFiles(request.tlsCert, request.tlsKey, request.tlsCa)
  return ensureGeneratedTls(webhookTlsDir(request.loaded), request.dnsNames, now)
}

/**
 * Starts the admission webhook: the Kubernetes checks of trustctl.yaml with its params, exceptions and
 * severity modes; decisions appended to the ledger in signed batches.
 */
export async function openWebhook(request: WebhookRequest): Promise<OpenWebhook> {
  const { loaded, env, notify } = request
  const library = await loadLibrary()
  // Built before anything listens: a mistyped check param fails the start, not each review.
  const judge = new AdmissionJudge(library.checks, loaded.config)
  const tls = webhookTls(request, new Date())
  // Made (or read) here, before the writer starts, so a new key is announced once.
  configuredSigner(loaded, env, notify)
  const log = await openDecisionLog(loaded, env, notify)
  let server: RunningAdmissionServer
  try {
    server = await startAdmissionServer({
      judge,
      tls,
      host: request.host,
      port: request.port,
      maxRequestBytes: loaded.config.admission.maxRequestBytes,
      record: (decision) => log.add(decision),
    })
  } catch (error) {
    await log.close()
    throw error
  }
  return {
    server,
    tls,
    checks: judge.checkIds,
    log,
    close: async () => {
      await server.close()
      await log.close()
    },
  }
}

/**
 * The ledger writer for decisions: on a worker thread when running built (the webhook's event loop
 * then never waits on a batch), or on this thread from TypeScript sources (tests), where a thread
 * cannot load the sources. Both batch and sign the same way.
 */
async function openDecisionLog(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  notify: (text: string) => void,
): Promise<DecisionSink & { close(): Promise<void> }> {
  const batchSize = loaded.config.admission.batchSize
  const flushMs = loaded.config.admission.flushSeconds * 1000
  if (decisionWorkerAvailable()) {
    const { config, file, root } = loaded
    return ThreadedDecisionLog.start(
      { loaded: { config, file, root }, env, toolVersion: toolVersion(), batchSize, flushMs },
      notify,
    )
  }
  const store = await openStore(loaded, env)
  const log = new DecisionLog({
    store,
    signer: configuredSigner(loaded, env, notify),
    toolVersion: toolVersion(),
    batchSize,
    flushMs,
    onError: (error) =>
      notify(
        `trustctl admission: decisions not yet written to the ledger (kept for the next batch): ${error instanceof Error ? error.message : String(error)}\n`,
      ),
  })
  return {
    add: (decision) => log.add(decision),
    flush: () => log.flush(),
    get recorded() {
      return log.recorded
    },
    close: async () => {
      await log.flush()
      await store.close()
    },
  }
}

/** Names the Service answers to inside the cluster, for the serving certificate. */
export function serviceNames(namespace: string): string[] {
  return [`trustctl-admission.${namespace}.svc`, `trustctl-admission.${namespace}.svc.cluster.local`]
}

/**
 * `trustctl admission manifests`: the webhook's resources. The caBundle is the CA of the certificate
 * kept beside the store (made for the Service's names when missing), or the CA file given.
 */
export function webhookManifests(
  loaded: LoadedConfig,
  options: { namespace: string; image: string; caFile?: string; certManager?: boolean; databasePort: number },
  now: Date,
): { text: string; generated?: WebhookTls } {
  const generated =
    options.caFile === undefined && options.certManager !== true
      ? ensureGeneratedTls(webhookTlsDir(loaded), serviceNames(options.namespace), now)
      : undefined
  const text = renderAdmissionManifests({
    namespace: options.namespace,
    image: options.image,
    caBundle:
      options.certManager === true
        ? 'cert-manager'
        : (generated?.caBundle ?? readCaBundle(options.caFile ?? '')),
    config: loaded.config,
    databasePort: options.databasePort,
  })
  return generated === undefined ? { text } : { text, generated }
}

/** `trustctl admission policies`: the CEL-expressible checks as ValidatingAdmissionPolicies and bindings. */
export async function webhookPolicies(loaded: LoadedConfig): Promise<{ text: string; checks: string[] }> {
  const { checks } = await loadLibrary()
  return {
    text: renderAdmissionPolicies(checks, loaded.config),
    checks: celPolicies(checks, loaded.config).map((p) => p.check),
  }
}
