import { webcrypto } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { checkCodeHash } from '../../checks/load-checks.js'
import { classifyFile, fileSourceTypes, listFiles } from '../collectors/files/collect-files.js'
import type { FileCollection, ParseCache, ParsedInput } from '../collectors/source-collector.js'
import { collectNamedSources, type SourceEntry } from '../collectors/source-registry.js'
import type { AssessmentModel } from '../core/assessment.js'
import { canonicalBytesOf } from '../core/canonical-json.js'
import type { Check } from '../core/check.js'
import type { Config } from '../core/config.js'
import { StoreError } from '../core/errors.js'
import type { CollectionError, EvidenceItem } from '../core/evidence.js'
import { clampIndex, type FindingsView, lazyFindings } from '../core/findings-columns.js'
import { findingsOfPart } from '../core/findings-part.js'
import { canonicalBytes, type LedgerEntry, type LedgerRecord, sha256 } from '../core/ledger.js'
import { assessmentBase, type FindingsParts, modelOfRecord, runEvidenceId } from '../core/ledger-entries.js'
import type { AssessmentStore } from '../core/store.js'
import {
  assessmentRuns,
  evidenceList,
  findingsPartsId,
  findingsPartsSchema,
} from '../store/ledger-operations.js'
import { parserFingerprint, type SealedRuns } from './parse-cache.js'

/**
 * Whole-run reuse: when nothing a run reads has changed since the latest signed run (the same files
 * with the same bytes, the same trustctl.yaml, checks, engine, catalog and the same evidence the store
 * itself contributes), that run's evidence, findings and model are the ones this run would compute:
 * parsing, the parse cache's read-back, hashing every item and evaluating are skipped, and a new
 * signed run points at what the earlier one recorded.
 *
 * The key composes what the parse cache and the check-result cache are keyed by, so whole-run reuse
 * happens only where those would reuse every parse and every check result anyway, and then what
 * assess() derives from them (the catalog, the shipped and configured third parties, the config).
 * It is only computed for runs whose every source reads repository YAML through the parse cache
 * (Kubernetes, GitHub Actions and GitLab CI files): their evidence is a function of path and bytes
 * alone. Terraform, JSON (scanner reports stamp the run's clock), Dockerfiles (a COPY reads files
 * outside the walk) and every API or history source leave the run on the evaluating path.
 */

/** The id of the evidence-set record that holds a run's whole-run key. */
export const wholeRunId = 'whole-run'

/** The readers whose evidence depends on nothing but a file's path and bytes. */
const pathAndBytesReaders: ReadonlySet<string> = new Set(['kubernetes', 'github-actions', 'gitlab-ci'])

/** Source types the file walker reads; of those, only ones that cannot reach a Dockerfile are eligible. */
const walkedTypes: ReadonlySet<string> = new Set(fileSourceTypes.filter((t) => t !== 'dockerfile'))

/**
 * A parse cache that parses nothing and reads nothing back: every input gets an empty result, and
 * its key (collector, sha256, path) is noted. The walk around it is the real one, so the files it
 * lists, skips (chart folders, excludes, claimed paths) and hashes are exactly those a run reads.
 */
class ProbeCache implements ParseCache {
  readonly keys = new Set<string>()
  get(key: string): Promise<ParsedInput> {
    this.keys.add(key)
    return Promise.resolve({ isManifest: true, evidence: [], errors: [] })
  }
  set(): void {}
}

/**
 * The files the configured sources read, by path and content hash, and the walk's own errors (links it
 * could not follow, charts it skips); undefined when a source is not one whole-run reuse covers.
 */
export async function probeInputs(
  sources: readonly SourceEntry[],
  root: string,
): Promise<Pick<FileCollection, 'inputs' | 'errors'> | undefined> {
  if (!mayRepeatWhole(sources)) return undefined
  // An `auto` walk may meet Terraform, JSON or a Dockerfile, read outside the parse cache: such a
  // repository is not eligible, decided by the listing alone before anything is read.
  for (const source of sources) {
    if (source.type !== 'auto' || source.path === undefined) continue
    const listing = await listFiles(root, source.path, source.exclude ?? [], {
      allowOutside: source.allowOutside === true,
    }).catch(() => undefined)
    if (listing === undefined) return undefined
    for (const file of listing.files) {
      const reader = classifyFile(file, 'auto')
      if (reader !== undefined && !pathAndBytesReaders.has(reader)) return undefined
    }
  }
  const probe = new ProbeCache()
  const collection = await collectNamedSources(sources, {
    root,
    now: new Date(0),
    env: {},
    parseCache: probe,
  })
  // Every input must have come through the cache, or its evidence was not a function of its key.
  if (collection.inputs.length !== probe.keys.size) return undefined
  for (const input of collection.inputs) {
    if (!pathAndBytesReaders.has(input.collector)) return undefined
    if (!probe.keys.has(`${input.collector}:${input.sha256}:${input.file}`)) return undefined
  }
  return { inputs: collection.inputs, errors: collection.errors }
}

/** Everything a whole run's evidence, findings and model are a function of (see the module comment). */
export interface WholeRunParts {
  toolVersion: string
  toolInformationUri: string | undefined
  engine: string | undefined
  config: Config
  checks: readonly Check[]
  /** The hash of every file the shipped catalog is loaded from (controls, providers, crosswalks…). */
  catalog: string | undefined
  /** Provider and crosswalk files trustctl.yaml adds, by path, with the hash of their bytes. */
  configuredFiles: readonly [string, string | null][]
  probe: Pick<FileCollection, 'inputs' | 'errors'>
  /** Evidence the store contributes (access-review campaigns, policy acceptances). */
  storeEvidence: readonly EvidenceItem[]
}

/** The whole-run key, or undefined when a part is unknown (a check's code, the engine's code). */
export function wholeRunKey(parts: WholeRunParts): string | undefined {
  if (parts.engine === undefined || parts.catalog === undefined) return undefined
  const checks: [string, string][] = []
  for (const check of parts.checks) {
    const code = checkCodeHash(check)
    if (code === undefined) return undefined
    checks.push([check.id, code])
  }
  // The pinned key only says whose runs are trusted (SealedRuns checks that); the first run pins it,
  // and the run after it must still find that run's key the same.
  const { ledger: _ledger, ...config } = parts.config
  const { probe } = parts
  return sha256(
    JSON.stringify([
      'whole-run',
      1,
      parts.toolVersion,
      parts.toolInformationUri ?? null,
      parts.engine,
      canonicalBytesOf(config).toString('utf8'),
      checks,
      parts.catalog,
      parts.configuredFiles,
      [...new Set(probe.inputs.map((i) => i.collector))].sort().map((c) => [c, parserFingerprint(c)]),
      probe.inputs.map((i) => [i.collector, i.file, i.sha256, i.bytes]),
      canonicalBytesOf(probe.errors satisfies CollectionError[]).toString('utf8'),
      parts.storeEvidence.map((item) => sha256(canonicalBytes(item))),
    ]),
  )
}

/**
 * The hash of every file under the shipped catalog folder, by name: the controls, criteria, provider
 * profiles, policies and crosswalks the model is derived with. Hashing the files costs a few
 * milliseconds where hashing the loaded catalog canonically cost a hundred. Undefined when unreadable.
 *
 * Listed and read synchronously: a run that repeats an earlier one reads the catalog only here, and
 * ~145 small files as promises (an open, a stat, a read and a close each through the thread pool)
 * cost about twice the CPU of reading them one after another, as the catalog loader does.
 */
export function catalogFilesHash(root: string): string | undefined {
  try {
    const names = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort()
    return sha256(names.map((name) => `${name}\0${sha256(readFileSync(path.join(root, name)))}`).join('\n'))
  } catch {
    return undefined
  }
}

/** The hash of each file trustctl.yaml names, by path; null for one that cannot be read (its loader says why). */
export async function configuredFileHashes(
  root: string,
  files: readonly string[],
): Promise<[string, string | null][]> {
  return Promise.all(
    files.map(
      async (file): Promise<[string, string | null]> => [
        file,
        await readFile(path.resolve(root, file)).then(sha256, () => null),
      ],
    ),
  )
}

/**
 * The record that keeps a run's whole-run key, for the next run to compare with, and how many checks
 * it judged (a run that repeats it reports that many reused).
 */
export function wholeRunEntry(
  key: string,
  checks: number,
  context: { toolVersion: string; collectedAt: string },
): LedgerEntry {
  return {
    ...assessmentBase(context),
    kind: 'evidence-set',
    id: wholeRunId,
    effectiveAt: context.collectedAt,
    content: canonicalBytes({ key, checks }),
  }
}

/** What a new run repeats of an earlier one whose whole-run key matched. */
export interface ReusableRun {
  runId: number
  /** How many checks the run judged (evaluated or read back): all read back by a run repeating it. */
  checks: number
  /**
   * The stored model without its findings (they stay in their parts, read only when asked for), with
   * its generatedAt (modelOfRecord: the record's collectedAt when the content holds none).
   */
  model: Omit<AssessmentModel, 'findings'>
  /**
   * The stored model as its record holds it (findings parts listed, and since the time is the
   * record's, no generatedAt), keys in canonical order.
   */
  content: Record<string, unknown>
  /** The stored model's bytes (proved to hash to its record), which `content` was parsed from. */
  modelBytes: Uint8Array
  findingsParts: FindingsParts
  /** The findings parts' bytes, each already proved to hash to the part's content hash. */
  findingsBytes: readonly Uint8Array[]
  /** The content of the run's findings-parts record (the findings cache key and parts), when it has one. */
  findingsList: Uint8Array | undefined
  /**
   * The run's evidence, in collection order: the content of its evidence-list record (proved, and in
   * the one layout a repeated run writes, so recorded again as it is), or its content hashes.
   */
  evidence: readonly string[] | Uint8Array
}

/**
 * The latest assessment run, when it is sealed by a trusted key: its id and the records a repeat may
 * read, each proved to be what the run's manifest signed.
 */
export interface SealedLatestRun {
  runId: number
  /**
   * The records its manifest anchors (proved one by one), or, for a manifest without anchors, all
   * the run's records before the manifest (proved by the seal).
   */
  records: readonly LedgerRecord[]
}

/**
 * Whether whole-run reuse may apply to these sources at all, from their types alone (probeInputs
 * decides for good): a run that cannot repeat a run does not look for one.
 */
export function mayRepeatWhole(sources: readonly SourceEntry[]): boolean {
  return sources.length > 0 && sources.every((s) => walkedTypes.has(s.type))
}

/**
 * The latest assessment run with the records a repeat reads, when a trusted key sealed it
 * (SealedRuns); else undefined. A manifest that anchors them (RunManifest.anchors) is enough: the
 * manifest and those few records are read and proved alone. Otherwise (an older ledger, a record or
 * manifest that does not match) the whole run is sealed as before: its records (some 11k after a
 * first run on 10k objects) read and hashed on the main thread while the probe waits for its file
 * reads; SealedRuns keeps that seal, so a run that evaluates after all asks again at no cost.
 */
export async function latestSealedRun(
  store: AssessmentStore,
  trust: SealedRuns,
): Promise<SealedLatestRun | undefined> {
  const runId = (await assessmentRuns(store)).at(-1)
  if (runId === undefined) return undefined
  // First the records its manifest anchors, read alone (a handful, not the run's 11k): enough when
  // they hold what a repeat reads (repeatAnchored). Else, or when anything does not match, the seal.
  const anchored = await trust.anchoredRecords(runId)
  if (anchored !== undefined && repeatAnchored(anchored)) return { runId, records: anchored }
  // Only a run sealed by a trusted key, and only its records before the manifest that signed them.
  const records = await trust.sealedRecords(runId)
  return records === undefined ? undefined : { runId, records }
}

/**
 * Whether a run's anchored records hold all a repeat reads besides blobs: the whole-run key, the
 * model and the list of the run's evidence (without the list, its evidence is its evidence records,
 * which only the whole run's seal vouches for). The findings-parts record is read when there is one.
 */
export function repeatAnchored(records: readonly LedgerRecord[]): boolean {
  const has = (kind: LedgerRecord['kind'], id: string): boolean =>
    records.some((r) => r.kind === kind && r.id === id)
  return (
    has('evidence-set', wholeRunId) && has('assessment', 'assessment') && has('evidence-set', runEvidenceId)
  )
}

/**
 * The latest assessment run when it recorded this whole-run key and everything reused from it is
 * vouched for: the run sealed by a trusted key with the records before its manifest (latestSealedRun),
 * and every blob read still hashing to its record. Anything else (another key, no key, a record or
 * blob altered, a layout this trustctl does not read) is undefined, and the run evaluates as usual.
 *
 * Every findings part is still read and proved against the hash its signed model lists before the run
 * is repeated: a repeated run must never point at findings that are not the ones its verdict came
 * from. The hashing (some 30 MB on 10k objects) runs in the thread pool (PoolProofs) while the main
 * thread parses the model and reads the other blobs; nothing is handed on until every proof is in, and
 * a blob read that does not prove (even one read ahead that the model turns out not to list) means
 * the run is not repeated.
 */
export async function reusableRun(
  store: AssessmentStore,
  latest: SealedLatestRun | undefined,
  key: string,
): Promise<ReusableRun | undefined> {
  if (latest === undefined) return undefined
  const { runId, records } = latest
  const found = new Map<string, LedgerRecord>()
  const evidence: string[] = []
  for (const record of records) {
    if (record.kind === 'evidence') evidence.push(record.contentHash)
    else if (record.kind === 'assessment') found.set('assessment', record)
    else if (
      record.kind === 'evidence-set' &&
      [wholeRunId, findingsPartsId, runEvidenceId].includes(record.id)
    )
      found.set(record.id, record)
  }
  const whole = found.get(wholeRunId)
  const assessment = found.get('assessment')
  if (whole === undefined || assessment === undefined) return undefined
  const stored = jsonOf(await verifiedBlob(store, whole)) as { key?: unknown; checks?: unknown } | undefined
  if (stored?.key !== key || typeof stored.checks !== 'number') return undefined
  // The key matched. The findings parts are read and their proofs queued first, by the hashes the
  // run's signed findings list names (it lists the parts its model does): the thread pool hashes their
  // some 30 MB while the main thread parses the model, instead of after it. What is handed on is still
  // only what the model lists: a part it names that the list did not is read and proved then.
  const proofs = new PoolProofs()
  const listRecord = found.get(findingsPartsId)
  const findingsList = listRecord === undefined ? undefined : await verifiedBlob(store, listRecord)
  if (listRecord !== undefined && findingsList === undefined) return undefined
  const partBytes = new Map<string, Uint8Array>()
  const readPart = async (contentHash: string): Promise<Uint8Array | undefined> => {
    const known = partBytes.get(contentHash)
    if (known !== undefined) return known
    const bytes = await store.blob(`sha256:${contentHash}`)
    if (bytes === undefined) return undefined
    partBytes.set(contentHash, bytes)
    proofs.add(bytes, contentHash)
    return bytes
  }
  // Read ahead only: a part missing here is missed again below if the model lists it.
  for (const part of listedParts(findingsList)) await readPart(part.contentHash)
  const modelBytes = await store.blob(assessment.blobRef)
  if (modelBytes === undefined) return undefined
  proofs.add(modelBytes, assessment.contentHash)
  const model = jsonOf(modelBytes) as
    | (Omit<AssessmentModel, 'findings' | 'generatedAt'> & { findingsParts?: unknown })
    | undefined
  const parts = findingsPartsSchema.safeParse(model?.findingsParts)
  if (model === undefined || !parts.success) return undefined
  const findingsBytes: Uint8Array[] = []
  for (const part of parts.data.parts) {
    const bytes = await readPart(part.contentHash)
    if (bytes === undefined) return undefined
    findingsBytes.push(bytes)
  }
  const list = found.get(runEvidenceId)
  let listed: readonly string[] | Uint8Array = evidence
  if (list !== undefined) {
    // The list's bytes are recorded again as they are when they are exactly what JSON.stringify
    // writes for a list of hashes (what evidenceList would read and recordRepeatedAssessment write
    // back): 10k hashes are neither validated one by one nor serialised again. Proved with the rest.
    const bytes = await store.blob(list.blobRef)
    if (bytes === undefined) return undefined
    if (isHashList(bytes)) {
      proofs.add(bytes, list.contentHash)
      listed = bytes
    } else {
      try {
        listed = await evidenceList(store, list)
      } catch {
        return undefined
      }
    }
  }
  // Nothing read is handed on before the model and every findings part proved to be what was signed.
  if (!(await proofs.all())) return undefined
  const { findingsParts: _parts, ...rest } = model
  return {
    runId,
    checks: stored.checks,
    model: modelOfRecord(assessment, rest),
    content: model,
    modelBytes,
    findingsParts: parts.data,
    findingsBytes,
    findingsList,
    evidence: listed,
  }
}

const hashListHead = Buffer.from('{"evidence":[')
const hashListTail = Buffer.from(']}')
/** Lowercase hex digits by byte value. */
const hexDigit = new Uint8Array(256)
for (const c of Buffer.from('0123456789abcdef')) hexDigit[c] = 1
const quote = 0x22
const comma = 0x2c

/**
 * Whether bytes are `{"evidence":[...]}` listing SHA-256 hex hashes, as JSON.stringify writes it:
 * `"` 64 lowercase hex digits `"`, separated by commas. Checked byte by byte, not by a regular
 * expression over the bytes as text: the first re-run after a run that evaluated reads its list of
 * 10k hashes (650 kB), which the expression and the text took some 30 ms of CPU to check.
 */
export function isHashList(bytes: Uint8Array): boolean {
  const head = hashListHead.length
  const end = bytes.length - hashListTail.length
  if (end < head) return false
  for (let i = 0; i < head; i++) if (bytes[i] !== hashListHead[i]) return false
  for (let i = 0; i < hashListTail.length; i++) if (bytes[end + i] !== hashListTail[i]) return false
  // Each hash is 66 bytes, and each after the first has a comma before it: 67 bytes a hash after that.
  const listed = end - head
  if (listed === 0) return true
  if ((listed + 1) % 67 !== 0) return false
  for (let at = head; at < end; at += 67) {
    if (bytes[at] !== quote || bytes[at + 65] !== quote) return false
    if (at + 66 < end && bytes[at + 66] !== comma) return false
    for (let i = at + 1; i <= at + 64; i++) if (hexDigit[bytes[i] as number] !== 1) return false
  }
  return true
}

/**
 * The parts a findings list (the content of a findings-parts record, proved) names, or none when it
 * is not one this trustctl reads: the parts are then read as the model lists them, no sooner.
 */
function listedParts(list: Uint8Array | undefined): FindingsParts['parts'] {
  const parsed = findingsPartsSchema.safeParse(jsonOf(list))
  return parsed.success ? parsed.data.parts : []
}

/** A record's blob when it is there and still hashes to the record's content hash. */
async function verifiedBlob(store: AssessmentStore, record: LedgerRecord): Promise<Uint8Array | undefined> {
  const blob = await store.blob(record.blobRef)
  return blob === undefined || sha256(blob) !== record.contentHash ? undefined : blob
}

/**
 * Proofs that blobs hash (SHA-256) to their records' content hashes, computed in the thread pool
 * (WebCrypto's digest runs there) while the main thread goes on: the same proof as sha256(), without
 * holding the main thread for some 30 MB of findings. One at a time, in the order added: the digest
 * copies its input, so one part's copy at a time is held, not all 30 MB again; and one pool thread
 * beside the main thread is all two cores give.
 */
export class PoolProofs {
  private chain: Promise<boolean> = Promise.resolve(true)

  add(bytes: Uint8Array, contentHash: string): void {
    this.chain = this.chain.then((ok) => ok && provedInPool(bytes, contentHash))
  }

  /** True when every blob added hashed to its content hash; false at the first that did not. */
  all(): Promise<boolean> {
    return this.chain
  }
}

/** Whether bytes hash (SHA-256) to `contentHash`, computed in the thread pool. */
export async function provedInPool(bytes: Uint8Array, contentHash: string): Promise<boolean> {
  try {
    const digest = await webcrypto.subtle.digest('SHA-256', bytes)
    return Buffer.from(digest).toString('hex') === contentHash
  } catch {
    return false
  }
}

function jsonOf(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * The model a repeated run reports: the stored one, generated now, under the config as it reads now
 * (its hash changes with the ledger pin the first run wrote), every input read back rather than
 * parsed. Its findings are parsed from their proved bytes only when something reads them: a text
 * summary and the exit code need the summary alone, and 10k objects hold some 30 MB of findings.
 */
export function repeatedModel(
  reused: ReusableRun,
  generatedAt: string,
  configHash: string,
): { content: Buffer; stored: AssessmentModel; shown: AssessmentModel } {
  // A stored input already marked reused, its keys in canonical order (every one, from the second
  // repeat on) is what marking it again would make: it is kept, not copied and sorted again.
  const inputs = reused.model.inputs.map((input) =>
    input.reused === true && keysInOrder(input) ? input : sortedKeys({ ...input, reused: true }),
  )
  const base = { ...reused.model, generatedAt, configHash, inputs }
  // The record's content: the stored one with two values replaced in place. Parsed from canonical
  // bytes, every object already has its keys in canonical order, so JSON.stringify writes canonical
  // bytes without the canonical writer's walk (a 2 MB model on 10k objects); a stored model missing
  // one of the keys (an older layout) would take it out of order, and is written the canonical way.
  // Cheaper still, the stored bytes themselves with the two values cut in (splicedContent): the 2 MB
  // are neither serialised nor encoded again. Only where that cannot be shown safe is it written whole.
  // The time is not in the content: it is the record's collectedAt (assessmentEntry), so this run's
  // content is the last one's byte for byte once the inputs say `reused`, and its blob is stored once.
  const replaced = { configHash, inputs }
  const { generatedAt: _stored, ...kept } = reused.content
  const record = { ...kept, ...replaced }
  // From the second repeat on, the stored model already says `reused` under this config: its bytes
  // are this run's content as they are, and nothing is serialised or cut in.
  const content =
    // A model recorded with its time (before it was the record's) loses it here: written whole, once.
    ('generatedAt' in reused.content
      ? undefined
      : (unchangedContent(reused.modelBytes, kept, replaced) ??
        splicedContent(reused.modelBytes, kept, replaced))) ??
    (['configHash', 'inputs'].every((key) => key in kept)
      ? Buffer.from(JSON.stringify(record))
      : canonicalBytesOf(record))
  // What the run records: the findings are only in their parts (assessmentEntry drops them).
  const stored: AssessmentModel = { ...base, findings: [] }
  // Key order as the stored (canonical) model has it. The findings key holds an empty list only to
  // fix its position: lazyFindings puts the stored parts' findings there, read when first asked for.
  const shown: Record<string, unknown> = {}
  for (const name of Object.keys(stored).sort())
    shown[name] = name === 'findings' ? [] : base[name as keyof typeof base]
  return {
    content,
    stored,
    shown: lazyFindings(shown as unknown as AssessmentModel, new StoredFindings(reused)),
  }
}

/** Whether an object's keys are in the order sortedKeys puts them in. */
function keysInOrder(value: object): boolean {
  const keys = Object.keys(value)
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) >= (keys[i] as string)) return false
  return true
}

/** An object with its keys in canonical order (none is an array index here). */
function sortedKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T
}

/**
 * The stored model's bytes when each value to be replaced is already the stored one (the same JSON),
 * else undefined. Cutting such values in would give back the bytes it started from (splicedContent
 * replaces a member's bytes by the same bytes); this spares serialising the members around them and
 * copying the 2 MB model on 10k objects, every repeat after the first. Bytes in a layout other than
 * JSON.stringify's (none that trustctl writes) are recorded as the earlier run recorded them, proved
 * to hash to its record, where splicing would have given up and written the model whole.
 */
export function unchangedContent(
  bytes: Uint8Array,
  stored: Record<string, unknown>,
  values: Record<string, unknown>,
): Buffer | undefined {
  for (const [key, value] of Object.entries(values))
    if (!Object.hasOwn(stored, key) || JSON.stringify(stored[key]) !== JSON.stringify(value)) return undefined
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * The bytes of a stored model with some of its top-level values replaced, as JSON.stringify writes
 * the model with them; undefined when that cannot be shown (the caller then writes the model whole).
 *
 * The stored model was parsed from these canonical bytes, so each top-level member is held in them as
 * `"key":` and JSON.stringify of its value, in key order. A replaced member is found from the nearer
 * end: the members before it (or after it) are serialised and must be exactly the bytes from the
 * start (or up to the end), so the member is shown to be the top-level one, never a nested lookalike.
 * Only the ends are serialised (here some 250 kB), not the 2 MB between them.
 */
export function splicedContent(
  bytes: Uint8Array,
  stored: Record<string, unknown>,
  values: Record<string, unknown>,
): Buffer | undefined {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const keys = Object.keys(stored)
  const replaced = (key: string | undefined): key is string => key !== undefined && Object.hasOwn(values, key)
  const member = (key: string): Buffer => Buffer.from(`${JSON.stringify(key)}:${JSON.stringify(stored[key])}`)
  const cuts = new Map<string, { at: number; was: Buffer }>()
  // From the start: `{`, the members before the first replaced one, then the replaced ones in a row.
  const front: Buffer[] = [Buffer.from('{')]
  let i = 0
  for (; i < keys.length && !replaced(keys[i]); i++) front.push(member(keys[i] as string), Buffer.from(','))
  let at = front.reduce((sum, b) => sum + b.length, 0)
  if (!source.subarray(0, at).equals(Buffer.concat(front))) return undefined
  for (let key = keys[i]; replaced(key); key = keys[++i]) {
    const was = member(key)
    cuts.set(key, { at, was })
    at += was.length + 1
  }
  // From the end: `}`, the members after the last replaced one, then the replaced ones in a row.
  const back: Buffer[] = [Buffer.from('}')]
  let j = keys.length - 1
  for (; j > i && !replaced(keys[j]); j--) back.unshift(Buffer.from(','), member(keys[j] as string))
  let end = source.length - back.reduce((sum, b) => sum + b.length, 0)
  if (!source.subarray(end).equals(Buffer.concat(back))) return undefined
  for (let key = keys[j]; j >= i && replaced(key); key = keys[--j]) {
    const was = member(key)
    end -= was.length
    cuts.set(key, { at: end, was })
    end -= 1
  }
  if (!Object.keys(values).every((key) => cuts.has(key))) return undefined
  const pieces: Buffer[] = []
  let from = 0
  for (const [key, cut] of [...cuts].sort(([, a], [, b]) => a.at - b.at)) {
    // Each cut must hold the member's bytes, after the end of the one before.
    if (cut.at < from || !source.subarray(cut.at, cut.at + cut.was.length).equals(cut.was)) return undefined
    pieces.push(
      source.subarray(from, cut.at),
      Buffer.from(`${JSON.stringify(key)}:${JSON.stringify(values[key])}`),
    )
    from = cut.at + cut.was.length
  }
  pieces.push(source.subarray(from))
  return Buffer.concat(pieces)
}

/**
 * The findings of a repeated run, read from the stored parts (proved bytes) a part at a time: the JSON
 * result and the gate walk them in batches (findingsView) and so never hold the million objects of a
 * large estate; reading `model.findings` makes them all (lazyFindings). Each part must hold the number
 * of findings the signed model lists for it.
 */
class StoredFindings implements FindingsView {
  readonly length: number
  /** Where each part starts in the whole list. */
  private readonly starts: number[] = []
  /** The part parsed last: batches the size of a part read each one once. */
  private last: { index: number; findings: AssessmentModel['findings'] } | undefined

  constructor(private readonly reused: ReusableRun) {
    let start = 0
    for (const part of reused.findingsParts.parts) {
      this.starts.push(start)
      start += part.count
    }
    this.length = start
  }

  slice(start: number, end: number): AssessmentModel['findings'] {
    const from = clampIndex(start, this.length)
    const to = Math.max(from, clampIndex(end, this.length))
    const out: AssessmentModel['findings'] = []
    const { parts } = this.reused.findingsParts
    for (let i = 0; i < parts.length && out.length < to - from; i++) {
      const partStart = this.starts[i] as number
      const partEnd = partStart + (parts[i]?.count ?? 0)
      if (partEnd <= from || partStart >= to) continue
      const findings = this.part(i)
      for (let at = Math.max(from, partStart); at < Math.min(to, partEnd); at++)
        out.push(findings[at - partStart] as AssessmentModel['findings'][number])
    }
    return out
  }

  private part(index: number): AssessmentModel['findings'] {
    if (this.last?.index === index) return this.last.findings
    const part = this.reused.findingsParts.parts[index]
    const findings = findingsOfPart(jsonOf(this.reused.findingsBytes[index]))
    if (part === undefined || !Array.isArray(findings) || findings.length !== part.count)
      throw new StoreError(
        `run ${this.reused.runId}: findings record ${part?.id ?? index} does not hold the ${part?.count ?? 0} findings its model lists`,
      )
    this.last = { index, findings }
    return findings
  }
}
