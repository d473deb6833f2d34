import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import yaml from 'js-yaml'
import { z, type core as zodCore } from 'zod'
import { type Check, severities } from '../src/core/check.js'
import { CheckDefinitionError, formatPath } from '../src/core/errors.js'
import { evidenceKinds } from '../src/core/evidence.js'
import { compileRule, type Rule, ruleSchema } from '../src/core/rule.js'
import { bundledCheckModules } from './bundled-checks.js'

/** The folder holding the check folders, whether running from source or from the build. */
export const checksRoot = path.dirname(fileURLToPath(import.meta.url))

// Mappings point one way, criterion ← control ← check: a check's own text never names a criterion.
const criterionId = /\b(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+\b/
const noCriterion = (text: string): boolean => !criterionId.test(text)
const noCriterionMessage = 'names a criterion id; controls map criteria, checks do not'

const checkMetadata = z.object({
  id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be <source>/<check-name> in kebab-case'),
  title: z
    .string()
    .min(10)
    .refine((t) => !/^ensure\b/i.test(t), 'states the good state, not an instruction ("Ensure …")'),
  description: z.string().min(20).refine(noCriterion, noCriterionMessage),
  remediation: z.string().min(10).refine(noCriterion, noCriterionMessage),
  severity: z.enum(severities),
  reads: z.array(z.enum(evidenceKinds as [string, ...string[]])).min(1),
})

/** The shape defineCheck returns: metadata is validated separately, this guards the code parts. */
function isCheck(value: unknown): value is Check {
  return (
    typeof value === 'object' &&
    value !== null &&
    'evaluate' in value &&
    typeof value.evaluate === 'function' &&
    'params' in value &&
    value.params instanceof z.ZodType
  )
}

/** Lists `<source>/<name>` for every folder that holds a check. */
export async function listCheckFolders(): Promise<string[]> {
  return (await listCheckFiles()).map(([folder]) => folder)
}

/**
 * Every folder that holds a check with the file that defines it (check.js, check.ts or rule.yaml),
 * sorted by folder: the load looks for each folder's file once, not once to list it and again to load.
 */
async function listCheckFiles(stats?: StatCache): Promise<[folder: string, file: string][]> {
  // Synchronous, as the stats (findCheckFile): a dozen folder reads and a few hundred stats from a
  // warm cache cost less CPU one after another than as many promises (one per check folder).
  const found: [string, string][] = []
  for (const source of readdirSync(checksRoot, { withFileTypes: true })) {
    if (!source.isDirectory()) continue
    for (const entry of readdirSync(path.join(checksRoot, source.name), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const file = findCheckFile(path.join(checksRoot, source.name, entry.name), stats)
      if (file !== undefined) found.push([`${source.name}/${entry.name}`, file])
    }
  }
  return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

// Synchronous on purpose: a few hundred stats and small reads from a warm cache cost far less CPU
// than as many promises and thread-pool round trips, and start-up is spent on CPU, not waiting.
function findCheckFile(folder: string, stats?: StatCache): string | undefined {
  for (const name of ['check.js', 'check.ts', 'rule.yaml']) {
    const file = path.join(folder, name)
    if (statOf(file, stats)?.isFile() === true) return file
  }
  return undefined
}

/**
 * The stat of each file one load looked at: the check file found for a folder is the file whose stamp
 * the manifest compares (fileStampsMatch), stat'ed once for both.
 */
type StatCache = Map<string, Stats | undefined>

function statOf(file: string, stats?: StatCache): Stats | undefined {
  if (stats?.has(file) === true) return stats.get(file)
  const stat = statSync(file, { throwIfNoEntry: false })
  stats?.set(file, stat)
  return stat
}

/**
 * Declarative rules validated at build time (`npm run build` writes it beside the built checks): each
 * entry is a rule's parsed form keyed by its folder, with the SHA-256 of the rule.yaml it came from.
 * At run time a rule whose file still has that hash is compiled from the entry without YAML parsing
 * or schema validation (most of start-up before it); any other file (edited, added) is validated.
 */
export interface RuleSnapshot {
  version: 1
  /** `stamp`: the built rule.yaml's size and times; while they hold, the file is not read again. */
  rules: Record<string, { sha256: string; rule: Rule; stamp?: FileStamp }>
}

/** Where the build writes the snapshot: beside the built checks, so source runs never see one. */
export const ruleSnapshotFile = path.join(checksRoot, 'rules-snapshot.json')

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isSha256 = (value: unknown): boolean => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)

/**
 * True when `value` is `{ version: 1, [key]: { <name>: { sha256, <part>: … } } }` with every entry's
 * hash well formed and its part passing `partOk`: the envelope of the rule snapshot and the check
 * manifest. Checked by hand, not with a zod schema: a schema copies each of a few hundred entries,
 * and reading the manifest that way was ~2% of a small repository's assess.
 */
function isHashedEntries(
  value: unknown,
  key: 'rules' | 'checks',
  part: 'rule' | 'metadata',
  partOk: (part: unknown) => boolean,
): boolean {
  if (!isRecord(value) || value.version !== 1) return false
  const entries = value[key]
  if (!isRecord(entries)) return false
  for (const name in entries) {
    const entry = entries[name]
    if (!isRecord(entry) || !isSha256(entry.sha256) || !(part in entry) || !partOk(entry[part])) return false
  }
  return true
}

/**
 * Reads the build's snapshot; none (a source checkout) or an unreadable one gives undefined, and every
 * rule is then validated from its file as before: the snapshot only ever saves work, never decides.
 */
export async function readRuleSnapshot(file = ruleSnapshotFile): Promise<RuleSnapshot | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const parsed: unknown = JSON.parse(text)
    // The entries were validated when written; only the envelope is checked here (it is cheap).
    return isHashedEntries(parsed, 'rules', 'rule', () => true) ? (parsed as RuleSnapshot) : undefined
  } catch {
    return undefined
  }
}

/**
 * Validates every rule.yaml (as loadRule does, failing on the first mistake) and returns the snapshot
 * of their parsed forms. A parsed form that would not survive JSON unchanged fails the build here,
 * rather than giving a different rule at run time.
 */
export async function buildRuleSnapshot(): Promise<RuleSnapshot> {
  const rules: RuleSnapshot['rules'] = {}
  for (const folder of await listCheckFolders()) {
    const file = path.join(checksRoot, folder, 'rule.yaml')
    if (findCheckFile(path.join(checksRoot, folder)) !== file) continue
    rules[folder] = ruleSnapshotEntry(folder, await readFile(file, 'utf8'), stampOf(statSync(file)))
  }
  return { version: 1, rules }
}

/** One rule.yaml's text validated into its snapshot entry (fails as loadRule does on a mistake). */
export function ruleSnapshotEntry(
  folder: string,
  text: string,
  stamp?: FileStamp,
): RuleSnapshot['rules'][string] {
  const rule = parseRule(folder, text)
  compiledMetadata(folder, compileRule(rule))
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(rule)), rule))
    throw new CheckDefinitionError(`checks/${folder}/rule.yaml: its parsed form does not survive JSON`)
  return { sha256: sha256(text), rule, ...(stamp === undefined ? {} : { stamp }) }
}

/**
 * Loads every check and validates its metadata, so a malformed check fails at load with the folder
 * and field named, not halfway through an assessment. Rules the build already validated (same file
 * hash in the snapshot) are compiled from the snapshot.
 *
 * With `defer`, a check.ts the build's manifest describes (same hash of its code) is not imported
 * here: its check is made from the manifest's metadata (manifestCheck), and loadDeferredChecks
 * imports its code when the assessment is about to evaluate it, which it does only for checks with
 * evidence to evaluate (most of start-up for a small repo is importing a hundred check modules it has
 * no evidence for). Evaluating such a check without importing its code throws, which the engine
 * reports as an error finding: never a pass.
 */
export async function loadChecks(
  /** The build's snapshot by default; `null` validates every rule.yaml from its file. */
  snapshot: RuleSnapshot | null | Promise<RuleSnapshot | undefined> = readRuleSnapshot(),
  {
    defer = false,
    manifest = defer ? readCheckManifest() : undefined,
  }: {
    defer?: boolean
    /** The build's check manifest by default when deferring; `null` imports every check.ts. */
    manifest?: CheckManifest | null | Promise<CheckManifest | undefined> | undefined
  } = {},
): Promise<Check[]> {
  // Every file this load reads is read after this moment: what settledStamp measures against.
  const since = Date.now()
  const checks: Check[] = []
  const code = newCodeCache()
  // Neither the build's rules nor its checks asked for: no stamp would be looked at. Started before
  // the listing, which is synchronous: the read goes on while the folders are listed.
  const localStamps =
    snapshot === null && (manifest === null || manifest === undefined) ? undefined : readLocalStamps()
  const [files, validated, described, local] = await Promise.all([
    listCheckFiles(code.stats),
    snapshot ?? undefined,
    manifest ?? undefined,
    localStamps,
  ])
  const stamps = local ?? emptyLocalStamps()
  stamps.since = since
  // Imported concurrently (the loader reads and compiles them side by side), validated in order.
  // A rule and a check the manifest vouches for are made synchronously (their files were stat'ed and
  // at most read and hashed): a promise per folder cost more CPU at start-up than their work. The
  // check.ts modules left are imported concurrently (the loader reads and compiles them side by
  // side); a folder's mistake becomes its entry's rejection, so the first by folder order is
  // reported, as when every folder was a promise, and every import is still waited for.
  type Loaded = { check: Check } | { module: unknown }
  const modules: (Loaded | Promise<Loaded>)[] = files.map(([folder, file]): Loaded | Promise<Loaded> => {
    try {
      if (file.endsWith('rule.yaml')) return { check: ruleCheck(folder, file, validated, code.stats, stamps) }
      const fromManifest =
        described === undefined ? undefined : manifestCheck(folder, file, described, code, stamps)
      if (fromManifest !== undefined) return { check: fromManifest }
    } catch (error) {
      return Promise.reject(error)
    }
    return import(pathToFileURL(file).href).then((module: unknown) => ({ module }))
  })
  const pending = modules.filter((m): m is Promise<Loaded> => m instanceof Promise)
  if (pending.length > 0) {
    const settled = await Promise.all(pending)
    for (let i = 0, j = 0; i < modules.length; i++)
      if (modules[i] instanceof Promise) modules[i] = settled[j++] as Loaded
  }
  if (local !== undefined && stamps.changed) await writeLocalStamps(stamps)
  for (const [i, [folder]] of files.entries()) {
    const loaded = modules[i]
    if (loaded === undefined || loaded instanceof Promise) continue
    checks.push('check' in loaded ? loaded.check : checkFromModule(folder, loaded.module))
  }
  return checks
}

/** The check a check.ts module exports, its metadata validated; a mistake names the folder and field. */
function checkFromModule(folder: string, module: unknown): Check {
  const check =
    typeof module === 'object' && module !== null && 'default' in module ? module.default : undefined
  if (!isCheck(check)) {
    throw new CheckDefinitionError(`checks/${folder}: check.ts must export default defineCheck({...})`)
  }
  const parsed = checkMetadata.safeParse(check)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CheckDefinitionError(
      `checks/${folder}: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    )
  }
  if (parsed.data.id !== folder) {
    throw new CheckDefinitionError(
      `checks/${folder}: id '${parsed.data.id}' must equal the folder path '${folder}'`,
    )
  }
  return check
}

/**
 * What the build recorded of every check.ts (`npm run build` writes it beside the built checks, as
 * the rule snapshot): its metadata (everything but its code and params schema) and the SHA-256 of its
 * code, the check file and every file of checks/ it imports, however indirectly.
 */
export interface CheckManifest {
  version: 1
  checks: Record<string, { sha256: string; metadata: CheckMetadata; files?: Record<string, FileStamp> }>
}

/**
 * What the build saw of one file it hashed (path relative to checks/): its size, modification and
 * status-change times. A file with all three unchanged is taken to hold the code that was hashed, as
 * git's index takes an unchanged stat for unchanged content; any difference (an edit, a copy, a
 * touch) makes the load hash the file again, so a stamp only ever saves work, never vouches alone.
 */
export interface FileStamp {
  size: number
  mtimeMs: number
  ctimeMs: number
}

/** A check without its code: what reports, coverage and the catalog read of it. */
export type CheckMetadata = Omit<Check, 'evaluate' | 'params'>

/** Where the build writes the manifest: beside the built checks, so source runs never see one. */
export const checkManifestFile = path.join(checksRoot, 'checks-manifest.json')

/** Reads the build's manifest; none or an unreadable one gives undefined and every check.ts is imported. */
export async function readCheckManifest(file = checkManifestFile): Promise<CheckManifest | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    // The entries were validated when written (checkMetadata); only the envelope is checked here.
    const hasId = (metadata: unknown) => isRecord(metadata) && typeof metadata.id === 'string'
    return isHashedEntries(parsed, 'checks', 'metadata', hasId) ? (parsed as CheckManifest) : undefined
  } catch {
    return undefined
  }
}

/**
 * Imports every check.ts (validating it as loadChecks does) and records its metadata with the hash of
 * its code. Metadata that would not survive JSON unchanged fails the build here, rather than giving a
 * different check when deferred.
 */
export async function buildCheckManifest(): Promise<CheckManifest> {
  const checks: CheckManifest['checks'] = {}
  for (const folder of await listCheckFolders()) {
    const file = findCheckFile(path.join(checksRoot, folder))
    if (file === undefined || file.endsWith('rule.yaml')) continue
    const check = checkFromModule(folder, (await import(pathToFileURL(file).href)) as unknown)
    const metadata = checkMetadataOf(check)
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(metadata)), metadata))
      throw new CheckDefinitionError(`checks/${folder}: its metadata does not survive JSON`)
    const code = newCodeCache()
    const sha256 = await codeHash(file, code)
    checks[folder] = { sha256, metadata, files: codeStamps(file, code) }
  }
  return { version: 1, checks }
}

/** The stamp of every file codeHash read for `file` (the cache holds exactly those), by path under checks/. */
function codeStamps(file: string, code: CodeCache): Record<string, FileStamp> {
  const stamps: Record<string, FileStamp> = {}
  for (const name of [...codeFiles(file, code).keys()].sort()) {
    stamps[path.relative(checksRoot, name)] = stampOf(statSync(name))
  }
  return stamps
}

const stampOf = (stat: Stats): FileStamp => ({
  size: stat.size,
  mtimeMs: stat.mtimeMs,
  ctimeMs: stat.ctimeMs,
})

/** True when the file is there with the stamp's size and times (a stamp of any other shape: false). */
function stampHolds(file: string, stamp: unknown, stats?: StatCache): boolean {
  if (!isRecord(stamp)) return false
  const stat = statOf(file, stats)
  return (
    stat?.isFile() === true &&
    stat.size === stamp.size &&
    stat.mtimeMs === stamp.mtimeMs &&
    stat.ctimeMs === stamp.ctimeMs
  )
}

/** `file` and every checks/ file it imports, however indirectly, reading each once (shared with codeHash). */
function codeFiles(file: string, cache: CodeCache): Map<string, string> {
  const seen = new Map<string, string>()
  const pending = [file]
  while (pending.length > 0) {
    const next = pending.pop()
    if (next === undefined || seen.has(next)) continue
    const text = cache.texts.get(next) ?? readFileSync(next, 'utf8')
    cache.texts.set(next, text)
    seen.set(next, text)
    let imports = cache.imports.get(next)
    if (imports === undefined) {
      imports = checksImports(next, text, cache.targets)
      cache.imports.set(next, imports)
    }
    for (const imported of imports) if (!seen.has(imported)) pending.push(imported)
  }
  return seen
}

/**
 * True when the manifest entry stamped `file` among its files and every stamped file still has its
 * size and times: the code is the code the build hashed, without reading it. False sends the load
 * to codeHash, which decides.
 */
function fileStampsMatch(
  file: string,
  stamps: Record<string, FileStamp> | undefined,
  stats: StatCache,
): boolean {
  // The manifest's envelope is all readCheckManifest checks: stamps of any other shape match nothing.
  if (!isRecord(stamps) || !(path.relative(checksRoot, file) in stamps)) return false
  for (const name in stamps) if (!stampHolds(path.join(checksRoot, name), stamps[name], stats)) return false
  return true
}

/** Everything of a check but its code and its params schema. */
function checkMetadataOf(check: Check): CheckMetadata {
  const { evaluate: _code, params: _params, ...metadata } = check
  return metadata
}

/**
 * The SHA-256 of a check's code: its file and every file under checks/ it imports (a shared helper
 * can hold metadata too), in a fixed order. Imports from src/ are the engine, not the check.
 */
export async function codeHash(file: string, cache: CodeCache = newCodeCache()): Promise<string> {
  return codeHashOf(file, cache)
}

/** codeHash, synchronously (its reads are): what the load uses. */
function codeHashOf(file: string, cache: CodeCache): string {
  const seen = codeFiles(file, cache)
  const hash = createHash('sha256')
  for (const name of [...seen.keys()].sort())
    hash.update(`${path.relative(checksRoot, name)}\0${seen.get(name)}\0`)
  return hash.digest('hex')
}

/**
 * Files read and the checks/ files each of them imports, shared by the checks of one load: a hundred
 * checks import the same few helpers (and src/core/check.js), which were read, searched and stat'ed
 * per check.
 */
export interface CodeCache {
  texts: Map<string, string>
  imports: Map<string, string[]>
  /** The file each import target runs as (runnableFile). */
  targets: Map<string, string>
  /** The stats taken (findCheckFile, fileStampsMatch). */
  stats: StatCache
}
export const newCodeCache = (): CodeCache => ({
  texts: new Map(),
  imports: new Map(),
  targets: new Map(),
  stats: new Map(),
})

const checksPrefix = checksRoot + path.sep

/**
 * The files under checks/ a module imports by relative path (`./x.js` is `./x.ts` when run from
 * source). Imports of the engine (src/) are not looked at: they are not the check's code.
 */
function checksImports(file: string, text: string, targets: Map<string, string>): string[] {
  const imported: string[] = []
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.resolve(path.dirname(file), match[1] ?? '')
    if (!target.startsWith(checksPrefix)) continue
    let runs = targets.get(target)
    if (runs === undefined) {
      runs = runnableFile(target)
      targets.set(target, runs)
    }
    imported.push(runs)
  }
  return imported
}

/** The file an import of `target` runs: `./x.js` is `./x.ts` when run from source. */
function runnableFile(target: string): string {
  if (!target.endsWith('.js')) return target
  // Synchronous, as findCheckFile: a few dozen stats of a warm cache, not as many promises.
  if (statSync(target, { throwIfNoEntry: false })?.isFile() === true) return target
  // a source checkout: the .ts beside it is what runs
  return `${target.slice(0, -3)}.ts`
}

/**
 * The check of a check.ts made from the build manifest's metadata, without importing the module: its
 * id, title, reads, severity and every other field the reports and the catalog use are the ones its
 * code declares (the build recorded them from the module itself). Its code is imported by
 * loadDeferredChecks when the assessment is about to evaluate it; until then its `evaluate` throws.
 * Undefined unless the manifest vouches for the file's code (same hash): the module is imported then.
 */
function manifestCheck(
  folder: string,
  file: string,
  manifest: CheckManifest,
  code: CodeCache,
  local?: LocalStamps,
): Check | undefined {
  const entry = manifest.checks[folder]
  if (entry === undefined) return undefined
  // A CLI bundle runs its own copy of each check and of src/core, the copy its engine hash names
  // (built-engine-hash.ts). A check the bundle lacks would run on the compiled src/core beside it
  // instead, which that hash does not name: it is imported from its file like a check the manifest
  // does not vouch for, with no code hash, so none of its results is reused.
  if (bundledCheckModules !== undefined && bundledCheckModules[folder] === undefined) return undefined
  // The stamps spare reading and hashing the code at every run (the build's, else those an earlier
  // run on this machine took); a mismatch is settled by the hash.
  const seen = local?.checks[folder]
  const stamped =
    fileStampsMatch(file, entry.files, code.stats) ||
    (seen?.sha256 === entry.sha256 && fileStampsMatch(file, seen.files, code.stats))
  if (!stamped) {
    if (entry.sha256 !== codeHashOf(file, code)) return undefined
    const files = local === undefined ? undefined : settledStamps(file, code, local.since)
    if (local !== undefined && files !== undefined) {
      local.checks[folder] = { sha256: entry.sha256, files }
      local.changed = true
    }
  }
  const check: Check = {
    ...entry.metadata,
    // Never parsed with a value: a check the config gives params to is imported before validation.
    params: deferredParams,
    evaluate: () => {
      throw new Error(`checks/${folder}: its code was not loaded before it was run`)
    },
  }
  deferredFiles.set(check, { folder, file })
  codeHashes.set(check, `check:${entry.sha256}`)
  return check
}

const deferredParams = z.object({})

/**
 * Stamps this machine took of the built checks, for when the build's stamps do not hold: a packed
 * install (`npm pack`, then install) gives every file a fixed modification time and a new status
 * change time, so without these every run read and hashed every check's code and rule.yaml again.
 * A run that hashed a file and found the build's hash records the file's stamp here; a later run
 * whose file still has that stamp takes the build's hash as proved, as it does for the build's own
 * stamps. Kept in the user's cache folder (the install folder is often not writable), one file per
 * built checks folder.
 *
 * The file can only ever spare work: an entry counts only with the hash of the build's entry, so a
 * wrong one makes a run use the build's code for a file that holds other code (never code that is
 * not the build's), and a stale one (a reinstall, an edit: the status change time moves) is
 * settled by the hash again.
 */
interface LocalStamps {
  checks: Record<string, { sha256: string; files: Record<string, FileStamp> }>
  rules: Record<string, { sha256: string; stamp: FileStamp }>
  /** Set when this load added an entry: the file is written again. */
  changed: boolean
  /** When this load began, before it read any file (settledStamp). */
  since: number
}

const emptyLocalStamps = (): LocalStamps => ({ checks: {}, rules: {}, changed: false, since: Date.now() })

/**
 * `${XDG_CACHE_HOME or ~/.cache}/trustctl/check-stamps/<hash of the checks folder>.json` (the folder
 * bin/trustctl.js keeps Node's compile cache in), or undefined without a home folder: nothing is kept.
 */
export function localStampsFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME ?? ''
  let home = ''
  try {
    home = os.homedir()
  } catch {
    // an account without a home folder
  }
  const base = path.isAbsolute(xdg) ? xdg : path.isAbsolute(home) ? path.join(home, '.cache') : undefined
  if (base === undefined) return undefined
  return path.join(base, 'trustctl', 'check-stamps', `${sha256(checksRoot).slice(0, 16)}.json`)
}

/** The stamps an earlier run kept for this checks folder; none, unreadable or another folder's: empty. */
async function readLocalStamps(file = localStampsFile()): Promise<LocalStamps> {
  if (file === undefined) return emptyLocalStamps()
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    // Each entry's shape is checked where it is used (a hash compared, stampHolds): an odd one matches nothing.
    if (!isRecord(parsed) || parsed.version !== 1 || parsed.root !== checksRoot) return emptyLocalStamps()
    const checks = isRecord(parsed.checks) ? (parsed.checks as LocalStamps['checks']) : {}
    const rules = isRecord(parsed.rules) ? (parsed.rules as LocalStamps['rules']) : {}
    return { checks, rules, changed: false, since: Date.now() }
  } catch {
    return emptyLocalStamps()
  }
}

/** Writes the stamps (whole, by rename: a concurrent reader sees the old file or the new); a failure keeps none. */
async function writeLocalStamps(stamps: LocalStamps, file = localStampsFile()): Promise<void> {
  if (file === undefined) return
  try {
    await mkdir(path.dirname(file), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    const body = { version: 1, root: checksRoot, checks: stamps.checks, rules: stamps.rules }
    await writeFile(temporary, `${JSON.stringify(body)}\n`)
    await rename(temporary, file)
  } catch {
    // A cache folder that cannot be written: the next run hashes again, as it would have.
  }
}

/**
 * The file's stamp, taken after its text was read, when both its times are well before the load
 * began (`started`, before any read): a file changed while it was read (or within the file system's
 * time resolution of it) gets no stamp, as its stamp could belong to other text than the one hashed.
 */
function settledStamp(file: string, started: number): FileStamp | undefined {
  const stat = statSync(file, { throwIfNoEntry: false })
  if (stat === undefined || !stat.isFile()) return undefined
  const settled = started - 2000
  return stat.mtimeMs < settled && stat.ctimeMs < settled ? stampOf(stat) : undefined
}

/** settledStamp of every file codeHash read for `file`, by path under checks/; undefined if any is not settled. */
function settledStamps(
  file: string,
  code: CodeCache,
  started: number,
): Record<string, FileStamp> | undefined {
  const stamps: Record<string, FileStamp> = {}
  for (const name of [...codeFiles(file, code).keys()].sort()) {
    const stamp = settledStamp(name, started)
    if (stamp === undefined) return undefined
    stamps[path.relative(checksRoot, name)] = stamp
  }
  return stamps
}

/**
 * The hash of each check's own code where the load proved it: a rule.yaml's text, or a check.ts whose
 * manifest entry matched its files (codeHash). A check imported without a manifest has none.
 */
const codeHashes = new WeakMap<Check, string>()

/**
 * The hash of a check's code (its file and every checks/ file it imports; a rule's text), or undefined
 * when the load could not prove it (a source run, a check.ts the build's manifest does not vouch
 * for): a cached result of such a check is never reused. Engine code (src/) is not covered here.
 */
export const checkCodeHash = (check: Check): string | undefined => codeHashes.get(check)

/** The checks loadChecks made from the manifest (manifestCheck), each with the folder and file of its module. */
const deferredFiles = new WeakMap<Check, { folder: string; file: string }>()

/** True for a check loadChecks deferred and loadDeferredChecks has not replaced. */
export const isDeferred = (check: Check): boolean => deferredFiles.has(check)

/**
 * The checks with each deferred one that `needed` selects replaced by its module's check (imported
 * and validated as loadChecks does); the others stay as the manifest made them. Order is kept.
 */
export async function loadDeferredChecks(
  checks: readonly Check[],
  needed: (check: Check) => boolean,
): Promise<Check[]> {
  return Promise.all(
    checks.map(async (check) => {
      const deferred = deferredFiles.get(check)
      if (deferred === undefined || !needed(check)) return check
      const loaded = checkFromModule(deferred.folder, await importDeferred(deferred))
      // The manifest vouched for this code by its hash; a difference is a build defect, not a choice.
      if (!isDeepStrictEqual(checkMetadataOf(loaded), checkMetadataOf(check)))
        throw new CheckDefinitionError(
          `checks/${deferred.folder}: the build's check manifest does not match its code; run the build again`,
        )
      const hash = codeHashes.get(check)
      if (hash !== undefined) codeHashes.set(loaded, hash)
      return loaded
    }),
  )
}

/**
 * A deferred check's module. The manifest vouched for its file's code by hash, and the CLI bundle was
 * built from those same files: the bundle's copy is that code, loaded without a second copy of core
 * and zod. Without a bundle, the file itself.
 */
function importDeferred({ folder, file }: { folder: string; file: string }): Promise<unknown> {
  const bundled = bundledCheckModules?.[folder]
  return bundled === undefined ? import(pathToFileURL(file).href) : bundled()
}

/**
 * The issue to report from a failed parse. A condition is a union of shapes, and "invalid input" at
 * the union says nothing: the branch with the fewest issues is the shape the author meant (a leaf
 * with a misspelt operator), and its innermost issue names the real mistake.
 */
function deepestIssue(issues: readonly zodCore.$ZodIssue[]): zodCore.$ZodIssue | undefined {
  const issue = issues[0]
  if (issue?.code !== 'invalid_union' || issue.errors.length === 0) return issue
  const branch = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? []
  const inner = deepestIssue(branch)
  return inner === undefined ? issue : { ...inner, path: [...issue.path, ...inner.path] }
}

/** Parses and validates one rule.yaml's text; a mistake names the file and key path. */
function parseRule(folder: string, text: string): Rule {
  const where = `checks/${folder}/rule.yaml`
  let data: unknown
  try {
    data = yaml.load(text, { filename: where, schema: yaml.JSON_SCHEMA })
  } catch (error) {
    if (error instanceof yaml.YAMLException)
      throw new CheckDefinitionError(`${where}:${error.mark.line + 1}: invalid YAML: ${error.reason}`)
    throw error
  }
  const parsed = ruleSchema.safeParse(data)
  if (!parsed.success) {
    const issue = deepestIssue(parsed.error.issues)
    throw new CheckDefinitionError(
      `${where}: ${formatPath(issue?.path ?? []) || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  if (parsed.data.id !== folder)
    throw new CheckDefinitionError(`${where}: id: '${parsed.data.id}' must equal the folder path '${folder}'`)
  return parsed.data
}

/** The compiled rule's metadata, checked as a check.ts's is. */
function compiledMetadata(folder: string, check: Check): Check {
  const metadata = checkMetadata.safeParse(check)
  if (!metadata.success) {
    const issue = metadata.error.issues[0]
    throw new CheckDefinitionError(
      `checks/${folder}/rule.yaml: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return check
}

/**
 * Reads, validates and compiles a `rule.yaml`; a mistake fails the load naming file and key path. A
 * file the snapshot holds with the same hash was validated at build time and is compiled directly.
 */
export async function loadRule(
  folder: string,
  file: string,
  snapshot?: RuleSnapshot,
  stats?: StatCache,
  local?: LocalStamps,
): Promise<Check> {
  return ruleCheck(folder, file, snapshot, stats, local)
}

/** loadRule, synchronously (its reads are): what the load uses. */
function ruleCheck(
  folder: string,
  file: string,
  snapshot?: RuleSnapshot,
  stats?: StatCache,
  local?: LocalStamps,
): Check {
  const known = snapshot?.rules[folder]
  // The built file still has the size and times it had when hashed (at the build, or at an earlier
  // run on this machine): its text is the entry's.
  const seen = local?.rules[folder]
  if (
    known !== undefined &&
    (stampHolds(file, known.stamp, stats) ||
      (seen?.sha256 === known.sha256 && stampHolds(file, seen.stamp, stats)))
  ) {
    const check = compileRule(known.rule)
    codeHashes.set(check, `rule:${known.sha256}`)
    return check
  }
  const text = readFileSync(file, 'utf8')
  const hash = sha256(text)
  if (local !== undefined && known?.sha256 === hash) {
    const stamp = settledStamp(file, local.since)
    if (stamp !== undefined) {
      local.rules[folder] = { sha256: hash, stamp }
      local.changed = true
    }
  }
  const check =
    known !== undefined && known.sha256 === hash
      ? compileRule(known.rule)
      : compiledMetadata(folder, compileRule(parseRule(folder, text)))
  // The rule's text is its code (the compiler is engine code): what a cached result is keyed by.
  codeHashes.set(check, `rule:${hash}`)
  return check
}
