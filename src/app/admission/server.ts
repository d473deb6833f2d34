import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { AdmissionDecision, AdmissionJudge } from './judge.js'
import { readAdmissionReview, reviewResponse } from './review.js'
import type { WebhookTls } from './tls.js'

export interface AdmissionServerOptions {
  judge: AdmissionJudge
  tls: Pick<WebhookTls, 'cert' | 'key'>
  host: string
  port: number
  maxRequestBytes: number
  /** Told every decision that is not a dry run (the ledger batches them). */
  record: (decision: AdmissionDecision) => void
  clock?: () => Date
}

export interface RunningAdmissionServer {
  url: string
  port: number
  close(): Promise<void>
}

/**
 * The webhook over node:https directly: one route that matters, answered in well under a millisecond,
 * so no framework sits between the API server and the judge. Nothing a request holds can crash it:
 * each problem is an answer with a status and a message.
 */
export async function startAdmissionServer(options: AdmissionServerOptions): Promise<RunningAdmissionServer> {
  const clock = options.clock ?? (() => new Date())
  const server: Server = createServer(
    { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' },
    (req, res) => handle(req, res, options, clock),
  )
  // The API server keeps connections open between reviews; slow or idle clients are cut off.
  server.keepAliveTimeout = 30_000
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `https://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: AdmissionServerOptions,
  clock: () => Date,
): void {
  const url = req.url ?? '/'
  const pathname = url.split('?')[0]
  if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    send(res, 200, { status: 'ok', checks: options.judge.checkIds.length })
    return
  }
  if (pathname !== '/validate') {
    send(res, 404, { error: `no route ${req.method} ${pathname}: POST /validate or GET /healthz` })
    return
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST')
    send(res, 405, { error: '/validate takes POST with an AdmissionReview' })
    return
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN)
  if (declared > options.maxRequestBytes) {
    refuseOversized(req, res, options.maxRequestBytes)
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  let refused = false
  req.on('data', (chunk: Buffer) => {
    if (refused) return
    size += chunk.length
    if (size > options.maxRequestBytes) {
      refused = true
      refuseOversized(req, res, options.maxRequestBytes)
      return
    }
    chunks.push(chunk)
  })
  req.on('error', () => {
    refused = true
  })
  req.on('end', () => {
    if (refused) return
    answer(Buffer.concat(chunks).toString('utf8'), res, options, clock)
  })
}

function answer(body: string, res: ServerResponse, options: AdmissionServerOptions, clock: () => Date): void {
  const read = readAdmissionReview(body)
  if ('problem' in read) {
    send(res, read.problem.httpStatus, { error: read.problem.message })
    return
  }
  let judged: ReturnType<AdmissionJudge['judge']>
  try {
    judged = options.judge.judge(read.review.request, clock())
  } catch (error) {
    // A defect of ours, not of the request: deny with the reason rather than drop the connection.
    const reason = error instanceof Error ? error.message : String(error)
    send(
      res,
      200,
      reviewResponse({
        uid: read.review.request.uid,
        allowed: false,
        status: { code: 500, message: `trustctl could not judge this object: ${reason}` },
      }),
    )
    return
  }
  // dryRun: judged, so `kubectl apply --dry-run=server` shows the verdict, but nothing was changed.
  if (read.review.request.dryRun !== true) options.record(judged.decision)
  send(res, 200, reviewResponse(judged.response))
}

/** 413 with the limit, then the connection is closed so the rest of the body is not read. */
function refuseOversized(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.setHeader('connection', 'close')
  send(res, 413, {
    error: `the AdmissionReview is larger than ${limit} bytes (admission.maxRequestBytes); it was not read`,
  })
  req.resume()
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
