import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runEvidence } from '../../app/ledger.js'
import { type PackageFile, packageParts } from '../../app/package-rendering.js'
import { withRecordedRemediation } from '../../app/remediation.js'
import { parseEngagement, signedManifestFile } from '../../app/soc2-package.js'
import { StoreError } from '../../core/errors.js'
import { sha256 } from '../../core/ledger.js'
import type { SignedManifest } from '../../core/ledger-manifest.js'
import { buildPackage } from '../../core/package/build-package.js'
import type { Engagement } from '../../core/package/model.js'
import type { ServerContext } from '../context.js'
import { packageIdPattern } from '../contract/packages.js'
import { type JobProgress, jobHandlers } from '../jobs.js'
import type { Actor } from '../route.js'
import { assessOnServer } from './assess-job.js'

/** A package folder's name (`20261130T142501-type1`): the contract's, so ids in URLs are checked alike. */
export { packageIdPattern }

/**
 * A package as the server lists it: files, engagement and date from the verified signed manifest
 * (package-folder.ts); who made it and from which run from the unsigned package.json labels.
 */
export interface PackageRecord {
  id: string
  type: 1 | 2
  engagement: Engagement
  createdAt: string
  createdBy: string
  /** The assessment run the package was built from. */
  runId: number
  files: { name: string; bytes: number; sha256: string }[]
}

/** The manifest's own name; it is not listed in itself. */
export const packageRecordFile = 'package.json'

export function packageId(at: Date, type: 1 | 2): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '')
  return `${stamp}-type${type}`
}

/** The signed manifest of a run, as the reports cite it: how an auditor checks the package against the ledger. */
async function ledgerReference(context: ServerContext, runId: number) {
  for await (const { record, blob } of context.ledger.scan({ runId, kinds: ['manifest'] })) {
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(`run ${runId}: its manifest does not match its hash; the store was altered`)
    const signed = JSON.parse(Buffer.from(blob).toString('utf8')) as SignedManifest
    return {
      runId,
      runManifestHash: record.contentHash,
      chainHead: signed.manifest.chainHead,
      publicKeyFingerprint: context.signer.fingerprint,
      publicKey: context.signer.publicKeyPem.trim(),
    }
  }
  throw new StoreError(`run ${runId} has no signed manifest`)
}

/** Creates the package folder under a fresh id; a second package in the same second waits for the next. */
async function newPackageFolder(
  context: ServerContext,
  type: 1 | 2,
): Promise<{ id: string; folder: string }> {
  await mkdir(context.packagesDir, { recursive: true })
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = packageId(new Date(context.now().getTime() + attempt * 1000), type)
    const folder = path.join(context.packagesDir, id)
    try {
      await mkdir(folder)
      return { id, folder }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  throw new StoreError(`cannot create a package folder in ${context.packagesDir}: every id is taken`)
}

const assessSteps = 5

/**
 * Builds the SOC 2 package as `trustctl package` does: assesses as of the engagement's date (the
 * server's sources and the collectors' pushes), builds the package model, renders every part, signs
 * the manifest with the ledger's key, and writes it all with a `package.json` listing each file.
 */
export async function buildServerPackage(
  parameters: Record<string, unknown>,
  progress: JobProgress,
  context: ServerContext,
  actor: Actor,
): Promise<Record<string, unknown>> {
  const str = (key: string) => (typeof parameters[key] === 'string' ? (parameters[key] as string) : undefined)
  const asOfParameter = str('asOf')
  const from = str('from')
  const to = str('to')
  const engagement = parseEngagement(
    {
      type: String(parameters.type),
      ...(asOfParameter === undefined ? {} : { asOf: asOfParameter }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    },
    context.loaded.config.scope.asOf,
  )
  const total = assessSteps + 1 + packageParts.length + 1
  const asOf = engagement.type === 1 ? engagement.asOf : engagement.to
  const config = { ...context.loaded.config, scope: { ...context.loaded.config.scope, asOf } }
  const { runId } = await assessOnServer(
    { ...context, loaded: { ...context.loaded, config } },
    (done, _, step) => progress(done, total, `assessment: ${step}`),
  )

  progress(assessSteps, total, 'building the package model')
  const stored = await context.run(runId)
  // The remediation plan shows the owners, dates and statuses recorded through this server.
  const model = await withRecordedRemediation(context.ledger, {
    ...stored.model,
    ledger: await ledgerReference(context, runId),
  })
  const evidence = (await runEvidence(context.ledger, runId)).map((e) => e.item)
  const pkg = buildPackage({ model, config, evidence, engagement, catalog: context.library.catalog })

  const files: PackageFile[] = []
  for (const [i, part] of packageParts.entries()) {
    progress(assessSteps + 1 + i, total, `rendering ${part.name.toUpperCase()}`)
    files.push(...(await part.render(pkg)))
  }

  progress(total - 1, total, 'signing and writing the files')
  const all = [...files, signedManifestFile(pkg, files, context.signer)]
  const { id, folder } = await newPackageFolder(context, engagement.type)
  for (const file of all) {
    const target = path.join(folder, file.path)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, file.content)
  }
  const record: PackageRecord = {
    id,
    type: engagement.type,
    engagement,
    createdAt: context.now().toISOString(),
    createdBy: actor.name,
    runId,
    files: all.map((f) => ({
      name: f.path,
      bytes: f.content.length,
      sha256: sha256(f.content),
    })),
  }
  // Written last: a folder without package.json is a package still being written, and is not listed.
  await writeFile(path.join(folder, packageRecordFile), `${JSON.stringify(record, null, 2)}\n`)
  return { packageId: id, runId, files: record.files.length }
}

jobHandlers.package = buildServerPackage
