import os from 'node:os'
import { loadConfig } from '../../app/load-config.js'
import { type DeliveryOptions, prepareBatches, pushBatches, pushEndpoint } from '../../app/push-client.js'
import { collectConfiguredSources } from '../../app/run-assessment.js'
import { toolVersion } from '../../app/version.js'
import { ConfigError } from '../../core/errors.js'
import { exitCode } from '../exit-codes.js'

export interface CollectOptions {
  config?: string
  push?: string
  /** The collector's name: the name of its token (default TRUSTCTL_COLLECTOR_NAME, else the host name). */
  name?: string
  tokenEnv: string
  maxBatchBytes: string
  allowInsecureHttp?: boolean
  format: string
}

export interface CollectIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
  env?: NodeJS.ProcessEnv
  /** Tests pass their own fetch and clock. */
  delivery?: Partial<Pick<DeliveryOptions, 'fetch' | 'sleep' | 'random' | 'backoffMs' | 'attempts'>>
  now?: () => Date
}

function parseBytes(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1024)
    throw new ConfigError(`--max-batch-bytes: a whole number of bytes ≥ 1024, not '${value}'`)
  return n
}

/**
 * `trustctl collect --push <url>`: reads the configured sources, as `assess` does, and pushes the
 * evidence to a team server instead of assessing or storing it here. The collector's name is the
 * token's (the server checks it); the token is read from the environment and never printed.
 */
export async function collectCommand(options: CollectOptions, io: CollectIo): Promise<number> {
  if (options.push === undefined)
    throw new ConfigError(
      'collect: --push <url> is required (collect only pushes; `trustctl assess` assesses here)',
    )
  if (options.format !== 'text' && options.format !== 'json')
    throw new ConfigError(`--format: unknown output format '${options.format}' (use text or json)`)
  const endpoint = pushEndpoint(options.push, options.allowInsecureHttp === true)
  const maxBytes = parseBytes(options.maxBatchBytes)
  const env = io.env ?? process.env
  const token = env[options.tokenEnv]
  if (token === undefined || token === '')
    throw new ConfigError(`--token-env: ${options.tokenEnv} is not set`, {
      hint: 'create a collector token on the server (trustctl tokens create --role collector --name <collector>)',
    })
  // The server checks it against the token's name: a collector pushes under its own name only.
  const name = options.name ?? env.TRUSTCTL_COLLECTOR_NAME ?? os.hostname()
  const loaded = await loadConfig(options.config, io.cwd)
  const now = (io.now ?? (() => new Date()))()
  // Live sources authenticate with the process's own credentials, as `assess` does.
  const collection = await collectConfiguredSources(loaded, process.env, now)
  const batches = prepareBatches(collection, { name, version: toolVersion() }, now.toISOString(), maxBytes)
  const summary = await pushBatches(batches, {
    endpoint,
    token,
    notify: (message) => io.err(`trustctl collect: ${message}\n`),
    ...io.delivery,
  })
  io.out(
    options.format === 'json'
      ? `${JSON.stringify({ server: endpoint.origin, collector: name, ...summary }, null, 2)}\n`
      : `pushed to ${endpoint.origin} as ${name}: ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}, ` +
          `${summary.items} items, ${summary.stored} stored, ${summary.duplicates} duplicate batch${summary.duplicates === 1 ? '' : 'es'}` +
          `${summary.errors > 0 ? `, ${summary.errors} collection errors` : ''}\n`,
  )
  return collection.errors.length > 0 ? exitCode.partial : exitCode.clean
}
