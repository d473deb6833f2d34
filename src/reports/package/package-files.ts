import { sha256 } from '../../core/ledger.js'
import type { PackageModel } from '../../core/package/model.js'
import { type ReportFile, reporters } from '../reporters.js'

export { renderPackageFiles } from '../render-reports.js'

/** One file of the package: its path inside the package folder, its bytes and what it is. */
export type PackageFile = ReportFile

/** A renderer of one or more package files; the benchmark and the server's progress go part by part. */
export interface PackagePart {
  name: string
  render: (pkg: PackageModel) => Promise<PackageFile[]> | PackageFile[]
}

/** Every part of the package in the order they are written: the registry's package formats. */
export const packageParts: readonly PackagePart[] = reporters.flatMap((r) =>
  r.package === undefined ? [] : [{ name: r.id, render: r.package }],
)

/** manifest.json: every file of the package with its size and SHA-256, and how it is signed. */
export interface PackageManifest {
  kind: 'trustctl-soc2-package'
  version: 1
  organization: string
  system: string
  engagement: PackageModel['engagement']
  generatedAt: string
  tool: string
  configHash: string
  files: { path: string; bytes: number; sha256: string; description: string }[]
  signature: { algorithm: string; signed: string; keyFingerprint: string; publicKey: string; value: string }
}

/** Builds the manifest of the files; the signature is added by whoever holds the key. */
export function packageManifest(
  pkg: PackageModel,
  files: readonly PackageFile[],
): Omit<PackageManifest, 'signature'> {
  return {
    kind: 'trustctl-soc2-package',
    version: 1,
    organization: pkg.organization,
    system: pkg.system,
    engagement: pkg.engagement,
    generatedAt: pkg.generatedAt,
    tool: `trustctl ${pkg.toolVersion}`,
    configHash: pkg.configHash,
    files: files.map((f) => ({
      path: f.path,
      bytes: f.content.length,
      sha256: sha256(f.content),
      description: f.description,
    })),
  }
}
