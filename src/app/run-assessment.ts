import { existsSync } from 'node:fs'
import path from 'node:path'
import { isDeferred, loadChecks, loadDeferredChecks } from '../../checks/load-checks.js'
import { catalogRoot, loadCatalog } from '../catalog/load-catalog.js'
import {
  loadShippedThirdParties,
  loadThirdPartyLibrary,
  type ShippedThirdParties,
} from '../catalog/load-third-parties.js'
import { type FileSecrets, fileSecrets } from '../collectors/secrets/file-secrets.js'
import { loadFingerprintSalt, readFingerprintSalt } from '../collectors/secrets/salt.js'
import type { FileCollection, ParseCache, ParsedInput } from '../collectors/source-collector.js'
import { collectNamedSources } from '../collectors/source-registry.js'
import { type AssessRequest, assess } from '../core/assess.js'
import type { AssessmentModel } from '../core/assessment.js'
import { contentHash } from '../core/canonical-json.js'
import type { Catalog } from '../core/catalog.js'
import type { Check } from '../core/check.js'
import type { EvidenceItem } from '../core/evidence.js'
import { canonicalBytes, sha256 } from '../core/ledger.js'
import type { SignedManifest, Signer } from '../core/ledger-manifest.js'
import { collectionRedactor } from '../core/redact-evidence.js'
import type { AssessmentStore } from '../core/store.js'
import type { ThirdPartyLibrary } from '../core/third-parties/index.js'
import {
  beginAssessmentRecording,
  recordRepeatedAssessment,
  runEvidence,
} from '../store/ledger-operations.js'
import { accessReviewEvidence } from './access-review.js'
import { CheckResultCache, engineCodeHash } from './check-results.js'
import { cacheRootKey, keepTrustFiles, pinnedKeyOf } from './ledger-trust.js'
import { type LoadedConfig, validateConfigReferences } from './load-config.js'
import { openStore, storeLocation } from './open-store.js'
import { StoredParseCache } from './parse-cache.js'
import { policyAcceptanceEvidence } from './policy-acceptance.js'
import { configuredSigner, existingSigner } from './signing-key.js'
import { toolInformationUri, toolVersion } from './version.js'
import {
  catalogFilesHash,
  configuredFileHashes,
  latestSealedRun,
  mayRepeatWhole,
  probeInputs,
  type ReusableRun,
  repeatedModel,
  reusableRun,
  wholeRunEntry,
  wholeRunKey,
} from './whole-run.js'

// The collection types and the third-party library loader the adapters handle (collect --push, the
// server's merge of pushed evidence, matrix and crosswalk).
export type { CollectedInput, FileCollection } from '../collectors/source-collector.js'
export { loadThirdPartyLibrary }

export interface Library {
  checks: Check[]
  catalog: Catalog
  /** Provider profiles, policy templates and crosswalks (catalog/providers, policies, crosswalks). */
  thirdParties?: ShippedThirdParties
}

/**
 * Loads the checks and the catalog that references them. `deferChecks` leaves the check.ts modules the
 * build's manifest describes unimported until an assessment needs their code (assessCollection
 * imports them): for commands whose checks run only through it.
 */
export async function loadLibrary({ deferChecks = false }: { deferChecks?: boolean } = {}): Promise<Library> {
  return catalogFor(await loadChecks(undefined, { defer: deferChecks }))
}

/** The library of these checks: the catalog that references them and the shipped third parties. */
async function catalogFor(checks: Check[]): Promise<Library> {
  const catalog = await loadCatalog(checks)
  return { checks, catalog, thirdParties: await loadShippedThirdParties(catalog, catalogRoot()) }
}

/**
 * A library whose checks are loaded and whose catalog and third parties are loaded the first time
 * `load` is called: what runAssessment needs when a run may repeat an earlier one whole. Such a run
 * needs the checks' ids and code hashes for its key, and the catalog only by the hash of its files
 * (catalogFilesHash), so parsing and validating ~120 catalog and provider files is left to a run that
 * evaluates. Nothing is trusted unvalidated by that: a run is repeated only when the catalog files
 * hash as they did for the run that loaded, validated and assessed with them.
 */
export interface LibraryLoader {
  checks: Check[]
  load: () => Promise<Library>
}

/** loadLibrary with the catalog loaded only when asked for (LibraryLoader). */
export async function loadLibraryLater({
  deferChecks = false,
}: {
  deferChecks?: boolean
} = {}): Promise<LibraryLoader> {
  const checks = await loadChecks(undefined, { defer: deferChecks })
  let library: Promise<Library> | undefined
  return { checks, load: () => (library ??= catalogFor(checks)) }
}

/** The whole library, loading its catalog now when it was left for later. */
function wholeLibrary(library: Library | LibraryLoader): Promise<Library> {
  return 'load' in library ? library.load() : Promise.resolve(library)
}

export function storeFile(loaded: LoadedConfig): string {
  return path.resolve(loaded.root, loaded.config.store.path, 'trustctl.db')
}

/**
 * Reads the configured sources, without assessing or storing anything (also `collect --push`). `env`
 * holds what live sources authenticate with (cloud and API credentials).
 *
 * Every path evidence takes to the store or a server starts here, so this is where secrets are
 * masked: in every string of every item and error, credential shapes and each literal secret the
 * secret rules find in the item's own file. The parse cache is handed results already masked, as it
 * serialises them the moment it is given them.
 */
export async function collectConfiguredSources(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  now: Date,
  parseCache?: ParseCache,
  { readOnly = false }: { readOnly?: boolean } = {},
): Promise<FileCollection> {
  const secrets = fileSecrets(loaded.root)
  const storeDir = path.resolve(loaded.root, loaded.config.store.path)
  const redact = collectionRedactor()
  const collection = await collectNamedSources(loaded.config.sources, {
    root: loaded.root,
    now,
    env,
    ...(parseCache === undefined
      ? {}
      : {
          parseCache: redactingParseCache(parseCache, (parsed) => redactCollected(parsed, secrets, redact)),
        }),
    // A read-only run must not create the salt file (nor anything else in the store folder).
    fingerprintSalt: readOnly ? await readFingerprintSalt(storeDir) : await loadFingerprintSalt(storeDir),
    ...(loaded.config.scope.period === undefined ? {} : { period: loaded.config.scope.period }),
    // A file a collector read whole is screened from its text in hand, not read again.
    screenText: secrets.screen,
  })
  // Results read back from the cache are masked again: copy-on-write makes that a walk, no copy.
  return { ...redactCollected(collection, secrets, redact), inputs: collection.inputs }
}

/**
 * Evidence that holds nothing read from its file but the path and redacted values: the secrets scan's
 * own findings (a preview too short to use and a salted fingerprint) and its summary. Their file's
 * literal secrets are not looked up: that would scan every file with a finding a second time, on the
 * main thread, for nothing to mask (credential shapes are still masked in them like in every item).
 */
const holdsNoFileContent: ReadonlySet<string> = new Set(['secret.finding', 'secret.scan'])

/** Evidence and errors with their secrets masked (see collectConfiguredSources). */
function redactCollected<C extends Pick<ParsedInput, 'evidence' | 'errors'>>(
  collected: C,
  secrets: FileSecrets,
  redact: ReturnType<typeof collectionRedactor>,
): C {
  return {
    ...collected,
    // No list for those: the redactor's own empty one, by which it knows an item it masked before
    // (a first run masks each finding for the scan cache, then here); a new `[]` each time walked
    // every finding again.
    evidence: collected.evidence.map((item) =>
      redact(item, holdsNoFileContent.has(item.kind) ? undefined : secrets.of(item.file)),
    ),
    errors: collected.errors.map((error) => redact(error, secrets.of(error.file))),
  }
}

/** A parse cache that is only ever given masked results. */
function redactingParseCache(cache: ParseCache, mask: (parsed: ParsedInput) => ParsedInput): ParseCache {
  return {
    get: (key) => cache.get(key),
    set: (key, parsed) => cache.set(key, mask(parsed)),
  }
}

/** Collects evidence from the configured sources and assesses it, without storing anything. */
export async function collectAndAssess(
  loaded: LoadedConfig,
  library: Library,
  env: NodeJS.ProcessEnv,
  now: Date,
  parseCache?: ParseCache,
  mode: { readOnly?: boolean } = {},
): Promise<{ model: AssessmentModel; collection: FileCollection }> {
  const collection = await collectConfiguredSources(loaded, env, now, parseCache, mode)
  return { model: await assessCollection(loaded, library, now, collection), collection }
}

/**
 * Assesses collected evidence (the server adds what collectors pushed to its own collection), without
 * storing anything.
 */
export async function assessCollection(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
  collection: FileCollection,
  /** Reuses the findings of unchanged checks (runAssessment); without it every check is evaluated. */
  cached?: { results: CheckResultCache; hashOf: (item: EvidenceItem) => string },
): Promise<AssessmentModel> {
  return assess(await assessmentRequest(loaded, library, now, collection, cached))
}

/**
 * Everything assess() needs, with the configuration's references checked and the check results an
 * earlier run offers looked up (the hashes of the evidence are read here, not while the checks run):
 * what is left is to run the checks, which needs nothing from the store.
 */
async function assessmentRequest(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
  collection: FileCollection,
  cached?: { results: CheckResultCache; hashOf: (item: EvidenceItem) => string },
): Promise<AssessRequest> {
  const checks = await checksToRun(library.checks, loaded, collection.evidence)
  validateConfigReferences(loaded, { checks, catalog: library.catalog })
  const informationUri = toolInformationUri()
  const thirdParties = await thirdPartiesOf(loaded, library)
  const reuse =
    cached === undefined
      ? undefined
      : await cached.results.prepare(
          checks,
          loaded.config,
          collection.evidence,
          cached.hashOf,
          findingsInputs(loaded, library, collection.evidence, cached.hashOf),
        )
  return {
    ...(reuse === undefined ? {} : reuse),
    config: loaded.config,
    catalog: library.catalog,
    checks,
    evidence: collection.evidence,
    errors: collection.errors,
    inputs: collection.inputs,
    generatedAt: now.toISOString(),
    toolVersion: toolVersion(),
    ...(informationUri === undefined ? {} : { toolInformationUri: informationUri }),
    ...(thirdParties === undefined ? {} : { thirdParties }),
  }
}

/**
 * The checks with the code of every deferred one that this assessment may run imported: those that
 * read a kind of evidence collected (the engine runs a check only then; without any it reports
 * no-evidence or not-applicable from the metadata alone) and those trustctl.yaml names (their params
 * are validated against their schema).
 */
async function checksToRun(
  checks: readonly Check[],
  loaded: LoadedConfig,
  evidence: FileCollection['evidence'],
): Promise<readonly Check[]> {
  if (!checks.some(isDeferred)) return checks
  const collected = new Set(evidence.map((item) => item.kind))
  const named = new Set(Object.keys(loaded.config.checks))
  return loadDeferredChecks(
    checks,
    (check) => named.has(check.id) || check.reads.some((kind) => collected.has(kind)),
  )
}

/** Where a run reads its credentials and store settings, and where it says what it did on the side. */
export interface RunEnvironment {
  env: NodeJS.ProcessEnv
  /** Told when a signing key is created (the CLI writes it to standard error). */
  notify: (text: string) => void
}

/** What runAssessment did, besides the model: how much of an earlier run it reused. */
export interface AssessmentRun {
  model: AssessmentModel
  runId: number
  evidence: FileCollection['evidence']
  /** Parse-cache entries no sealed evidence-set record vouched for: ignored, the inputs parsed again. */
  ignoredCacheEntries: number
  /** Why results a sealed run recorded were not reused (a manifest signed by another key, …). */
  untrustedCacheRuns: string[]
  /**
   * Checks whose findings were read back from a signed run, checks evaluated, cache entries ignored. A
   * check that reads no kind collected is neither reused nor evaluated: the engine judges it from its
   * metadata (no-evidence or not-applicable) every run, and nothing of it is cached.
   */
  checkResults: {
    reused: number
    evaluated: number
    ignored: number
    /** Checks evaluated whose results were not kept for the next run (over the results budget). */
    notKept: number
    coverageReused: boolean
  }
  /** The earlier signed run this one repeats whole (nothing it reads changed), or undefined. */
  repeated: number | undefined
}

/**
 * Collects evidence from the configured sources, assesses it and stores the run. When nothing the run
 * reads changed since the latest signed run, that run is repeated whole (app/whole-run.ts): nothing is
 * parsed or evaluated. `keepEvidence: false` spares such a run reading its evidence back from the
 * store for a caller that does not use it (`assess` shows the model alone). A LibraryLoader's catalog
 * is loaded only when the run evaluates, and `beforeEvaluating` is called then too (the CLI's heap
 * setting, which only a run that parses and evaluates has a use for).
 */
export async function runAssessment(
  loaded: LoadedConfig,
  library: Library | LibraryLoader,
  now: Date,
  { env, notify }: RunEnvironment,
  {
    keepEvidence = true,
    beforeEvaluating = () => undefined,
    evidenceReleased = () => undefined,
  }: {
    keepEvidence?: boolean
    beforeEvaluating?: () => void
    /**
     * Called once the checks have run and a run that keeps no evidence has let its items go, before the
     * findings and model are serialised (the CLI hands the memory back then: collectReleased).
     */
    evidenceReleased?: () => void
  } = {},
): Promise<AssessmentRun> {
  // The key first: a bad key file fails before a long collection, not after it.
  const signer = configuredSigner(loaded, env, notify)
  const store = await openStore(loaded, env)
  try {
    // Inputs unchanged since an earlier run are not parsed again: their evidence is read back.
    const parseCache = new StoredParseCache(
      store,
      toolVersion(),
      now.toISOString(),
      cacheRootKey(loaded, signer),
    )
    // Access-review campaigns are recorded in the ledger, not read from a source: the run assesses
    // them beside the accounts they reviewed and records them as its evidence. Acceptances made in
    // the dashboard join the CSV exports' rows: one check judges both.
    const storeEvidence = [
      ...(await accessReviewEvidence(store, now)),
      ...(await policyAcceptanceEvidence(store, now)),
    ]
    // The latest run's seal is checked while the probe reads files (whole-run.ts, latestSealedRun).
    const latest = mayRepeatWhole(loaded.config.sources)
      ? latestSealedRun(store, parseCache.trust)
      : undefined
    // Handled here too, so a store error while the probe runs waits for its await below to be thrown.
    latest?.catch(() => undefined)
    const whole = await wholeRunKeyOf(loaded, library, storeEvidence)
    const reusable = whole === undefined ? undefined : await reusableRun(store, await latest, whole)
    if (reusable === undefined) beforeEvaluating()
    const recorded =
      reusable === undefined
        ? await assessAndRecord(loaded, await wholeLibrary(library), now, {
            store,
            signer,
            parseCache,
            env,
            storeEvidence,
            whole,
            keepEvidence,
            evidenceReleased,
          })
        : await repeatRun(loaded, now, { store, signer, reusable, keepEvidence, whole: whole as string })
    // trustctl.yaml pins the root key on the first run; trustctl.anchor follows the newest head.
    await keepTrustFiles(loaded, store, notify)
    // The stored model cannot hold the manifest that signs it; the model handed to reports does.
    const { model, runId, manifest } = recorded
    model.ledger = {
      runId,
      runManifestHash: contentHash(manifest),
      chainHead: manifest.manifest.chainHead,
      publicKeyFingerprint: signer.fingerprint,
      publicKey: signer.publicKeyPem.trim(),
    }
    return {
      model,
      runId,
      evidence: recorded.evidence,
      ignoredCacheEntries: parseCache.ignored,
      untrustedCacheRuns: [...parseCache.untrusted],
      checkResults: recorded.checkResults,
      repeated: reusable?.runId,
    }
  } finally {
    await store.close()
  }
}

/** What one of the two ways of recording a run hands back to runAssessment. */
interface Recorded {
  model: AssessmentModel
  runId: number
  manifest: SignedManifest
  evidence: FileCollection['evidence']
  checkResults: AssessmentRun['checkResults']
}

/** The whole-run key of this run, or undefined when its sources are not ones whole-run reuse covers. */
async function wholeRunKeyOf(
  loaded: LoadedConfig,
  library: Pick<Library, 'checks'>,
  storeEvidence: readonly EvidenceItem[],
): Promise<string | undefined> {
  const probe = await probeInputs(loaded.config.sources, loaded.root)
  if (probe === undefined) return undefined
  return wholeRunKey({
    toolVersion: toolVersion(),
    toolInformationUri: toolInformationUri(),
    engine: engineCodeHash(),
    config: loaded.config,
    checks: library.checks,
    catalog: catalogFilesHash(catalogRoot()),
    configuredFiles: await configuredFileHashes(loaded.root, [
      ...loaded.config.providerFiles,
      ...loaded.config.crosswalks.mappings,
    ]),
    probe,
    storeEvidence,
  })
}

/** Collects, assesses with every cache an earlier signed run offers, and records the run. */
async function assessAndRecord(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
  run: {
    store: AssessmentStore
    signer: Signer
    parseCache: StoredParseCache
    env: NodeJS.ProcessEnv
    storeEvidence: readonly EvidenceItem[]
    /** This run's whole-run key, recorded for the next run to compare with. */
    whole: string | undefined
    /** False: the caller has no use for the evidence items, so they are let go once the checks ran. */
    keepEvidence: boolean
    evidenceReleased: () => void
  },
): Promise<Recorded> {
  const { store, signer, parseCache } = run
  const collection = withEvidence(
    await collectConfiguredSources(loaded, run.env, now, parseCache),
    run.storeEvidence,
  )
  // Checks whose code, params and evidence a signed run already judged are not run again.
  const { hashes, bytes } = evidenceHashes(collection.evidence, (item) => parseCache.itemBytes(item))
  const results = new CheckResultCache(store, parseCache.trust, {
    toolVersion: toolVersion(),
    collectedAt: now.toISOString(),
    engine: engineCodeHash(),
  })
  const hashOf = (item: EvidenceItem): string => hashes.get(item) ?? sha256(canonicalBytes(item))
  const request = await assessmentRequest(loaded, library, now, collection, { results, hashOf })
  // The evidence and the parse results are recorded before the checks run: they are what the run
  // read, whatever the checks make of it. Written now, their hashes, canonical bytes and parse results
  // (at 100k objects ~60 MB) are let go before the findings are made, instead of sitting beside them.
  // The references and params were validated above; a run that fails past here stays open and is
  // reported incomplete, like any run interrupted while it is recorded.
  const recording = await beginAssessmentRecording(store, {
    evidence: collection.evidence,
    inputs: collection.inputs,
    signer,
    toolVersion: toolVersion(),
    generatedAt: request.generatedAt,
    evidenceHash: hashOf,
    // Let go once taken: each item is written once.
    evidenceBytes: (item) => {
      const made = bytes.get(item)
      bytes.delete(item)
      return made
    },
    extraEntries: parseCache.takeEntries(),
  })
  await recording.flush()
  hashes.clear()
  bytes.clear()
  parseCache.releaseItems()
  const model = assess(request)
  // Nothing of this run reads the evidence from here on: a caller that keeps none (assess) lets the
  // items go before the findings are written. The array is this run's own (withEvidence).
  if (!run.keepEvidence) {
    collection.evidence.length = 0
    run.evidenceReleased()
  }
  // Findings derived from exactly what a signed run's were are not serialised and recorded again.
  const findingsKey = results.findingsKey()
  const findingsParts = findingsKey === undefined ? undefined : await results.storedFindingsParts(findingsKey)
  const context = { toolVersion: toolVersion(), collectedAt: now.toISOString() }
  const { runId, manifest } = await recording.finish({
    model,
    ...(findingsKey === undefined
      ? {}
      : {
          findings:
            findingsParts === undefined ? { key: findingsKey } : { key: findingsKey, parts: findingsParts },
        }),
    // Lazy: the check results are expanded a slice at a time as they are appended.
    extraEntries: chain(
      results.takeEntries(),
      run.whole === undefined ? [] : [wholeRunEntry(run.whole, results.reused + results.evaluated, context)],
    ),
    remember: [...parseCache.remembered(), ...results.remembered()],
  })
  return {
    model,
    runId,
    manifest,
    evidence: run.keepEvidence ? collection.evidence : [],
    checkResults: {
      reused: results.reused,
      evaluated: results.evaluated,
      ignored: results.ignored,
      notKept: results.overBudget,
      coverageReused: results.coverageReused,
    },
  }
}

/**
 * Records a run that repeats an earlier one whole: its evidence listed by hash, its findings parts and
 * coverage, its model generated now. The evidence items are read back only when the caller keeps them.
 */
async function repeatRun(
  loaded: LoadedConfig,
  now: Date,
  run: {
    store: AssessmentStore
    signer: Signer
    reusable: ReusableRun
    keepEvidence: boolean
    whole: string
  },
): Promise<Recorded> {
  const { store, signer, reusable } = run
  const { content, stored, shown } = repeatedModel(reusable, now.toISOString(), contentHash(loaded.config))
  const context = { toolVersion: toolVersion(), collectedAt: now.toISOString() }
  const { runId, manifest } = await recordRepeatedAssessment(store, {
    model: stored,
    modelContent: content,
    evidence: reusable.evidence,
    ...(reusable.findingsList === undefined ? {} : { findingsList: reusable.findingsList }),
    signer,
    toolVersion: toolVersion(),
    extraEntries: [wholeRunEntry(run.whole, reusable.checks, context)],
  })
  const evidence = run.keepEvidence ? (await runEvidence(store, runId)).map((e) => e.item) : []
  return {
    model: shown,
    runId,
    manifest,
    evidence,
    checkResults: { reused: reusable.checks, evaluated: 0, ignored: 0, notKept: 0, coverageReused: true },
  }
}

/** The shipped third parties with the provider and crosswalk files trustctl.yaml adds. */
async function thirdPartiesOf(
  loaded: LoadedConfig,
  library: Library,
): Promise<ThirdPartyLibrary | undefined> {
  return library.thirdParties === undefined
    ? undefined
    : loadThirdPartyLibrary(library.thirdParties, library.catalog, loaded.config, loaded.root, loaded.file)
}

/** The collection with the evidence read from the store after its own, in an array of this run's. */
function withEvidence(collected: FileCollection, storeEvidence: readonly EvidenceItem[]): FileCollection {
  return { ...collected, evidence: [...collected.evidence, ...storeEvidence] }
}

/** The items of each iterable in turn, taken only as they are asked for. */
function* chain<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const part of parts) yield* part
}

/**
 * What assess() turns the engine's findings into the model's with, besides the checks' own results:
 * every evidence item (staleness notes), the scope, as-of date, exceptions and freshness limits, which
 * checks are switched off, and the catalog's mapping of checks to controls and criteria.
 */
function findingsInputs(
  loaded: LoadedConfig,
  library: Library,
  evidence: readonly EvidenceItem[],
  hashOf: (item: EvidenceItem) => string,
): unknown {
  const { scope, freshness, exceptions, controls, checks } = loaded.config
  return {
    evidence: sha256(evidence.map(hashOf).join(',')),
    config: { scope, freshness, exceptions, controls, checks },
    controls: library.catalog.controls.map((c) => [c.id, c.testedBy, c.satisfies.soc2]),
    criteria: [...library.catalog.criteria.values()].map((c) => [c.id, c.category]),
  }
}

/**
 * Canonical bytes of evidence kept from hashing until they are recorded, up to this many: the recording
 * then does not serialise the same items again (a 10k-object estate's are ~6 MB), while a larger estate
 * holds no more than this beside its evidence and serialises the rest again.
 */
const keptEvidenceBytes = 16 * 1024 * 1024

/**
 * The SHA-256 of each item's canonical bytes (what it is recorded under, and what check results are
 * keyed by), and the bytes themselves for the first items up to keptEvidenceBytes. `parsed`: the bytes
 * the parse cache made for an item, where it vouches they are still the item's (not made again).
 */
export function evidenceHashes(
  items: readonly EvidenceItem[],
  parsed: (item: EvidenceItem) => Uint8Array | undefined = () => undefined,
): {
  hashes: Map<EvidenceItem, string>
  bytes: Map<EvidenceItem, Uint8Array>
} {
  const hashes = new Map<EvidenceItem, string>()
  const bytes = new Map<EvidenceItem, Uint8Array>()
  let kept = 0
  for (const item of items) {
    if (hashes.has(item)) continue
    const content = parsed(item) ?? canonicalBytes(item)
    hashes.set(item, sha256(content))
    if (kept + content.byteLength > keptEvidenceBytes) continue
    kept += content.byteLength
    bytes.set(item, content)
  }
  return { hashes, bytes }
}

/**
 * Assesses the estate as it is now, in memory, and stores nothing: what `gaps`, `explain` and
 * `report` answer from unless told to `--record`. Inputs an earlier signed run parsed are read back
 * through the parse cache (only results a sealed run vouches for); inputs parsed here are not kept.
 * Without a store (no run yet) everything is parsed and no store is created.
 */
export async function evaluateAssessment(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
  { env }: Pick<RunEnvironment, 'env'>,
): Promise<{ model: AssessmentModel; evidence: FileCollection['evidence']; ignoredCacheEntries: number }> {
  const hasStore = loaded.config.store.backend === 'postgres' || existsSync(storeLocation(loaded, env))
  // Results are trusted only under the pinned key, or failing a pin the key runs here sign with. A
  // key that is not there is not created (reading makes no key): then nothing stored can be trusted.
  const rootKey = hasStore ? (pinnedKeyOf(loaded) ?? existingSigner(loaded, env)?.fingerprint) : undefined
  if (rootKey === undefined) {
    const { model, collection } = await collectAndAssess(loaded, library, env, now, undefined, {
      readOnly: true,
    })
    return { model, evidence: collection.evidence, ignoredCacheEntries: 0 }
  }
  const store = await openStore(loaded, env, { mustExist: true })
  try {
    const stored = new StoredParseCache(store, toolVersion(), now.toISOString(), rootKey)
    // Reads through the ledger's cache, never adds to it: nothing of this run is recorded.
    const readOnly: ParseCache = { get: (key) => stored.get(key), set: () => undefined }
    const { model, collection } = await collectAndAssess(loaded, library, env, now, readOnly, {
      readOnly: true,
    })
    return { model, evidence: collection.evidence, ignoredCacheEntries: stored.ignored }
  } finally {
    await store.close()
  }
}

/** `--record` on a read-only command: assess and store the run; otherwise assess in memory only. */
export async function assessForReading(
  loaded: LoadedConfig,
  library: Library,
  now: Date,
  run: RunEnvironment,
  record: boolean,
): Promise<AssessmentModel> {
  return record
    ? (await runAssessment(loaded, library, now, run)).model
    : (await evaluateAssessment(loaded, library, now, run)).model
}
