import { z } from 'zod'
import { listOf } from './common.js'
import { endpoint, file, json } from './endpoint.js'

const tag = 'Packages'

/** A package the server exported: when it was made and its report type (`20261130T142501-type1`). */
export const serverPackageIdPattern = /^\d{8}T\d{6}-type[12]$/
/** A package `trustctl package` wrote into the report folder: its type and date (`soc2-type1-2026-11-30`). */
export const cliPackageIdPattern = /^soc2-type[12]-\d{4}-\d{2}-\d{2}$/
/** Any package id the server lists: one it exported or one the command line wrote. */
export const packageIdPattern = /^(?:\d{8}T\d{6}-type[12]|soc2-type[12]-\d{4}-\d{2}-\d{2})$/

const idParam = z
  .string()
  .regex(packageIdPattern, 'must be a package id such as 20261130T142501-type1 or soc2-type1-2026-11-30')

export const packageFileSchema = z.object({ name: z.string(), bytes: z.number().int(), sha256: z.string() })
export type PackageFile = z.output<typeof packageFileSchema>

/** What `<packagesDir>/<id>/package.json` says of a package: the files it holds and who made it. */
export const packageRecordSchema = z.object({
  id: z.string(),
  type: z.union([z.literal(1), z.literal(2)]),
  engagement: z.discriminatedUnion('type', [
    z.object({ type: z.literal(1), asOf: z.string() }),
    z.object({ type: z.literal(2), from: z.string(), to: z.string() }),
  ]),
  createdAt: z.string(),
  createdBy: z.string(),
  /** The assessment run the package was built from. */
  runId: z.number().int(),
  files: z.array(packageFileSchema),
})
export type PackageRow = z.output<typeof packageRecordSchema>

export const listPackages = endpoint({
  method: 'GET',
  url: '/api/packages',
  operationId: 'listPackages',
  summary: 'Exported SOC 2 packages, newest first, with their files, sizes and SHA-256',
  tag,
  permission: 'assessment:read',
  response: json(listOf(packageRecordSchema)),
})

export const downloadPackageFile = endpoint({
  method: 'GET',
  url: '/api/packages/:id/files/:name',
  operationId: 'downloadPackageFile',
  summary: 'One file of a package (the name as the package lists it, URL-encoded)',
  tag,
  permission: 'assessment:read',
  params: z.object({ id: idParam, name: z.string().min(1).max(300) }),
  response: file('application/octet-stream', 'the file, sent with its own media type (PDF, HTML, JSON, …)'),
})

export const downloadPackageZip = endpoint({
  method: 'GET',
  url: '/api/packages/:id.zip',
  operationId: 'downloadPackageZip',
  summary: 'The whole package as one zip file',
  tag,
  permission: 'assessment:read',
  params: z.object({ id: idParam }),
  response: file('application/zip', 'the package files and its package.json'),
})
