/**
 * Secrets in the files a Dockerfile copies into its image. `COPY config/settings.properties /app/`
 * bakes whatever the file holds into every layer and registry the image reaches, whether or not the
 * repository is scanned for secrets as a whole (`trustctl init` adds no secrets source). Each local
 * COPY/ADD source that is a file is scanned with the secret rules; what is kept is the rule and the
 * place, never the value.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { EvidenceItem } from '../../core/evidence.js'
import type { ContainerDockerfile } from '../../core/evidence-container.js'
import { type CompiledRules, compileRules, isBinary, scanText } from '../secrets/scan-text.js'

/** Files larger than this are build inputs (archives, datasets), not configuration. */
const largestScanned = 1024 * 1024

let compiled: CompiledRules | undefined

/** A source's path inside the repository, or undefined when it is remote, a glob, or leads out. */
function candidates(dockerfile: ContainerDockerfile, source: string): string[] {
  if (/^[a-z]+:\/\//i.test(source) || /[*?[\]$]/.test(source)) return []
  // The build context is the Dockerfile's folder (`docker build services/worker`) or the repository
  // root (`docker build -f services/worker/Dockerfile .`): both are tried.
  const beside = path.posix.join(path.posix.dirname(dockerfile.file), source)
  const atRoot = path.posix.normalize(source.replace(/^\/+/, ''))
  return [...new Set([beside, atRoot])].filter((p) => p !== '' && !p.startsWith('..') && !path.isAbsolute(p))
}

async function scanFile(
  root: string,
  relative: string,
): Promise<{ line: number; rule: string }[] | undefined> {
  const absolute = path.join(root, relative)
  const info = await stat(absolute).catch(() => undefined)
  if (info === undefined || !info.isFile() || info.size > largestScanned) return undefined
  const bytes = await readFile(absolute)
  if (isBinary(bytes)) return []
  compiled ??= compileRules()
  return scanText(bytes.toString('utf8'), compiled).map((m) => ({ line: m.line, rule: m.rule.title }))
}

/**
 * Adds `secretsInSource` to each COPY/ADD of the repository's Dockerfiles whose source file holds a
 * secret. Runs after parsing (and after the parse cache), so a changed settings file is seen even
 * when its Dockerfile is unchanged.
 */
export async function noteCopiedSecrets(root: string, evidence: readonly EvidenceItem[]): Promise<void> {
  for (const item of evidence) {
    if (item.kind !== 'container.dockerfile') continue
    const dockerfile: ContainerDockerfile = item
    for (const copy of dockerfile.copies) {
      if (copy.fromStage !== undefined) continue
      const found: { file: string; line: number; rule: string }[] = []
      for (const source of copy.sources) {
        for (const file of candidates(dockerfile, source)) {
          const hits = await scanFile(root, file)
          if (hits === undefined) continue
          found.push(...hits.map((hit) => ({ file, ...hit })))
          break
        }
      }
      if (found.length > 0) copy.secretsInSource = found
    }
  }
}
