import type { FastifyInstance } from 'fastify'
import { type LoadedConfig, loadConfig } from '../../app/load-config.js'
import { storeLocation } from '../../app/open-store.js'
import { ConfigError } from '../../core/errors.js'
import { createServer, loopbackHostNames } from '../../server/app.js'
import { isLoopbackHost } from '../../server/routes/auth.js'
import { type RunningSchedule, startSchedule } from '../../server/schedule.js'
import { type ChangeRecorder, openServerContext } from '../../server/server-context.js'
import { parseTrustProxy } from '../../server/trust-proxy.js'
import { parsePort, untilSignal } from '../listening.js'

export interface ServeOptions {
  config?: string
  host?: string
  port?: string
  logLevel?: string
  /**
   * Behind a TLS-terminating proxy: trust its X-Forwarded-Proto and -For (Secure cookies, HSTS, client
   * address). Alone: one hop; a number: that many hops; else the proxies' addresses or CIDR ranges.
   */
  trustProxy?: boolean | string
  /**
   * Work the shared job queue (scheduled assessments) without serving HTTP: a job worker beside the
   * servers, on the same PostgreSQL store. Needs store.backend postgres and server.schedule.
   */
  worker?: boolean
}

export interface ServeIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
  env?: NodeJS.ProcessEnv
  /** Resolves when the server should stop; default: SIGINT or SIGTERM. */
  until?: Promise<void>
  /** Called once the server listens (tests read the port from it). */
  onListening?: (app: FastifyInstance, url: string) => void
  recordChange?: ChangeRecorder
}

/** The socket errors of listen that the operator fixes (another port, another address), as advice. */
const listenAdvice: Record<string, string> = {
  EADDRINUSE: 'another process listens there already: stop it, or pass --port with a free port',
  EACCES: 'this user may not listen there (ports below 1024 need privileges): pass --port 1024 or above',
  EADDRNOTAVAIL:
    'no network interface of this machine has that address: pass --host with one of its addresses',
}

/** Listens, or explains in one line (no stack trace) why the address cannot be had. */
async function listenOrExplain(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port })
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    const advice = listenAdvice[code]
    if (advice === undefined) throw error
    const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
    throw new ConfigError(`cannot listen on ${address} (${code})`, { hint: advice, cause: error })
  }
}

/**
 * `trustctl serve`: the team server and dashboard over the configured store. Listens on loopback
 * unless told otherwise on the command line: a server reachable from the network is a choice made
 * explicitly, never by a line in a shared trustctl.yaml.
 */
export async function serveCommand(options: ServeOptions, io: ServeIo): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  if (options.worker === true) return workCommand(loaded, io)
  const host = options.host ?? loaded.config.server.host
  const port = options.port === undefined ? loaded.config.server.port : parsePort(options.port)
  const trustProxy = parseTrustProxy(options.trustProxy)
  if (!isLoopbackHost(host) && options.host === undefined)
    throw new ConfigError(`server.host is ${host}, which is not loopback`, {
      hint: `pass --host ${host} to listen there on purpose`,
    })
  if (['0.0.0.0', '::'].includes(host) && loaded.config.server.allowedHosts === undefined)
    io.err(
      'warning: server.allowedHosts is unset, so only loopback Host names are answered; list the names clients use in trustctl.yaml\n',
    )
  if (!isLoopbackHost(host))
    io.err(
      `warning: listening on ${host} over plain HTTP; terminate TLS in front of trustctl (a reverse proxy) before anyone signs in over the network\n`,
    )
  const env = io.env ?? process.env
  const { context, close } = await openServerContext(loaded, {
    env,
    notify: io.err,
    ...(io.recordChange === undefined ? {} : { recordChange: io.recordChange }),
  })
  let app: FastifyInstance | undefined
  let schedule: RunningSchedule | undefined
  try {
    app = await createServer(context, {
      logger:
        options.logLevel === undefined || options.logLevel === 'silent' ? false : { level: options.logLevel },
      trustProxy,
      // Unset in trustctl.yaml: loopback names, and the address listened on when it names one.
      ...(loaded.config.server.allowedHosts === undefined && !['0.0.0.0', '::'].includes(host)
        ? { allowedHosts: [...loopbackHostNames, host] }
        : {}),
    })
    await listenOrExplain(app, host, port)
    const address = app.server.address()
    const actualPort = typeof address === 'object' && address !== null ? address.port : port
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`
    io.out(`trustctl serving ${url} (store: ${storeLocation(loaded, env)})\n`)
    if ((await context.team.users()).length === 0)
      io.out('No users yet: add one with `trustctl users add --email … --name … --role admin`.\n')
    schedule = await startSchedule(context, {
      env,
      report: (message) => io.err(`trustctl serve: ${message}\n`),
      log: (message) => io.out(`${message}\n`),
    })
    const next = schedule.nextRunAt()
    if (schedule.mode !== 'off')
      io.out(
        `Scheduled assessment (${schedule.mode})${next === undefined ? '' : `, next at ${next.toISOString()}`}.\n`,
      )
    io.onListening?.(app, url)
    await (io.until ?? untilSignal())
    io.out('trustctl: stopping\n')
    return 0
  } finally {
    await schedule?.stop()
    await app?.close()
    await close()
  }
}

/** Why `serve --worker` cannot run with this configuration, or undefined when it can. */
export function workerRefusal(loaded: LoadedConfig): ConfigError | undefined {
  if (loaded.config.store.backend !== 'postgres')
    return new ConfigError('serve --worker: store.backend is sqlite; workers share a PostgreSQL store', {
      hint: 'set store.backend: postgres and store.url (or TRUSTCTL_DATABASE_URL); with SQLite the one `trustctl serve` runs the schedule itself',
    })
  if (loaded.config.server.schedule === undefined)
    return new ConfigError(
      'serve --worker: server.schedule is unset, so there are no scheduled jobs to work',
      {
        hint: 'set server.schedule to a cron expression in UTC (e.g. "0 3 * * *"), the same in every server and worker',
      },
    )
  return undefined
}

/**
 * `trustctl serve --worker`: the job side of a server without its HTTP side. It opens the same store
 * and works the same pg-boss queue as every `serve` process, so scheduled assessments are shared by
 * servers and workers alike, each job worked by one of them.
 */
async function workCommand(loaded: LoadedConfig, io: ServeIo): Promise<number> {
  const refusal = workerRefusal(loaded)
  if (refusal !== undefined) throw refusal
  const env = io.env ?? process.env
  const { context, close } = await openServerContext(loaded, {
    env,
    notify: io.err,
    ...(io.recordChange === undefined ? {} : { recordChange: io.recordChange }),
  })
  let schedule: RunningSchedule | undefined
  try {
    schedule = await startSchedule(context, {
      env,
      report: (message) => io.err(`trustctl serve --worker: ${message}\n`),
      log: (message) => io.out(`${message}\n`),
    })
    io.out(`trustctl worker working scheduled jobs (store: ${storeLocation(loaded, env)})\n`)
    await (io.until ?? untilSignal())
    io.out('trustctl: stopping\n')
    return 0
  } finally {
    // Graceful: a job in hand is finished (up to 30 s) before the worker lets go of the queue.
    await schedule?.stop()
    await close()
  }
}
