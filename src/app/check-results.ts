import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { z } from 'zod'
import { checkCodeHash } from '../../checks/load-checks.js'
import { resolveCheckRuns } from '../core/assess.js'
import { canonicalBytesOf } from '../core/canonical-json.js'
import { type Check, type Finding, findingStatuses } from '../core/check.js'
import type { Config } from '../core/config.js'
import type { Coverage } from '../core/coverage.js'
import { type CheckRun, evaluateCheck, type UnreadKinds } from '../core/engine.js'
import { type EvidenceByKind, type EvidenceItem, type EvidenceKind, evidenceKinds } from '../core/evidence.js'
import { compactFindings, engineFindingsOf } from '../core/findings-part.js'
import type { LedgerRecord } from '../core/ledger.js'
import { type LedgerEntry, sha256 } from '../core/ledger.js'
import type { FindingsParts } from '../core/ledger-entries.js'
import type { AssessmentStore } from '../core/store.js'
import { assessmentRuns, findingsPartsId, findingsPartsSchema } from '../store/ledger-operations.js'
import { builtEngineHash } from './built-engine-hash.js'
import type { SealedRuns } from './parse-cache.js'

/**
 * Per-check result cache: a check whose code, params and evidence are what a signed earlier run
 * judged is not run again; its findings are read back from that run. The key holds everything the
 * engine's result for one check depends on (evaluateCheck is pure): the check's id and code hash,
 * the engine's code, the tool version, its params, the hashes of the evidence of every kind it reads,
 * the collection errors that left those kinds incomplete, which kinds of the same source families
 * were collected (no evidence of a kind read is not-applicable or no-evidence by that), and the
 * as-of date and period. Any part unknown (a check imported without the build's manifest, an engine
 * whose files cannot be read) means the check is evaluated and nothing is cached for it.
 *
 * Results are kept like parse results: an `evidence-set` record `check:<id>` of the run that judged
 * them, remembered under `check:<key>` once the run is committed, and reused only when the chain
 * vouches for that record in a run sealed by a trusted key (chainedCache, SealedRuns).
 */
/**
 * The most bytes of check results one run keeps for the next (32 MiB). The results are held until the
 * run is recorded, beside the model's own findings: without a limit they grew with the estate (about
 * 2.5 KB per Kubernetes object: 40k objects peaked at 596 MiB against 505 MiB without them). A 10k-object
 * estate fits whole; past the limit the remaining checks are simply evaluated again next run.
 */
export const checkResultsBudget = 32 * 1024 * 1024

let resultsBudget = checkResultsBudget

/** Sets the budget (a test proves what happens past it); returns the one set before. */
export function setCheckResultsBudget(bytes: number): number {
  const before = resultsBudget
  resultsBudget = bytes
  return before
}

/**
 * Of the results kept, the bytes held as they are (12 MiB; a 10k-object estate's are ~10 MB, so no time
 * goes to compressing them); the rest are held compressed until recorded (Kubernetes findings shrink
 * several times), which at 100k objects held the whole 32 MiB beside the model at the run's peak.
 */
export const checkResultsRawBudget = 12 * 1024 * 1024

let rawBudget = checkResultsRawBudget

/** Sets the raw budget (a test makes every result held compressed); returns the one set before. */
export function setCheckResultsRawBudget(bytes: number): number {
  const before = rawBudget
  rawBudget = bytes
  return before
}

/** One check's result as held until recorded: the record without its content, and the content. */
interface HeldResult {
  key: string
  entry: Omit<LedgerEntry, 'content'>
  /** The content as it is, or compressed (deflate) past the raw budget; emptied once taken. */
  bytes: Buffer
  deflated: boolean
  /** SHA-256 of the content (not of the compressed bytes). */
  hash: string
}

const emptyBytes = Buffer.alloc(0)

/** A held result's record, its content expanded if it was held compressed and hashed when it was made. */
const recordOf = ({ entry, bytes, deflated, hash }: HeldResult): LedgerEntry => ({
  ...entry,
  content: deflated ? inflateRawSync(bytes) : bytes,
  contentHash: hash,
})

export class CheckResultCache {
  private readonly fresh = new Map<string, HeldResult>()
  /** Bytes of the results kept for the next run so far (see checkResultsBudget). */
  private freshBytes = 0
  /** Of those, the bytes held uncompressed (see checkResultsRawBudget). */
  private rawBytes = 0
  private readonly found = new Map<string, Finding[]>()
  /** Each check the engine ran, in order, with its key (undefined: unknown or incomplete evidence). */
  private readonly judged: [string, string | undefined][] = []
  /**
   * Checks whose findings were read back / evaluated in this run; a check that reads no kind collected
   * is neither (judged from its metadata alone, it is never cached).
   */
  reused = 0
  evaluated = 0
  /** Cache entries the chain did not vouch for, or that did not hold a check's findings. */
  ignored = 0
  /** Checks evaluated but not kept for the next run: the run's results were over checkResultsBudget. */
  overBudget = 0

  constructor(
    private readonly store: AssessmentStore,
    private readonly trust: SealedRuns,
    private readonly context: {
      toolVersion: string
      collectedAt: string
      /** The hash of the engine's code, or undefined when unknown: then nothing is reused. */
      engine: string | undefined
    },
  ) {}

  /**
   * Looks up every check the assessment may run, then returns the evaluator assess() calls: cached
   * findings where the key matches, the engine's own evaluation (recorded for the next run) elsewhere.
   */
  async prepare(
    checks: readonly Check[],
    config: Config,
    evidence: readonly EvidenceItem[],
    /** The SHA-256 of each evidence item's canonical bytes (the hash it is recorded under). */
    hashOf: (item: EvidenceItem) => string,
    /** What the model's findings are derived from besides the checks' results (see findingsKey). */
    findingsInputs: unknown,
  ): Promise<{ evaluate: typeof evaluateCheck; knownCoverage: () => Coverage | undefined }> {
    const engine = this.context.engine
    const keyed = new Map<string, string>()
    this.findingsInputs = findingsInputs
    let previous: { key: string; coverage: Coverage } | undefined
    if (engine !== undefined) {
      previous = await this.latestCoverage()
      const kindDigests = evidenceDigests(evidence, hashOf)
      const collected = evidenceKinds.filter((kind) => kindDigests.has(kind))
      const base = { engine, config }
      // Every check with a proven code hash and valid params; the run's own list is decided in assess().
      const runs = resolveCheckRuns(
        checks.filter((c) => checkCodeHash(c) !== undefined),
        new Set(checks.map((c) => c.id)),
        config,
      )
      // A check that reads no kind collected is judged from its metadata (evaluate): not looked up.
      const readsCollected = new Set<string>()
      for (const run of runs) {
        keyed.set(run.check.id, this.keyOf(run, base, kindDigests, collected))
        if (run.check.reads.some((kind) => kindDigests.has(kind))) readsCollected.add(run.check.id)
      }
      const lookups = [...keyed]
        .filter(([id]) => readsCollected.has(id))
        .map(([id, key]) => ({ key: `check:${key}`, id: `check:${id}` }))
      const { found, ignored } =
        lookups.length === 0 ? { found: new Map(), ignored: 0 } : await this.store.chainedCache(lookups)
      this.ignored += ignored
      for (const [id, key] of keyed) {
        const hit = found.get(`check:${key}`)
        if (hit === undefined) continue
        if (!(await this.trust.vouches(hit))) {
          this.ignored += 1
          continue
        }
        const findings = storedFindings(hit.bytes, id, key)
        if (findings === undefined) this.ignored += 1
        else this.found.set(id, findings)
      }
    }
    return {
      evaluate: (run, byKind, unread = new Map()) =>
        this.evaluate(run, byKind, unread, keyed.get(run.check.id)),
      // Coverage is a function of the evidence, the findings and the checks' metadata: all in the key.
      knownCoverage: () => {
        const key = this.findingsKey()
        if (key === undefined || previous?.key !== key) return undefined
        this.coverageReused = true
        return previous.coverage
      },
    }
  }

  /** True when the coverage was read back from the latest run rather than computed. */
  coverageReused = false
  private findingsInputs: unknown

  /**
   * The findings key and coverage of the latest assessment, when its run is sealed by a trusted key
   * and both records still hash to what it recorded; else undefined (the coverage is computed).
   */
  private async latestCoverage(): Promise<{ key: string; coverage: Coverage } | undefined> {
    const last = (await assessmentRuns(this.store)).at(-1)
    if (last === undefined) return undefined
    let list: LedgerRecord | undefined
    let model: LedgerRecord | undefined
    for await (const { record } of this.store.scan({
      runId: last,
      kinds: ['evidence-set', 'assessment'],
      withBlobs: false,
    })) {
      if (record.kind === 'assessment') model = record
      else if (record.id === findingsPartsId) list = record
    }
    if (list === undefined || model === undefined) return undefined
    if (!(await this.trust.vouches(list)) || !(await this.trust.vouches(model))) return undefined
    const key = (await this.verifiedJson(list)) as { key?: unknown } | undefined
    const stored = (await this.verifiedJson(model)) as { coverage?: Coverage } | undefined
    if (typeof key?.key !== 'string' || stored?.coverage === undefined) return undefined
    return { key: key.key, coverage: stored.coverage }
  }

  /** A record's content parsed, when its blob is there and still hashes to the record's content hash. */
  private async verifiedJson(record: LedgerRecord): Promise<unknown> {
    const blob = await this.store.blob(record.blobRef)
    if (blob === undefined || sha256(blob) !== record.contentHash) return undefined
    try {
      return JSON.parse(Buffer.from(blob).toString('utf8'))
    } catch {
      return undefined
    }
  }

  /** One check's findings: read back when its key matched, else evaluated and kept for the next run. */
  private evaluate(
    run: CheckRun,
    evidence: EvidenceByKind,
    unread: UnreadKinds,
    /** Undefined: the key is unknown (or the unread kinds differ, below), so the check is evaluated. */
    key: string | undefined,
  ): Finding[] {
    const id = run.check.id
    // The key was made before assess() saw the collection errors; they are in it only as the engine
    // reads them, so a check whose kinds are incomplete is always evaluated (and never cached).
    const incomplete = run.check.reads.some((kind) => unread.has(kind))
    this.judged.push([id, incomplete ? undefined : key])
    // A check with no item of any kind it reads is judged from its metadata alone (no-evidence or
    // not-applicable, engine.ts): judging it again costs less than its record. Neither kept, looked
    // up nor counted as evaluated or reused, so a run whose secrets scan leaves 340 of 346 checks
    // without evidence writes 340 fewer ledger records (each serialised, hashed, chained and
    // inserted). Its key is still judged (above), so the model's findings are reused as before.
    if (judgedFromMetadata(run.check, evidence)) return evaluateCheck(run, evidence, unread)
    const cached = incomplete ? undefined : this.found.get(id)
    if (cached !== undefined) {
      this.reused += 1
      return cached
    }
    const findings = evaluateCheck(run, evidence, unread)
    this.evaluated += 1
    if (key !== undefined && !incomplete && this.freshBytes < resultsBudget) {
      // JSON.stringify, not canonical bytes: read back, the findings keep their key order, so a
      // run from the cache writes byte-identical findings to one that evaluated. In the compact
      // layout (core/findings-part.ts): a check's findings repeat its id, severity and messages.
      const content = Buffer.from(
        JSON.stringify({ check: id, key, findings: compactFindings(findings) ?? findings }),
      )
      this.freshBytes += content.length
      if (this.freshBytes <= resultsBudget) this.fresh.set(id, this.held(id, key, content))
      else this.overBudget += 1
    } else if (key !== undefined && !incomplete) this.overBudget += 1
    return findings
  }

  private held(id: string, key: string, content: Buffer): HeldResult {
    const entry = this.resultEntry(id)
    const hash = sha256(content)
    if (this.rawBytes + content.byteLength <= rawBudget) {
      this.rawBytes += content.byteLength
      return { key, entry, bytes: content, deflated: false, hash }
    }
    return { key, entry, bytes: ownCopy(deflateRawSync(content, { level: 1 })), deflated: true, hash }
  }

  private resultEntry(id: string): Omit<LedgerEntry, 'content'> {
    const { toolVersion, collectedAt } = this.context
    return {
      kind: 'evidence-set',
      id: `check:${id}`,
      source: 'trustctl',
      collector: 'trustctl',
      collectorVersion: toolVersion,
      collectedAt,
      effectiveAt: collectedAt,
    }
  }

  /**
   * The key of the model's findings: the key of every check run, in order, and what the engine's
   * findings are turned into the model's by (the `findingsInputs` given to prepare: the evidence, for
   * staleness; the as-of date, exceptions and freshness limits; the controls and criteria each check
   * is mapped to). Undefined when a check ran without a key: then the findings are recorded afresh.
   */
  findingsKey(): string | undefined {
    if (this.context.engine === undefined || this.judged.some(([, key]) => key === undefined))
      return undefined
    return sha256(
      JSON.stringify([
        'findings',
        1,
        this.context.toolVersion,
        this.context.engine,
        this.judged,
        canonicalBytesOf(this.findingsInputs).toString('utf8'),
      ]),
    )
  }

  /**
   * The findings parts a signed run recorded under this findings key, or undefined (none, not vouched
   * for by a sealed run under a trusted key, or not a list of parts of this key).
   */
  async storedFindingsParts(key: string): Promise<FindingsParts | undefined> {
    const { found, ignored } = await this.store.chainedCache([
      { key: `findings:${key}`, id: findingsPartsId },
    ])
    this.ignored += ignored
    const hit = found.get(`findings:${key}`)
    if (hit === undefined) return undefined
    if (!(await this.trust.vouches(hit))) {
      this.ignored += 1
      return undefined
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.from(hit.bytes).toString('utf8'))
    } catch {
      parsed = undefined
    }
    const listed = findingsPartsSchema.extend({ key: z.literal(key) }).safeParse(parsed)
    if (!listed.success) {
      this.ignored += 1
      return undefined
    }
    const { key: _key, ...parts } = listed.data
    return parts
  }

  /**
   * The records to append to the run: the findings of each check evaluated in it. Lazy: a compressed
   * content is expanded only when its record is taken, so the writer holds a slice of them at a time.
   */
  *entries(): Generator<LedgerEntry> {
    for (const held of this.fresh.values()) yield recordOf(held)
  }

  /**
   * entries() for the run's writer, each content let go once taken (parse-cache.ts, takeEntries): a
   * second call is a defect, not an empty list of records.
   */
  *takeEntries(): Generator<LedgerEntry> {
    if (this.taken) throw new Error('the check results were already taken for recording')
    this.taken = true
    for (const held of this.fresh.values()) {
      const entry = recordOf(held)
      held.bytes = emptyBytes
      yield entry
    }
  }

  private taken = false

  /** What to remember once the run is committed. */
  remembered(): { key: string; blobRef: string }[] {
    return [...this.fresh.values()].map(({ key, hash }) => ({
      key: `check:${key}`,
      blobRef: `sha256:${hash}`,
    }))
  }

  private keyOf(
    run: CheckRun,
    base: { engine: string; config: Config },
    digests: ReadonlyMap<EvidenceKind, string>,
    collected: readonly EvidenceKind[],
  ): string {
    const { check } = run
    const families = new Set(check.reads.map(familyOf))
    return sha256(
      JSON.stringify([
        1,
        this.context.toolVersion,
        base.engine,
        check.id,
        checkCodeHash(check),
        canonicalBytesOf(run.params).toString('utf8'),
        check.reads.map((kind) => [kind, digests.get(kind) ?? null]),
        // The engine tells "nothing to test" from "nothing collected" by the family's other kinds.
        collected.filter((kind) => families.has(familyOf(kind))),
        base.config.scope.asOf,
        base.config.scope.period ?? null,
      ]),
    )
  }
}

/**
 * The bytes in a buffer of their own size: zlib hands back a view of its 16 KiB output chunk, and each
 * such view would hold a whole chunk alive for a result that compressed to a fraction of it.
 */
const ownCopy = (bytes: Buffer): Buffer => {
  const own = Buffer.allocUnsafeSlow(bytes.byteLength)
  bytes.copy(own)
  return own
}

const familyOf = (kind: string): string => kind.slice(0, kind.indexOf('.'))

/** True when no item of any kind the check reads was collected: the engine judges it from its metadata. */
const judgedFromMetadata = (check: Check, evidence: EvidenceByKind): boolean =>
  check.reads.every((kind) => evidence[kind].length === 0)

/** Per kind, the hash of the hashes of its items in collection order (the order checks see them). */
function evidenceDigests(
  evidence: readonly EvidenceItem[],
  hashOf: (item: EvidenceItem) => string,
): Map<EvidenceKind, string> {
  const hashes = new Map<EvidenceKind, string[]>()
  for (const item of evidence) {
    const list = hashes.get(item.kind) ?? []
    list.push(hashOf(item))
    hashes.set(item.kind, list)
  }
  return new Map([...hashes].map(([kind, list]) => [kind, sha256(list.join(','))]))
}

const statuses: ReadonlySet<string> = new Set(findingStatuses)

/**
 * The findings a cached record holds, or undefined when it is not what this run asked for (another
 * check or key) or not a list of findings: then the check is simply evaluated.
 */
function storedFindings(bytes: Uint8Array, check: string, key: string): Finding[] | undefined {
  let stored: unknown
  try {
    stored = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof stored !== 'object' || stored === null) return undefined
  const { check: id, key: storedKey, findings: held } = stored as Record<string, unknown>
  // Records written before the compact layout hold the plain list.
  const findings = Array.isArray(held) ? held : engineFindingsOf(held)
  if (id !== check || storedKey !== key || findings === undefined) return undefined
  for (const f of findings as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined
    const finding = f as Record<string, unknown>
    const subject = finding.subject as Record<string, unknown> | null | undefined
    if (
      finding.check !== check ||
      typeof finding.status !== 'string' ||
      !statuses.has(finding.status) ||
      typeof finding.message !== 'string' ||
      typeof finding.severity !== 'string' ||
      typeof subject !== 'object' ||
      subject === null ||
      typeof subject.kind !== 'string' ||
      typeof subject.name !== 'string' ||
      typeof subject.file !== 'string'
    )
      return undefined
  }
  return findings as Finding[]
}

let engineHash: string | undefined | null = null

/**
 * The hash of the engine's code: every module of src/core beside this build (the engine, the rule
 * compiler, the helpers checks import), read once a process. A check's own hash covers only checks/;
 * a change to what it imports from src/core must still invalidate its cached results. Undefined
 * when the folder cannot be read: then no result is reused.
 */
export function engineCodeHash(): string | undefined {
  if (engineHash !== null) return engineHash
  // A bundle's engine is the code it was built from: its build hashed those files (built-engine-hash.ts).
  engineHash = builtEngineHash() ?? filesEngineHash()
  return engineHash
}

/** The hash engineCodeHash gives of the compiled (or source) files of src/core beside this module. */
export function filesEngineHash(): string | undefined {
  try {
    const core = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'core')
    const files = (readdirSync(core, { recursive: true }) as string[])
      .filter((name) => /\.(js|ts)$/.test(name) && !/\.test\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))
      .sort()
    if (files.length === 0) return undefined
    const parts = files.map((name) => `${name}\0${sha256(readFileSync(path.join(core, name)))}`)
    return sha256(parts.join('\n'))
  } catch {
    return undefined
  }
}
