import { z } from 'zod'
import type { AssessmentModel } from '../core/assessment.js'
import { NotFoundError, StoreError } from '../core/errors.js'
import { type EvidenceItem, parseEvidence } from '../core/evidence.js'
import { findingsView } from '../core/findings-columns.js'
import { findingsOfPart } from '../core/findings-part.js'
import type { LedgerRecord } from '../core/ledger.js'
import { canonicalBytes, type LedgerEntry, type RecordKind, sha256 } from '../core/ledger.js'
import {
  assessmentBase,
  assessmentEntry,
  attestationEntries,
  evidenceEntry,
  type FindingsPart,
  type FindingsParts,
  findingsEntry,
  findingsPartOf,
  findingsPerRecord,
  modelOfRecord,
  runEvidenceEntry,
  runEvidenceId,
} from '../core/ledger-entries.js'
import type { SignedManifest, Signer } from '../core/ledger-manifest.js'
import {
  compareRunTable,
  LedgerVerifier,
  type VerifyOptions,
  type VerifyReport,
  withProblems,
} from '../core/ledger-verify.js'
import type { AssessmentStore, RunInfo, StoredRun } from '../core/store.js'

/**
 * The content hashes of the evidence the latest assessment run holds, recorded in it or listed by its
 * run-evidence set: content the store keeps a record and blob of, that a new run may list by hash.
 */
async function heldEvidence(store: AssessmentStore): Promise<Set<string>> {
  const last = (await assessmentRuns(store)).at(-1)
  if (last === undefined) return new Set()
  let list: LedgerRecord | undefined
  for await (const { record } of store.scan({ runId: last, kinds: ['evidence-set'], withBlobs: false }))
    if (record.id === runEvidenceId) list = record
  // A run's list names every item it read, those it recorded itself included: with one (every run
  // since runs list their evidence), its 10k evidence records on 10k objects need not be read.
  if (list !== undefined) return new Set(await evidenceList(store, list))
  const held = new Set<string>()
  for await (const { record } of store.scan({ runId: last, kinds: ['evidence'], withBlobs: false }))
    held.add(record.contentHash)
  return held
}

const hashPattern = /^[0-9a-f]{64}$/

/**
 * The hashes of a run-evidence set's content: `{ evidence: [SHA-256 hex, ...] }`, else undefined.
 * Checked in a loop, not with a schema: every run after the first reads the last run's list (10k
 * hashes on 10k objects), and the schema's per-element checks took about 10 ms of it.
 */
export function listedHashes(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const evidence = (value as { evidence?: unknown }).evidence
  if (!Array.isArray(evidence)) return undefined
  for (const hash of evidence) if (typeof hash !== 'string' || !hashPattern.test(hash)) return undefined
  return evidence as string[]
}

/** The hashes a run-evidence set lists, read and checked against the record's content hash. */
export async function evidenceList(store: AssessmentStore, record: LedgerRecord): Promise<string[]> {
  const listed = listedHashes(
    await readContent<unknown>(store, record.contentHash, `run ${record.runId}: the list of its evidence`),
  )
  if (listed === undefined)
    throw new StoreError(
      `run ${record.runId}: the list of its evidence (record ${record.seq}) is not one this trustctl reads`,
    )
  return listed
}

/** What an assessment's run records before its checks run: the evidence it read, and how to write it. */
export interface EvidenceRequest {
  evidence: readonly EvidenceItem[]
  inputs: readonly { file: string; collector: string }[]
  signer: Signer
  toolVersion: string
  /** When the model is generated: the run's start and every record's collection time. */
  generatedAt: string
  /**
   * Further records that follow the evidence (the parse results of inputs read for the first time).
   * Taken one at a time and appended in slices, so a lazy source (StoredParseCache.entries) never has
   * all of them built at once.
   */
  extraEntries?: Iterable<LedgerEntry>
  /** The SHA-256 of an item's canonical bytes, when the caller already hashed it (else hashed here). */
  evidenceHash?: (item: EvidenceItem) => string
  /** An item's canonical bytes when the caller still holds them from hashing it (else made here). */
  evidenceBytes?: (item: EvidenceItem) => Uint8Array | undefined
}

/** What the rest of an assessment's run records once its checks have run. */
export interface ResultsRequest {
  model: AssessmentModel
  /** Records that follow the evidence's (the check results evaluated in this run), as extraEntries. */
  extraEntries?: Iterable<LedgerEntry>
  /** Cache entries to remember once the run is committed (never before: a crash leaves none). */
  remember?: readonly { key: string; blobRef: string }[]
  /**
   * The findings' cache key (everything they were derived from, see CheckResultCache.findingsKey) and,
   * when a signed run already recorded findings under it, that run's parts: then the findings are
   * not serialised nor recorded again, the model lists those parts. Without parts, the findings are
   * recorded and their parts listed in an evidence-set record remembered under the key.
   */
  findings?: { key: string; parts?: FindingsParts }
}

/** Where an assessment came from, for the records that keep it. */
export interface RecordRequest
  extends Omit<EvidenceRequest, 'generatedAt' | 'extraEntries'>,
    Omit<ResultsRequest, 'extraEntries'> {
  /** Further records of the run after its evidence (parse results, check results), as extraEntries. */
  extraEntries?: Iterable<LedgerEntry>
}

/** The id of the evidence-set record that lists the findings parts recorded under a findings key. */
export const findingsPartsId = 'findings-parts'

/**
 * Evidence records are written in slices, so the canonical bytes of only one slice are held beside the
 * evidence itself (at 50k items a slice held as much as the evidence again on a large estate).
 */
const sliceSize = 5_000
/** Further records (parse results, one per file: each may be large) are appended every 8 MiB of content. */
const sliceBytes = 8 * 1024 * 1024

/**
 * Appends a run's records in batches of up to `sliceSize` records or `sliceBytes` of content: one
 * transaction (one commit, one sync of the file) a batch, instead of one for each group of records
 * (each evidence slice, the parse results, the attestations, each findings part, the findings list
 * and the model). The records are the same, chained in the same order: chainRecords hashes each after
 * the one before, whichever transaction writes it. What is held is one batch, bounded as the slices
 * were. A first run on a small repository made seven commits of its run and now makes three (start,
 * records, seal), each rewriting the 64 KiB pages the last one touched: half the write-ahead log.
 */
export class RunAppender {
  private entries: LedgerEntry[] = []
  /** The content hash the caller gave for each entry, when it gave one (undefined: hashed on write). */
  private hashes: (string | undefined)[] = []
  private bytes = 0

  constructor(
    private readonly store: Pick<AssessmentStore, 'append'>,
    private readonly runId: number,
  ) {}

  /** Adds records in order (with their content hashes when the caller has them); writes every full batch. */
  async add(entries: readonly LedgerEntry[], contentHashes?: readonly string[]): Promise<void> {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as LedgerEntry
      this.entries.push(entry)
      this.hashes.push(contentHashes?.[i])
      this.bytes += entry.content.byteLength
      if (this.entries.length >= sliceSize || this.bytes >= sliceBytes) await this.flush()
    }
  }

  /** Writes what is held, in one append. */
  async flush(): Promise<void> {
    if (this.entries.length === 0) return
    const { entries, hashes } = this
    this.entries = []
    this.hashes = []
    this.bytes = 0
    // A hash given for any entry: the others' are what chainRecords would compute for them.
    const given = hashes.some((h) => h !== undefined)
      ? hashes.map((h, i) => {
          const entry = entries[i] as LedgerEntry
          return h ?? entry.contentHash ?? sha256(entry.content)
        })
      : undefined
    await this.store.append(this.runId, entries, given)
  }
}

/** The record listing a run's findings parts under its findings key (recorded and repeated runs alike). */
function findingsListEntry(
  content: Uint8Array,
  model: Pick<AssessmentModel, 'asOf'>,
  context: { collectedAt: string; toolVersion: string },
): LedgerEntry {
  return {
    ...assessmentBase(context),
    kind: 'evidence-set',
    id: findingsPartsId,
    effectiveAt: model.asOf,
    content,
  }
}

/** Opens the run an assessment is recorded in, started when its model is generated. */
async function beginAssessmentRun(
  store: AssessmentStore,
  request: Pick<EvidenceRequest, 'generatedAt' | 'toolVersion' | 'signer'>,
): Promise<{ runId: number; context: { collectedAt: string; toolVersion: string } }> {
  const context = { collectedAt: request.generatedAt, toolVersion: request.toolVersion }
  const runId = await store.beginRun({
    startedAt: context.collectedAt,
    toolVersion: request.toolVersion,
    signer: request.signer,
  })
  return { runId, context }
}

/**
 * Keeps one assessment in the ledger: a run with its evidence, attestations, findings (in parts) and
 * model, closed by a signed manifest. A run interrupted part-way stays open and is reported incomplete.
 * Everything is appended a slice or a part at a time and dropped once written, so what the run holds
 * beyond the model and evidence it was given stays bounded however large the estate.
 */
export async function recordAssessment(
  store: AssessmentStore,
  request: RecordRequest,
): Promise<{ runId: number; manifest: SignedManifest }> {
  const { model, extraEntries, remember, findings, ...evidence } = request
  const recording = await beginAssessmentRecording(store, {
    ...evidence,
    generatedAt: model.generatedAt,
    ...(extraEntries === undefined ? {} : { extraEntries }),
  })
  return recording.finish({
    model,
    ...(remember === undefined ? {} : { remember }),
    ...(findings === undefined ? {} : { findings }),
  })
}

/**
 * Begins recording an assessment before its checks run: opens the run and appends its evidence (each
 * item once, or listed by hash when the last assessment holds it) and the extra records that follow
 * it. `flush()` writes what is still batched, so a caller that then lets its hashes, bytes and parse
 * results go holds none of them while the checks run; `finish` appends the rest once the model is
 * made. The records, their order and their content are those recordAssessment writes in one go.
 */
export async function beginAssessmentRecording(
  store: AssessmentStore,
  request: EvidenceRequest,
): Promise<AssessmentRecording> {
  const { runId, context } = await beginAssessmentRun(store, request)
  const collectorByFile = new Map(request.inputs.map((i) => [i.file, i.collector]))
  const collectorOf = (file: string): string => collectorByFile.get(file) ?? 'unknown'
  // Evidence the last assessment recorded (itself or by reference) is not recorded again: the run
  // lists it by content hash instead, so an unchanged re-run appends no evidence record at all.
  const held = await heldEvidence(store)
  const listed: string[] = []
  const seen = new Set<string>()
  const appender = new RunAppender(store, runId)
  for (let i = 0; i < request.evidence.length; i += sliceSize) {
    const entries: LedgerEntry[] = []
    const hashes: string[] = []
    for (const item of request.evidence.slice(i, i + sliceSize)) {
      const given = request.evidenceHash?.(item)
      const content =
        given === undefined || !held.has(given)
          ? (request.evidenceBytes?.(item) ?? canonicalBytes(item))
          : undefined
      const hash = given ?? sha256(content as Uint8Array)
      if (seen.has(hash)) continue
      seen.add(hash)
      listed.push(hash)
      if (held.has(hash)) continue
      entries.push(evidenceEntry(item, content ?? canonicalBytes(item), collectorOf(item.file), context))
      hashes.push(hash)
    }
    await appender.add(entries, hashes)
  }
  // Listed even when every item is recorded in the run itself: the list is one record its manifest
  // anchors, so the run that repeats this one reads it alone, not the run's 10k evidence records.
  if (listed.length > 0) await appender.add([runEvidenceEntry(listed, context)])
  for (const entry of request.extraEntries ?? []) await appender.add([entry])
  return new AssessmentRecording(store, runId, context, appender, request.signer)
}

/** An assessment's run with its evidence appended (beginAssessmentRecording), finished once. */
export class AssessmentRecording {
  private finished = false

  constructor(
    private readonly store: AssessmentStore,
    readonly runId: number,
    private readonly context: { collectedAt: string; toolVersion: string },
    private readonly appender: RunAppender,
    private readonly signer: Signer,
  ) {}

  /** Writes the records still batched (the caller is about to run the checks and wants nothing held). */
  flush(): Promise<void> {
    return this.appender.flush()
  }

  /**
   * Appends the further records, the attestations, the findings (in parts) and the model after the
   * evidence, and closes the run with a signed manifest. A second call is a defect: the run is sealed.
   */
  async finish(request: ResultsRequest): Promise<{ runId: number; manifest: SignedManifest }> {
    if (this.finished) throw new StoreError(`run ${this.runId} is already recorded`)
    this.finished = true
    const { model } = request
    const { context, appender, runId, store } = this
    // Every record of the run says when it was collected: the model must say the same.
    if (model.generatedAt !== context.collectedAt)
      throw new StoreError(
        `run ${runId} began at ${context.collectedAt}, but its model was generated at ${model.generatedAt}`,
      )
    for (const entry of request.extraEntries ?? []) await appender.add([entry])
    await appender.add(attestationEntries(model, context))
    const reused = request.findings?.parts
    let findingsList: FindingsParts
    const remember = [...(request.remember ?? [])]
    // Read a part at a time: a model whose findings are still columns never has them all as objects.
    const findings = findingsView(model)
    if (reused !== undefined && reused.count === findings.length) findingsList = reused
    else {
      const parts: FindingsPart[] = []
      for (let i = 0; i * findingsPerRecord < findings.length; i++) {
        const entry = findingsEntry(findings, i, model, context)
        await appender.add([entry])
        parts.push(
          findingsPartOf(entry, Math.min(findingsPerRecord, findings.length - i * findingsPerRecord)),
        )
      }
      findingsList = { count: findings.length, parts }
    }
    if (request.findings !== undefined) {
      // Recorded by every run with a key, reused or not: the next run finds the key in the latest run.
      const entry = findingsListEntry(
        canonicalBytes({ key: request.findings.key, ...findingsList }),
        model,
        context,
      )
      await appender.add([entry])
      remember.push({ key: `findings:${request.findings.key}`, blobRef: `sha256:${sha256(entry.content)}` })
    }
    await appender.add([assessmentEntry(model, findingsList, context)])
    await appender.flush()
    const manifest = await store.finishRun(runId, new Date().toISOString(), this.signer)
    if (remember.length > 0) await store.remember(remember)
    return { runId, manifest }
  }
}

/** A run that repeats an earlier assessment whose inputs were all unchanged (see app/whole-run.ts). */
export interface RepeatRequest {
  /** The model as generated now; its findings are not read (they are the earlier run's parts). */
  model: AssessmentModel
  /** The assessment record's content: the model with its findings parts listed, canonical bytes. */
  modelContent: Uint8Array
  /**
   * The earlier run's evidence, by content hash, in collection order: all held by the store. Either
   * the hashes or the content of the earlier run's list, already as JSON.stringify writes the hashes.
   */
  evidence: readonly string[] | Uint8Array
  /** The earlier run's findings-parts record content (findings cache key and parts), recorded again. */
  findingsList?: Uint8Array
  signer: Signer
  toolVersion: string
  extraEntries?: readonly LedgerEntry[]
}

/**
 * Keeps a repeated assessment: a run that lists the evidence it read by hash (none of it new), the
 * attestations and model as generated now, and the earlier run's findings parts, closed by a signed
 * manifest. History, population and verify read it like any re-run that recorded nothing new.
 */
export async function recordRepeatedAssessment(
  store: AssessmentStore,
  request: RepeatRequest,
): Promise<{ runId: number; manifest: SignedManifest }> {
  const { model } = request
  const context = { collectedAt: model.generatedAt, toolVersion: request.toolVersion }
  const entries: LedgerEntry[] = [
    runEvidenceEntry(request.evidence, context),
    ...(request.extraEntries ?? []),
    ...attestationEntries(model, context),
  ]
  const remember: { key: string; blobRef: string }[] = []
  if (request.findingsList !== undefined) {
    const content = request.findingsList
    entries.push(findingsListEntry(content, model, context))
    const key = (JSON.parse(Buffer.from(content).toString('utf8')) as { key?: unknown }).key
    if (typeof key === 'string')
      remember.push({ key: `findings:${key}`, blobRef: `sha256:${sha256(content)}` })
  }
  // The fields assessmentEntry gives the record; its content is already made (not serialised again).
  entries.push({
    kind: 'assessment',
    id: 'assessment',
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
    effectiveAt: model.asOf,
    content: request.modelContent,
  })
  const start = { startedAt: context.collectedAt, toolVersion: request.toolVersion, signer: request.signer }
  const finishedAt = (): string => new Date().toISOString()
  // A repeated run is a handful of records: written whole in one transaction where the store can
  // (recordRun), its cache entry with it, one commit (one sync to disk) instead of four; the same
  // records either way.
  if (store.recordRun !== undefined) return store.recordRun({ ...start, entries, finishedAt, remember })
  const runId = await store.beginRun(start)
  await store.append(runId, entries)
  const recorded = { runId, manifest: await store.finishRun(runId, finishedAt(), request.signer) }
  if (remember.length > 0) await store.remember(remember)
  return recorded
}

/**
 * Records one piece of content as a run of its own, closed by a signed manifest: a population, a
 * sample, a change made through the server. Once signed it can never be quietly redone.
 */
export async function recordSingleEntryRun(
  store: AssessmentStore,
  entry: { kind: RecordKind; id: string; source: string; content: unknown; at: string },
  signer: Signer,
  toolVersion: string,
): Promise<{ runId: number; manifest: SignedManifest }> {
  const runId = await store.beginRun({ startedAt: entry.at, toolVersion, signer })
  const record: LedgerEntry = {
    kind: entry.kind,
    id: entry.id,
    source: entry.source,
    collector: 'trustctl',
    collectorVersion: toolVersion,
    collectedAt: entry.at,
    effectiveAt: entry.at,
    content: canonicalBytes(entry.content),
  }
  try {
    await store.append(runId, [record])
  } catch (error) {
    throw new StoreError(`cannot record the ${entry.kind}: ${(error as Error).message}`, { cause: error })
  }
  return { runId, manifest: await store.finishRun(runId, entry.at, signer) }
}

/** Reads a blob and proves it is the content the record names, or says the store was altered. */
async function readContent<T>(store: AssessmentStore, contentHash: string, what: string): Promise<T> {
  return JSON.parse(Buffer.from(await readBlob(store, contentHash, what)).toString('utf8')) as T
}

/** A blob, proved to be the content the record names (see readContent). */
async function readBlob(store: AssessmentStore, contentHash: string, what: string): Promise<Uint8Array> {
  const blob = await store.blob(`sha256:${contentHash}`)
  if (blob === undefined)
    throw new StoreError(`${what}: its blob sha256:${contentHash} is missing from the store`)
  if (sha256(blob) !== contentHash)
    throw new StoreError(`${what}: stored content does not match its hash; the store was altered`, {
      hint: 'run `trustctl verify` for the full picture',
    })
  return blob
}

export const findingsPartsSchema = z.object({
  count: z.number().int().nonnegative(),
  parts: z.array(
    z.object({ id: z.string(), contentHash: z.string().regex(/^[0-9a-f]{64}$/), count: z.number().int() }),
  ),
})

/**
 * The model an assessment record holds. Models recorded since findings were kept in parts list them
 * (`findingsParts`); each part is read by the hash the model names, so the findings are exactly the
 * ones the signed model was recorded with. Older models hold their findings inline. Its generatedAt
 * is the record's collectedAt, unless the model was recorded with its own (modelOfRecord).
 */
async function readModel(
  store: AssessmentStore,
  record: Pick<LedgerRecord, 'contentHash' | 'collectedAt'>,
  what: string,
): Promise<AssessmentModel> {
  const stored = modelOfRecord(
    record,
    await readContent<Omit<AssessmentModel, 'generatedAt'> & { findingsParts?: unknown }>(
      store,
      record.contentHash,
      what,
    ),
  )
  if (stored.findingsParts === undefined) return stored
  const listed = findingsPartsSchema.safeParse(stored.findingsParts)
  if (!listed.success)
    throw new StoreError(`${what}: the assessment's list of findings records is not one this trustctl reads`)
  const { findingsParts: _parts, ...model } = stored
  return { ...model, findings: await readFindings(store, listed.data, what) }
}

/** The findings of a model, read part by part; a part missing, altered or of the wrong size is an error. */
async function readFindings(
  store: AssessmentStore,
  listed: FindingsParts,
  what: string,
): Promise<AssessmentModel['findings']> {
  const findings: AssessmentModel['findings'] = []
  for (const part of listed.parts) {
    const slice = findingsOfPart(
      await readContent<unknown>(store, part.contentHash, `${what}: findings record ${part.id}`),
    )
    if (!Array.isArray(slice) || slice.length !== part.count)
      throw new StoreError(
        `${what}: findings record ${part.id} holds ${Array.isArray(slice) ? slice.length : 'no list of'} findings, the assessment lists ${part.count}`,
      )
    for (const finding of slice) findings.push(finding)
  }
  if (findings.length !== listed.count)
    throw new StoreError(
      `${what}: the findings records hold ${findings.length} findings, the assessment lists ${listed.count}`,
    )
  return findings
}

/** The assessment a complete run recorded, with the number of evidence records it holds. */
export async function storedRun(store: AssessmentStore, run: RunInfo): Promise<StoredRun> {
  let assessment: LedgerRecord | undefined
  let evidenceCount = 0
  let list: LedgerRecord | undefined
  for await (const { record } of store.scan({
    runId: run.id,
    kinds: ['assessment', 'evidence', 'evidence-set'],
    withBlobs: false,
  })) {
    if (record.kind === 'assessment') assessment = record
    else if (record.kind === 'evidence') evidenceCount += 1
    else if (record.id === runEvidenceId) list = record
  }
  // A run that lists its evidence read all of it, recorded in it or before.
  if (list !== undefined) evidenceCount = (await evidenceList(store, list)).length
  if (assessment === undefined)
    throw new NotFoundError(`run ${run.id} recorded no assessment`, {
      hint: 'it holds a push, a change, a population or a sample; trustctl history lists the assessments',
    })
  const model = await readModel(store, assessment, `run ${run.id}`)
  // modelHash names the model's content, which unchanged runs share: a run is named by its id.
  const modelHash = assessment.contentHash
  return { id: run.id, generatedAt: model.generatedAt, asOf: model.asOf, modelHash, evidenceCount, model }
}

/**
 * Ids of the complete runs that recorded an assessment, oldest first. Other runs (a population, a
 * sample, a change made through the server, a push) hold no model. One query where the store can
 * answer it; otherwise one scan of the assessment records.
 */
export async function assessmentRuns(store: AssessmentStore): Promise<number[]> {
  if (store.completeRunKinds !== undefined) {
    const kinds = await store.completeRunKinds()
    return [...kinds].filter(([, k]) => k.includes('assessment')).map(([id]) => id)
  }
  const complete = new Set((await store.runs()).filter((r) => r.status === 'complete').map((r) => r.id))
  const found = new Set<number>()
  for await (const { record } of store.scan({ kinds: ['assessment'] }))
    if (complete.has(record.runId)) found.add(record.runId)
  return [...found].sort((a, b) => a - b)
}

/** The most recent complete run that recorded an assessment, or undefined when nothing has been assessed yet. */
export async function latestRun(store: AssessmentStore): Promise<StoredRun | undefined> {
  const id = (await assessmentRuns(store)).at(-1)
  if (id === undefined) return undefined
  const run = (await store.runs()).find((r) => r.id === id)
  return run === undefined ? undefined : storedRun(store, run)
}

/** A complete run by id, or a NotFoundError naming the runs there are. */
export async function runById(store: AssessmentStore, id: number): Promise<StoredRun> {
  const runs = await store.runs()
  const run = runs.find((r) => r.id === id)
  if (run === undefined || run.status !== 'complete') {
    const complete = runs.filter((r) => r.status === 'complete').map((r) => r.id)
    throw new NotFoundError(
      run === undefined ? `no run ${id} in the store` : `run ${id} is ${run.status}: it has no signed result`,
      { hint: `complete runs: ${complete.join(', ') || 'none'} (trustctl history lists them)` },
    )
  }
  return storedRun(store, run)
}

/**
 * Evidence a run read, by content hash: its own evidence records, or, when it lists its evidence (a
 * re-run that recorded only what changed), every item the list names, in order, read from the blobs
 * of the earlier records that hold it and checked against its hash.
 */
export async function runEvidence(
  store: AssessmentStore,
  runId: number,
): Promise<{ hash: string; item: EvidenceItem }[]> {
  const out: { hash: string; item: EvidenceItem }[] = []
  let list: LedgerRecord | undefined
  for await (const { record, blob } of store.scan({ runId, kinds: ['evidence', 'evidence-set'] })) {
    if (record.kind === 'evidence-set') {
      if (record.id === runEvidenceId) list = record
      continue
    }
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(
        `run ${runId}: evidence record ${record.seq} does not match its blob; the store was altered`,
      )
    out.push({
      hash: record.contentHash,
      item: evidenceOf(blob, `run ${runId}: evidence record ${record.seq}`),
    })
  }
  if (list === undefined) return out
  const own = new Map(out.map((e) => [e.hash, e.item]))
  const listed: { hash: string; item: EvidenceItem }[] = []
  for (const hash of await evidenceList(store, list)) {
    const item =
      own.get(hash) ??
      evidenceOf(
        await readBlob(store, hash, `run ${runId}: evidence ${hash}`),
        `run ${runId}: evidence ${hash}`,
      )
    listed.push({ hash, item })
  }
  return listed
}

/**
 * Parsed with the evidence registry: what comes back from a store is trusted only once it is evidence
 * of a known kind again (a hand-written row or an older layout is refused by name).
 */
function evidenceOf(blob: Uint8Array, where: string): EvidenceItem {
  try {
    return parseEvidence(JSON.parse(Buffer.from(blob).toString('utf8')), where)
  } catch (error) {
    throw new StoreError(
      `${where} is not evidence this trustctl reads: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
}

/** Re-hashes every record and blob of the store, walks the chain and checks every signature. */
export async function verifyStore(
  store: AssessmentStore,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  // The run table is unprotected: the runs it calls finished must end in signed manifests, and any
  // disagreement with the runs the records tell (a hidden or backdated run) is a problem.
  const table = await store.runTable()
  const completeRuns = table.filter((r) => r.status === 'complete').map((r) => r.id)
  const verifier = new LedgerVerifier({ completeRuns, ...options })
  for await (const { record, blob } of store.scan()) verifier.add(record, blob)
  const report = verifier.finish()
  return withProblems(report, compareRunTable(table, report.runs))
}
