import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { type Check, severities } from '../src/core/check.js'
import { CheckDefinitionError, formatPath } from '../src/core/errors.js'
import { evidenceKinds } from '../src/core/evidence.js'

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
  for (const name of ['check.js', 'check.ts']) {
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
      return file === undefined ? undefined : ((await import(pathToFileURL(file).href)) as unknown)
    }),
  )
  for (const [i, folder] of folders.entries()) {
    const module = modules[i]
    if (module === undefined) continue
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
