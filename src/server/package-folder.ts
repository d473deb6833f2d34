import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { sha256 } from '../core/ledger.js'
import { type PackageProblem, verifyPackage } from '../core/package-verify.js'
import { cliPackageIdPattern, serverPackageIdPattern } from './contract/packages.js'
import type { PackageRecord } from './jobs/package-job.js'

/**
 * A package folder as the server serves it: everything that decides what is served and to whom (the
 * files, their sizes and SHA-256, the engagement an auditor's period is compared with) comes from the
 * signed manifest.json, verified against the server's own signing key and against the folder's bytes.
 * The unsigned package.json the package job writes last only marks a finished package and names who
 * asked for it and from which run (labels, never trusted for access or integrity).
 */

export const signedManifestName = 'manifest.json'
export const packageLabelsName = 'package.json'

const engagementSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal(1), asOf: z.string() }),
  z.object({ type: z.literal(2), from: z.string(), to: z.string() }),
])

const labelsSchema = z.looseObject({
  createdBy: z.string().optional(),
  runId: z.number().int().optional(),
})

export type PackageState =
  | { verified: true; record: PackageRecord }
  | { verified: false; id: string; problems: PackageProblem[] }

/** Every file under the folder by its relative `/`-separated path, except the manifest and the labels. */
async function folderContents(folder: string): Promise<Map<string, { bytes: number; sha256: string }>> {
  const contents = new Map<string, { bytes: number; sha256: string }>()
  const entries = await readdir(folder, { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const relative = path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')
    if (relative === signedManifestName || relative === packageLabelsName) continue
    const bytes = await readFile(path.join(folder, relative))
    contents.set(relative, { bytes: bytes.length, sha256: sha256(bytes) })
  }
  return contents
}

/** Where packages are: the server's own exports, and the report folder `trustctl package` writes into. */
export interface PackageFolders {
  packagesDir: string
  /** The configured report folder (report.out); packages the command line wrote are listed too. */
  cliPackagesDir?: string | undefined
}

/** The folder of a package by its id, or undefined when the id names no place a package can be. */
export function packageFolderOf(folders: PackageFolders, id: string): string | undefined {
  if (serverPackageIdPattern.test(id)) return path.join(folders.packagesDir, id)
  if (cliPackageIdPattern.test(id) && folders.cliPackagesDir !== undefined)
    return path.join(folders.cliPackagesDir, id)
  return undefined
}

/** Who made a package the command line wrote (it keeps no package.json of labels). */
export const cliPackageAuthor = 'trustctl package (command line)'

/**
 * Reads and verifies one package folder: undefined while it is being written (a server export with no
 * package.json yet) or when there is no such package; otherwise verified with its record, or failed
 * with the reasons. A package the command line wrote is complete once its signed manifest verifies.
 */
export async function readPackage(
  folders: PackageFolders | string,
  id: string,
  pinnedKey: string,
): Promise<PackageState | undefined> {
  const folder = packageFolderOf(typeof folders === 'string' ? { packagesDir: folders } : folders, id)
  if (folder === undefined) return undefined
  const fromCli = cliPackageIdPattern.test(id)
  const labelsText = await readFile(path.join(folder, packageLabelsName), 'utf8').catch(() =>
    fromCli ? '{}' : undefined,
  )
  if (labelsText === undefined) return undefined
  const failed = (problems: PackageProblem[]): PackageState => ({ verified: false, id, problems })
  const manifestBytes = await readFile(path.join(folder, signedManifestName)).catch(() => undefined)
  if (manifestBytes === undefined)
    return failed([{ type: 'manifest-unreadable', file: signedManifestName, message: 'no manifest.json' }])
  const report = verifyPackage(manifestBytes.toString('utf8'), await folderContents(folder), { pinnedKey })
  const manifest = report.manifest
  if (!report.ok || manifest === undefined) return failed(report.problems)
  const engagement = engagementSchema.safeParse(manifest.engagement)
  if (!engagement.success)
    return failed([
      { type: 'manifest-unreadable', message: 'the signed manifest names no engagement period' },
    ])
  let labels: z.output<typeof labelsSchema> = {}
  try {
    labels = labelsSchema.catch({}).parse(JSON.parse(labelsText))
  } catch {
    // Labels are only labels: an unreadable package.json leaves them blank.
  }
  const generatedAt = typeof manifest.generatedAt === 'string' ? manifest.generatedAt : ''
  return {
    verified: true,
    record: {
      id,
      type: engagement.data.type,
      engagement: engagement.data,
      createdAt: generatedAt,
      createdBy: labels.createdBy ?? (fromCli ? cliPackageAuthor : ''),
      runId: labels.runId ?? 0,
      files: [
        ...manifest.files.map((f) => ({ name: f.path, bytes: f.bytes, sha256: f.sha256 })),
        { name: signedManifestName, bytes: manifestBytes.length, sha256: sha256(manifestBytes) },
      ],
    },
  }
}
