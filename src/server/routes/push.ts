import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { runHolder } from '../../app/ledger-writer-thread.js'
import { toolVersion } from '../../app/version.js'
import {
  IntegrityError,
  PayloadTooLargeError,
  PermissionError,
  TrustctlError,
  ValidationError,
} from '../../core/errors.js'
import { kindsOutside } from '../../core/evidence-kind-pattern.js'
import { pushBatchSchema } from '../../core/push-format.js'
import type { ServerContext } from '../context.js'
import { problem, problemContentType, problemFromError } from '../problem.js'
import { keyedLock, type PushLock, type PushRecords, postgresPushLock, storePush } from '../push.js'
import { failureError } from '../push-check.js'
import { checkPushOffThread, tooLarge } from '../push-thread.js'
import { defineRoute, type RouteDefinition } from '../route.js'
import { scheduleOf } from '../schedule.js'
// Registers the 'assess' job handler: the server that serves these routes can run assessments.
import '../jobs/assess-job.js'
import * as push from '../contract/push.js'

/**
 * The most any push may be, whatever server.push.maxBytes says: fastify stops reading a body past
 * the configured limit (capped here), and the handler checks the exact bytes again.
 */
export const pushBodyCeiling = 256 * 1024 * 1024

const locks = new WeakMap<ServerContext, PushLock & { close?: () => Promise<void> }>()

/** The push lock of a server: per key in the process, and across processes on PostgreSQL. */
function pushLockOf(context: ServerContext): PushLock {
  let lock = locks.get(context)
  if (lock === undefined) {
    const store = context.loaded.config.store
    const url = context.env.TRUSTCTL_DATABASE_URL ?? store.url
    lock = store.backend === 'postgres' && url !== undefined ? postgresPushLock(url, 'trustctl') : keyedLock()
    locks.set(context, lock)
  }
  return lock
}

/** Releases what pushes held open for a server (its lock connections); `serve` calls it on shutdown. */
export async function closePushes(context: ServerContext): Promise<void> {
  const lock = locks.get(context)
  locks.delete(context)
  await lock?.close?.()
}

/** Lets a test or an embedding server choose the push lock (e.g. one shared by two contexts). */
export function setPushLock(context: ServerContext, lock: PushLock): void {
  locks.set(context, lock)
}

let version: string | undefined

/** trustctl's version, read once: reading package.json on every push held the loop 5-9 ms at load 11. */
const pushToolVersion = (): string => {
  version ??= toolVersion()
  return version
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Integrity failures are 422 (well-formed, but not what it claims to be); the rest map as usual. */
function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const instance = request.url
  const body =
    error instanceof IntegrityError
      ? {
          ...problem('integrity', error.message, instance, error.issues),
          status: 422,
          title: 'Unprocessable content',
        }
      : problemFromError(error, instance)
  return reply.code(body.status).type(problemContentType).send(body)
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...push.pushEvidence,
    bodyLimit: (context) => Math.min(context.loaded.config.server.push.maxBytes, pushBodyCeiling),
    rateLimit: {
      max: (context) => context.loaded.config.server.push.perMinute,
      windowMs: 60_000,
      per: 'actor',
    },
    // Parsed, hashed and validated in a worker thread (push-thread.ts), never on the event loop.
    rawJsonBody: true,
    async handler({ actor, request, reply }, context: ServerContext) {
      // The records' way to the ledger writer thread, when runs are written by one: the push thread
      // sends them there, and they never pass through this thread. Dropped unless written.
      const held = runHolder(context.ledger)?.()
      let recorded = false
      try {
        const maxBytes = Math.min(context.loaded.config.server.push.maxBytes, pushBodyCeiling)
        const declared = Number(header(request, 'content-length'))
        // Refused before a byte is read; the client may still be sending, so the connection closes.
        if (declared > maxBytes) throw tooLarge(declared, maxBytes)
        const body = request.bodyStream
        if (body === undefined) throw new ValidationError('the push has no JSON body')
        const checked = await checkPushOffThread({
          body,
          maxBytes,
          contentDigest: header(request, 'content-digest'),
          idempotencyKey: header(request, 'idempotency-key'),
          actor: { kind: actor.kind, role: actor.role, name: actor.name },
          ...(held === undefined ? {} : { records: held.port }),
        })
        if (!checked.ok) throw failureError(checked)
        const { key } = checked
        // A token issued for some kinds (a cluster's collector: k8s.*) cannot store evidence of others.
        const refused = kindsOutside(checked.kinds, actor.kinds)
        if (refused.length > 0)
          throw new PermissionError(
            `this token may push only ${actor.kinds?.join(', ')}; the batch holds ${refused.join(', ')}: nothing was stored`,
            { hint: 'push these kinds with a token issued for them (trustctl tokens create --kinds …)' },
          )
        const records: PushRecords =
          checked.held && held !== undefined
            ? {
                stored: checked.stored,
                write: (run) => {
                  recorded = true
                  return held.record(run)
                },
              }
            : { stored: checked.stored, entries: checked.entries }
        const outcome = await storePush(
          {
            ledger: context.ledger,
            team: context.team,
            signer: context.signer,
            now: context.now,
            toolVersion: pushToolVersion(),
            lock: pushLockOf(context),
          },
          actor.name,
          records,
          key,
        )
        reply.code(outcome.duplicate ? 200 : 201)
        return outcome.duplicate
          ? { receipt: outcome.receipt, stored: 0, duplicate: true }
          : { receipt: outcome.receipt, stored: outcome.stored }
      } catch (error) {
        if (error instanceof PayloadTooLargeError) reply.header('connection', 'close')
        if (error instanceof TrustctlError) return sendProblem(request, reply, error)
        throw error
      } finally {
        if (!recorded) held?.discard()
      }
    },
  }),
  defineRoute({
    ...push.getSchedule,
    async handler(_input, context: ServerContext) {
      const schedule = scheduleOf(context)
      const next = schedule?.nextRunAt()
      const cron = schedule?.cron ?? context.loaded.config.server.schedule
      return {
        ...(cron === undefined ? {} : { cron }),
        ...(next === undefined ? {} : { nextRunAt: next.toISOString() }),
        mode: schedule?.mode ?? 'off',
        recent: context.jobs
          .jobs()
          .filter((job) => job.kind === 'assess')
          .slice(0, 20),
      }
    },
  }),
]

/** The push body's JSON Schema, for the README and clients that validate before sending. */
export const pushBodyJsonSchema = (): unknown => z.toJSONSchema(pushBatchSchema)
