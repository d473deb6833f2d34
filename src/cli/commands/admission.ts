import { writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  defaultWebhookNames,
  openWebhook,
  webhookManifests,
  webhookPolicies,
} from '../../app/admission/open-webhook.js'
import { loadConfig } from '../../app/load-config.js'
import { ConfigError } from '../../core/errors.js'
import { parsePort, untilSignal } from '../listening.js'

export interface AdmissionServeOptions {
  config?: string
  host: string
  port: string
  tlsCert?: string
  tlsKey?: string
  tlsCa?: string
  dnsName: string[]
}

export interface AdmissionServeIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
  env?: NodeJS.ProcessEnv
  /** Resolves when the webhook should stop; default: SIGINT or SIGTERM. */
  until?: Promise<void>
  /** Called once it listens (tests read the URL and CA from it). */
  onListening?: (url: string, caBundle: string) => void
}

/** `trustctl admission serve`: the validating admission webhook, over TLS, until stopped. */
export async function admissionServeCommand(
  options: AdmissionServeOptions,
  io: AdmissionServeIo,
): Promise<number> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw new ConfigError('--tls-cert and --tls-key: give both, or neither to use a generated certificate')
  const loaded = await loadConfig(options.config, io.cwd)
  const port = parsePort(options.port)
  let webhook: Awaited<ReturnType<typeof openWebhook>>
  try {
    webhook = await openWebhook({
      loaded,
      env: io.env ?? process.env,
      host: options.host,
      port,
      ...(options.tlsCert === undefined ? {} : { tlsCert: options.tlsCert }),
      ...(options.tlsKey === undefined ? {} : { tlsKey: options.tlsKey }),
      ...(options.tlsCa === undefined ? {} : { tlsCa: options.tlsCa }),
      dnsNames: options.dnsName.length > 0 ? options.dnsName : defaultWebhookNames,
      notify: io.err,
    })
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new ConfigError(`cannot listen on ${options.host}:${port} (${code})`, {
        hint: 'pass --port with a free port, or --host with an address of this machine',
        cause: error,
      })
    throw error
  }
  try {
    const { tls, server } = webhook
    io.out(`trustctl admission webhook on ${server.url}/validate (${webhook.checks.length} checks)\n`)
    io.out(
      tls.generated
        ? `Made a CA and serving certificate in ${tls.files.cert.replace(/\/tls\.crt$/, '')}.\n`
        : `Serving certificate: ${tls.files.cert}\n`,
    )
    io.out(
      `caBundle for the ValidatingWebhookConfiguration:\n${Buffer.from(tls.caBundle).toString('base64')}\n`,
    )
    io.onListening?.(server.url, tls.caBundle)
    await (io.until ?? untilSignal())
    io.out(`trustctl admission: stopping; writing the queued decisions to the ledger\n`)
    return 0
  } finally {
    await webhook.close()
    io.out(`trustctl admission: ${webhook.log.recorded} decisions recorded in the ledger\n`)
  }
}

export interface AdmissionManifestsOptions {
  config?: string
  image: string
  namespace: string
  caFile?: string
  certManager?: boolean
  databasePort: string
  out?: string
}

/** `trustctl admission manifests`: the webhook's Kubernetes resources, to standard output or a file. */
export async function admissionManifestsCommand(
  options: AdmissionManifestsOptions,
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  if (options.caFile !== undefined && options.certManager === true)
    throw new ConfigError('--ca-file and --cert-manager: choose one source of the serving certificate')
  const loaded = await loadConfig(options.config, io.cwd)
  const databasePort = parsePort(options.databasePort, '--database-port')
  const { text, generated } = webhookManifests(
    loaded,
    {
      namespace: options.namespace,
      image: options.image,
      databasePort,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.certManager === true ? { certManager: true } : {}),
    },
    new Date(),
  )
  if (options.out === undefined) io.out(text)
  else writeFileSync(path.resolve(io.cwd, options.out), text)
  if (generated !== undefined)
    io.err(
      `${generated.generated ? 'Made' : 'Using'} the CA and serving certificate in ${path.dirname(generated.files.cert)}; ` +
        `create the TLS Secret from them: kubectl -n ${options.namespace} create secret tls trustctl-admission-tls --cert ${generated.files.cert} --key ${generated.files.key}\n`,
    )
  return 0
}

/** `trustctl admission policies`: ValidatingAdmissionPolicies for the checks CEL can express. */
export async function admissionPoliciesCommand(
  options: { config?: string; out?: string },
  io: { cwd: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const { text, checks } = await webhookPolicies(await loadConfig(options.config, io.cwd))
  if (options.out === undefined) io.out(text)
  else writeFileSync(path.resolve(io.cwd, options.out), text)
  io.err(`${checks.length} checks as ValidatingAdmissionPolicy: ${checks.join(', ')}\n`)
  return 0
}
