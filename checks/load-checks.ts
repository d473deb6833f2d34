import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import yaml from 'js-yaml'
import { z, type core as zodCore } from 'zod'
import { type Check, severities } from '../src/core/check.js'
import { CheckDefinitionError, formatPath } from '../src/core/errors.js'
import { evidenceKinds } from '../src/core/evidence.js'
import { compileRule, ruleSchema } from '../src/core/rule.js'

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
  // Every folder is looked at concurrently: start-up waits for the slowest stat, not their sum.
  const sources = (await readdir(checksRoot, { withFileTypes: true })).filter((e) => e.isDirectory())
  const perSource = await Promise.all(
    sources.map(async (source) => {
      const entries = (await readdir(path.join(checksRoot, source.name), { withFileTypes: true })).filter(
        (e) => e.isDirectory(),
      )
      const found = await Promise.all(
        entries.map(async (entry) =>
          (await findCheckFile(path.join(checksRoot, source.name, entry.name))) === undefined
            ? []
            : [`${source.name}/${entry.name}`],
        ),
      )
      return found.flat()
    }),
  )
  return perSource.flat().sort()
}

async function findCheckFile(folder: string): Promise<string | undefined> {
  for (const name of ['check.js', 'check.ts', 'rule.yaml']) {
    const file = path.join(folder, name)
    try {
      if ((await stat(file)).isFile()) return file
    } catch {
      // not this one; try the next extension
    }
  }
  return undefined
}

/**
 * Loads every check and validates its metadata, so a malformed check fails at load with the folder
 * and field named, not halfway through an assessment.
 */
export async function loadChecks(): Promise<Check[]> {
  const checks: Check[] = []
  const folders = await listCheckFolders()
  // Imported concurrently (the loader reads and compiles them side by side), validated in order.
  const modules = await Promise.all(
    folders.map(async (folder) => {
      const file = await findCheckFile(path.join(checksRoot, folder))
      if (file === undefined) return undefined
      if (file.endsWith('rule.yaml')) return { rule: await loadRule(folder, file) }
      return { module: (await import(pathToFileURL(file).href)) as unknown }
    }),
  )
  for (const [i, folder] of folders.entries()) {
    const loaded = modules[i]
    if (loaded === undefined) continue
    if ('rule' in loaded) {
      checks.push(loaded.rule)
      continue
    }
    const module = loaded.module
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
    checks.push(check)
  }
  return checks
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

/** Reads, validates and compiles a `rule.yaml`; a mistake fails the load naming file and key path. */
export async function loadRule(folder: string, file: string): Promise<Check> {
  const where = `checks/${folder}/rule.yaml`
  let data: unknown
  try {
    data = yaml.load(await readFile(file, 'utf8'), { filename: where, schema: yaml.JSON_SCHEMA })
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
  const check = compileRule(parsed.data)
  const metadata = checkMetadata.safeParse(check)
  if (!metadata.success) {
    const issue = metadata.error.issues[0]
    throw new CheckDefinitionError(
      `${where}: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return check
}
