import { z } from 'zod'
import { evidenceMetaSchema } from './assessment.js'
import { calendarDate, runQuery } from './common.js'
import { endpoint, file, json } from './endpoint.js'

const tag = 'Evidence'

/**
 * A content hash: exactly 64 lowercase hex digits. Anything else (`..%2F..%2Fetc%2Fpasswd`) is a 400
 * before a handler runs: a hash never becomes part of a path, and this keeps it so.
 */
export const contentHashParam = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 content hash (64 lowercase hex digits)'),
})

export const evidencePageSchema = z.object({
  items: z.array(evidenceMetaSchema),
  /** Cursor (a record sequence number) for the next page; absent on the last page. */
  next: z.string().optional(),
})
export type EvidencePage = z.output<typeof evidencePageSchema>

export const evidenceDetailSchema = z.object({
  evidence: evidenceMetaSchema,
  verified: z.boolean(),
  /** The recorded evidence, only when its bytes still match their hash. */
  content: z.unknown().optional(),
})
export type EvidenceDetail = z.output<typeof evidenceDetailSchema>

export const attestationSchema = z.object({
  attestation: z.object({
    control: z.string(),
    id: z.string(),
    title: z.string(),
    every: z.string(),
    lastDate: z.string(),
    by: z.string(),
    reference: z.string().optional(),
    recordedBy: z.string(),
  }),
  runId: z.number().int(),
  recordSeq: z.number().int(),
  recordHash: z.string(),
  hash: z.string(),
})
export type AttestationReceipt = z.output<typeof attestationSchema>

export const listEvidence = endpoint({
  method: 'GET',
  url: '/api/evidence',
  operationId: 'listEvidence',
  summary: 'Evidence a run recorded (filters: control → what its checks read, kind); keyset-paginated',
  tag,
  permission: 'assessment:read',
  query: runQuery.extend({
    control: z.string().min(1).max(200).optional(),
    kind: z.string().min(1).max(500).optional(),
    after: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  response: json(evidencePageSchema),
})

export const getEvidence = endpoint({
  method: 'GET',
  url: '/api/evidence/:hash',
  operationId: 'getEvidence',
  summary: 'Metadata of an evidence item, whether its content still matches its hash, and the content',
  tag,
  permission: 'assessment:read',
  params: contentHashParam,
  query: runQuery,
  response: json(evidenceDetailSchema),
})

export const downloadEvidence = endpoint({
  method: 'GET',
  url: '/api/evidence/:hash/content',
  operationId: 'downloadEvidence',
  summary: 'The stored bytes of an evidence item, re-hashed before they are sent (integrity headers)',
  tag,
  permission: 'assessment:read',
  params: contentHashParam,
  query: runQuery,
  response: file('application/json', 'the exact stored bytes (canonical JSON of the evidence)'),
})

export const createAttestation = endpoint({
  method: 'POST',
  url: '/api/attestations',
  operationId: 'createAttestation',
  summary: "Records a person's attestation of a control's manual evidence in the ledger",
  tag,
  permission: 'evidence:write',
  body: z.strictObject({
    control: z.string().min(1).max(200),
    evidence: z.string().min(1).max(200),
    date: calendarDate,
    by: z.string().trim().min(1).max(200),
    reference: z.string().trim().min(1).max(1000).optional(),
  }),
  response: json(attestationSchema),
})
