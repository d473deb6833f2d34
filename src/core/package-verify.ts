import { createPublicKey, verify } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from './canonical-json.js'
import { keyFingerprint } from './ledger-manifest.js'

/**
 * Checks a SOC 2 package folder against its signed manifest: the signature over the manifest (by the
 * pinned key when one is given), then every listed file's size and SHA-256, and that no file was
 * added. Pure: the caller reads the folder and hands over what it found.
 */

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

/** The part of a package manifest verification relies on; other fields are signed but not read. */
export const signedPackageManifestSchema = z.looseObject({
  kind: z.literal('trustctl-soc2-package'),
  version: z.literal(1),
  engagement: z.looseObject({ type: z.union([z.literal(1), z.literal(2)]) }),
  files: z.array(z.looseObject({ path: z.string(), bytes: z.number().int().min(0), sha256: sha256Hex })),
  signature: z.object({
    algorithm: z.literal('Ed25519'),
    signed: z.string(),
    keyFingerprint: sha256Hex,
    publicKey: z.string(),
    value: z.string(),
  }),
})
export type SignedPackageManifest = z.infer<typeof signedPackageManifestSchema>

export type PackageProblemType =
  | 'manifest-unreadable'
  | 'manifest-bad-signature'
  | 'manifest-other-key'
  | 'file-missing'
  | 'file-changed'
  | 'file-unlisted'
  | 'file-path-unsafe'

export interface PackageProblem {
  type: PackageProblemType
  file?: string
  message: string
}

export interface PackageVerifyReport {
  ok: boolean
  /** The signing key's fingerprint, when the manifest could be read. */
  keyFingerprint?: string
  files: number
  problems: PackageProblem[]
  /** The manifest, only when its signature verified: what a server may trust (e.g. the audit period). */
  manifest?: SignedPackageManifest
}

/** What the caller found in the folder, by path relative to it (the manifest itself excluded). */
export type PackageContents = ReadonlyMap<string, { bytes: number; sha256: string }>

/** A listed path must stay inside the folder: relative, no `..`, no backslashes or drive letters. */
export function packagePathSafe(file: string): boolean {
  return (
    file.length > 0 &&
    !file.startsWith('/') &&
    !file.includes('\\') &&
    !/^[A-Za-z]:/.test(file) &&
    file.split('/').every((part) => part !== '..' && part !== '.' && part !== '')
  )
}

/** Verifies a package manifest's text against the folder's contents. */
export function verifyPackage(
  manifestText: string,
  contents: PackageContents,
  options: { pinnedKey?: string } = {},
): PackageVerifyReport {
  let raw: unknown
  try {
    raw = JSON.parse(manifestText)
  } catch (error) {
    return unreadable(`manifest.json is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const parsed = signedPackageManifestSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return unreadable(
      `manifest.json is not a signed trustctl package manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  const manifest = parsed.data
  const problems: PackageProblem[] = []
  const signatureOk = signatureValid(raw, manifest)
  if (!signatureOk)
    problems.push({
      type: 'manifest-bad-signature',
      message: `the manifest's signature does not verify with its key ${manifest.signature.keyFingerprint.slice(0, 12)}: the manifest was edited`,
    })
  if (options.pinnedKey !== undefined && manifest.signature.keyFingerprint !== options.pinnedKey)
    problems.push({
      type: 'manifest-other-key',
      message: `the manifest is signed by key ${manifest.signature.keyFingerprint.slice(0, 12)}, not the pinned ${options.pinnedKey.slice(0, 12)}`,
    })
  problems.push(...fileProblems(manifest, contents))
  return {
    ok: problems.length === 0,
    keyFingerprint: manifest.signature.keyFingerprint,
    files: manifest.files.length,
    problems,
    ...(signatureOk ? { manifest } : {}),
  }
}

function unreadable(message: string): PackageVerifyReport {
  return { ok: false, files: 0, problems: [{ type: 'manifest-unreadable', file: 'manifest.json', message }] }
}

/** The signature covers the canonical JSON of the manifest as written, without its signature field. */
function signatureValid(raw: unknown, manifest: SignedPackageManifest): boolean {
  if (raw === null || typeof raw !== 'object') return false
  const unsigned = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'signature'))
  try {
    if (keyFingerprint(manifest.signature.publicKey) !== manifest.signature.keyFingerprint) return false
    return verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      createPublicKey(manifest.signature.publicKey),
      Buffer.from(manifest.signature.value, 'base64'),
    )
  } catch {
    return false
  }
}

function fileProblems(manifest: SignedPackageManifest, contents: PackageContents): PackageProblem[] {
  const problems: PackageProblem[] = []
  const listed = new Set<string>()
  for (const file of manifest.files) {
    listed.add(file.path)
    if (!packagePathSafe(file.path)) {
      problems.push({
        type: 'file-path-unsafe',
        file: file.path,
        message: `${file.path}: the manifest lists a path outside the package folder`,
      })
      continue
    }
    const found = contents.get(file.path)
    if (found === undefined)
      problems.push({ type: 'file-missing', file: file.path, message: `${file.path}: listed but missing` })
    else if (found.sha256 !== file.sha256 || found.bytes !== file.bytes)
      problems.push({
        type: 'file-changed',
        file: file.path,
        message: `${file.path}: ${found.bytes} bytes with SHA-256 ${found.sha256.slice(0, 12)}, but the manifest signed ${file.bytes} bytes with ${file.sha256.slice(0, 12)}: the file was changed`,
      })
  }
  for (const path of contents.keys())
    if (!listed.has(path))
      problems.push({
        type: 'file-unlisted',
        file: path,
        message: `${path}: in the folder but not in the signed manifest: added after signing`,
      })
  return problems
}
