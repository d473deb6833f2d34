import { toolVersion } from '../../app/version.js'
import { StoreError, ValidationError } from '../../core/errors.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../../core/ledger.js'
import type { ServerContext } from '../context.js'
import * as evidence from '../contract/evidence.js'
import {
  chooseRun,
  commaList,
  controlEvidenceScope,
  controlOf,
  type EvidenceFilter,
  type EvidenceMeta,
  evidenceMeta,
  evidencePage,
  findEvidence,
} from '../read-model.js'
import { type Actor, defineRoute, type RouteDefinition } from '../route.js'

/** The bytes of a record's blob, re-hashed: content that no longer matches its record is never served. */
async function verifiedContent(context: ServerContext, actor: Actor, hash: string, run?: number) {
  const { record, blob } = await findEvidence(context, actor, hash, run)
  if (blob === undefined || sha256(blob) !== record.contentHash)
    throw new StoreError(
      `evidence ${hash} (ledger record ${record.seq}): the stored content does not match its hash; the store was altered`,
      { hint: 'run `trustctl verify` for the full picture' },
    )
  return { record, blob }
}

/**
 * The evidence filter of a request: a control narrows to what its checks read and its attestations;
 * `kind` (evidence kinds, or `attestation`) narrows further.
 */
export function evidenceFilter(
  scope: { kinds: ReadonlySet<string>; attestations: ReadonlySet<string> } | undefined,
  only: ReadonlySet<string> | undefined,
): Pick<EvidenceFilter, 'kinds' | 'attestations'> {
  if (scope === undefined) return only === undefined ? {} : { kinds: only }
  if (only === undefined) return { kinds: scope.kinds, attestations: scope.attestations }
  return {
    kinds: new Set([...scope.kinds].filter((k) => only.has(k))),
    attestations: only.has('attestation') ? scope.attestations : new Set(),
  }
}

/** RFC 9530 Content-Digest of bytes whose SHA-256 (hex) is known. */
export const contentDigest = (hex: string): string =>
  `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`

/** Records a manual attestation as its own signed run, as the CLI records the ones in trustctl.yaml. */
async function recordAttestation(
  context: ServerContext,
  entry: LedgerEntry,
): Promise<{ runId: number; seq: number; hash: string }> {
  const version = toolVersion()
  const runId = await context.ledger.beginRun({
    startedAt: entry.collectedAt,
    toolVersion: version,
    signer: context.signer,
  })
  const [record] = await context.ledger.append(runId, [entry])
  await context.ledger.finishRun(runId, context.now().toISOString(), context.signer)
  if (record === undefined) throw new StoreError('the attestation was not recorded')
  return { runId, seq: record.seq, hash: record.hash }
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...evidence.listEvidence,
    async handler({ query, actor }, context: ServerContext) {
      const run = await chooseRun(context, actor, query.run)
      const only = commaList(query.kind)
      const filter = evidenceFilter(
        query.control === undefined
          ? undefined
          : controlEvidenceScope(controlOf(run.model, query.control), context.library.checks),
        only === undefined ? undefined : new Set(only),
      )
      return evidencePage(context, run.id, {
        ...filter,
        ...(query.after === undefined ? {} : { after: query.after }),
        limit: query.limit,
      })
    },
  }),
  defineRoute({
    ...evidence.getEvidence,
    async handler({ params, query, actor }, context: ServerContext) {
      const { record, blob } = await findEvidence(context, actor, params.hash, query.run)
      const evidence: EvidenceMeta = evidenceMeta(record, blob)
      // Altered content is reported as such and never shown.
      if (!evidence.verified || blob === undefined) return { evidence, verified: false }
      return { evidence, verified: true, content: JSON.parse(Buffer.from(blob).toString('utf8')) as unknown }
    },
  }),
  defineRoute({
    ...evidence.downloadEvidence,
    async handler({ params, query, actor, reply, request }, context: ServerContext) {
      const { record, blob } = await verifiedContent(context, actor, params.hash, query.run)
      const etag = `"${record.contentHash}"`
      reply
        .header('ETag', etag)
        .header('Content-Digest', contentDigest(record.contentHash))
        .header('X-Trustctl-Record-Seq', String(record.seq))
        .header('X-Trustctl-Record-Hash', record.hash)
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply
        .type('application/json; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${record.contentHash}.json"`)
        .send(Buffer.from(blob))
    },
  }),
  defineRoute({
    ...evidence.createAttestation,
    async handler({ body, actor, reply }, context: ServerContext) {
      const control = context.library.catalog.controls.find((c) => c.id === body.control)
      if (control === undefined)
        throw new ValidationError(`no control '${body.control}' in the catalog`, [
          { path: 'body.control', message: 'unknown control' },
        ])
      const manual = control.manualEvidence.find((m) => m.id === body.evidence)
      if (manual === undefined)
        throw new ValidationError(
          `control ${control.id} asks for no manual evidence '${body.evidence}' (it asks for: ${control.manualEvidence.map((m) => m.id).join(', ') || 'none'})`,
          [{ path: 'body.evidence', message: 'not manual evidence of this control' }],
        )
      const at = context.now().toISOString()
      const content = {
        control: control.id,
        id: manual.id,
        title: manual.title,
        every: manual.every,
        lastDate: body.date,
        by: body.by,
        ...(body.reference === undefined ? {} : { reference: body.reference }),
        recordedBy: actor.name,
      }
      // The same record shape as the attestations an assessment keeps (core/ledger-entries.ts).
      const recorded = await recordAttestation(context, {
        kind: 'attestation',
        id: `${control.id}:${manual.id}`,
        source: body.by,
        collector: 'attestation',
        collectorVersion: toolVersion(),
        collectedAt: at,
        effectiveAt: body.date,
        content: canonicalBytes(content),
      })
      await context.recordChange(actor, {
        action: 'attestation.create',
        target: `${control.id}:${manual.id}`,
        after: { ...content, runId: recorded.runId, recordSeq: recorded.seq },
      })
      reply.code(201)
      return {
        attestation: content,
        runId: recorded.runId,
        recordSeq: recorded.seq,
        recordHash: recorded.hash,
        hash: sha256(canonicalBytes(content)),
      }
    },
  }),
]
