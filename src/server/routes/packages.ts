import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { zipSync } from 'fflate'
import { NotFoundError, StoreError } from '../../core/errors.js'
import { sha256 } from '../../core/ledger.js'
import type { AuditPeriod } from '../../core/team.js'
import type { ServerContext } from '../context.js'
import * as packages from '../contract/packages.js'
import { cliPackageIdPattern } from '../contract/packages.js'
import { type PackageRecord, packageIdPattern, packageRecordFile } from '../jobs/package-job.js'
import { packageFolderOf, readPackage } from '../package-folder.js'
import { type Actor, defineRoute, type RouteDefinition } from '../route.js'
import { contentDigest } from './evidence.js'

/** Whether a package speaks for dates inside the audit period (its as-of date, or its whole period). */
function packageInPeriod(record: PackageRecord, period?: AuditPeriod): boolean {
  if (period === undefined) return true
  const { engagement } = record
  const [first, last] =
    engagement.type === 1 ? [engagement.asOf, engagement.asOf] : [engagement.from, engagement.to]
  return first >= period.from && last <= period.to
}

/**
 * A package the actor may see: its signed manifest verified (else it is never served), and for an
 * auditor inside the audit period (else 404: an auditor is told nothing of packages outside it).
 */
async function visiblePackage(context: ServerContext, actor: Actor, id: string): Promise<PackageRecord> {
  const state = await readPackage(context, id, context.signer.fingerprint)
  if (state === undefined) throw new NotFoundError(`no package ${id}`)
  if (!state.verified) {
    if (actor.auditPeriod !== undefined) throw new NotFoundError(`no package ${id}`)
    throw new StoreError(
      `package ${id} failed verification against its signed manifest: ${state.problems
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}`,
      { hint: 'export the package again; `trustctl verify-package` names every problem' },
    )
  }
  if (!packageInPeriod(state.record, actor.auditPeriod)) throw new NotFoundError(`no package ${id}`)
  return state.record
}

/**
 * The bytes of one file the manifest lists, re-hashed against it. The name is only ever looked up in
 * the manifest; the path is built from the manifest's entry and must stay inside the package folder.
 */
async function packageFile(context: ServerContext, record: PackageRecord, name: string) {
  const entry = record.files.find((f) => f.name === name)
  if (entry === undefined) throw new NotFoundError(`package ${record.id} has no file '${name}'`)
  const folder = path.resolve(packageFolderOf(context, record.id) ?? context.packagesDir)
  const file = path.resolve(folder, entry.name)
  if (!file.startsWith(`${folder}${path.sep}`))
    throw new NotFoundError(`package ${record.id} has no file '${name}'`)
  const bytes = await readFile(file).catch(() => undefined)
  const hash = bytes === undefined ? undefined : sha256(bytes)
  if (bytes === undefined || hash !== entry.sha256)
    throw new StoreError(
      `package ${record.id}: ${entry.name} no longer matches the SHA-256 its manifest lists; the package was altered`,
    )
  return { entry, bytes }
}

const contentTypes: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.html': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.sarif': 'application/sarif+json',
  '.xml': 'application/xml; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...packages.listPackages,
    async handler({ actor }, context: ServerContext) {
      const names = [
        ...(await readdir(context.packagesDir).catch(() => [] as string[])),
        // Packages `trustctl package` wrote into the report folder, verified the same way.
        ...(context.cliPackagesDir === undefined
          ? []
          : (await readdir(context.cliPackagesDir).catch(() => [] as string[])).filter((n) =>
              cliPackageIdPattern.test(n),
            )),
      ]
      const items = []
      for (const id of names.filter((n) => packageIdPattern.test(n))) {
        // A package whose signed manifest does not verify is not listed; its files are never served.
        const state = await readPackage(context, id, context.signer.fingerprint)
        if (state === undefined || !state.verified || !packageInPeriod(state.record, actor.auditPeriod))
          continue
        items.push(state.record)
      }
      // Newest first, whoever wrote it (the ids of the two kinds do not sort together).
      return { items: items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) }
    },
  }),
  defineRoute({
    ...packages.downloadPackageFile,
    async handler({ params, actor, reply }, context: ServerContext) {
      const record = await visiblePackage(context, actor, params.id)
      const { entry, bytes } = await packageFile(context, record, params.name)
      return reply
        .type(contentTypes[path.extname(entry.name).toLowerCase()] ?? 'application/octet-stream')
        .header('Content-Digest', contentDigest(entry.sha256))
        .header('ETag', `"${entry.sha256}"`)
        .header('Content-Disposition', `attachment; filename="${path.basename(entry.name)}"`)
        .send(bytes)
    },
  }),
  defineRoute({
    ...packages.downloadPackageZip,
    async handler({ params, actor, reply }, context: ServerContext) {
      const record = await visiblePackage(context, actor, params.id)
      const entries: Record<string, Uint8Array> = {}
      for (const file of record.files)
        entries[file.name] = (await packageFile(context, record, file.name)).bytes
      entries[packageRecordFile] = Buffer.from(`${JSON.stringify(record, null, 2)}\n`)
      const zip = zipSync(entries, { level: 6, mtime: new Date(record.createdAt) })
      return reply
        .type('application/zip')
        .header('Content-Disposition', `attachment; filename="${record.id}.zip"`)
        .send(Buffer.from(zip))
    },
  }),
]
