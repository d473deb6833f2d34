import { z } from 'zod'
import type { ScanComponent, ScanTargetType } from '../../core/evidence-scan.js'
import { type Importer, reportOf, targetOf } from './importer.js'
import { prune } from './normalise.js'
import { parseReport } from './parse-json.js'
import { ScanReportError } from './scan-report-error.js'

const text = z.string().nullish()

const license = z.object({
  license: z.object({ id: text, name: text }).nullish(),
  expression: text,
})

interface Component {
  type: string
  name: string
  version?: string | null | undefined
  purl?: string | null | undefined
  licenses?: z.output<typeof license>[] | null | undefined
  components?: Component[] | null | undefined
}

const component: z.ZodType<Component> = z.lazy(() =>
  z.object({
    type: z.string(),
    name: z.string(),
    version: text,
    purl: text,
    licenses: z.array(license).nullish(),
    components: z.array(component).nullish(),
  }),
)

const tool = z.object({ name: text, version: text })

const bom = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string(),
  metadata: z
    .object({
      timestamp: text,
      // 1.5 and later list tools as components (and services); 1.4 and earlier as an array.
      tools: z.union([z.array(tool), z.object({ components: z.array(tool).nullish() })]).nullish(),
      component: z.object({ type: z.string(), name: z.string(), version: text }).nullish(),
    })
    .nullish(),
  components: z.array(component).nullish(),
})

const supported = ['1.2', '1.3', '1.4', '1.5', '1.6']

const targetTypes: Readonly<Record<string, ScanTargetType>> = {
  container: 'image',
  application: 'repository',
  file: 'filesystem',
}

/** The SBOM's subject as an image reference: `alpine@sha256:…`, `api:1.4.2`, or its bare name. */
function subjectName(subject: { name: string; version?: string | null | undefined }): string {
  if (!subject.version) return subject.name
  return subject.version.startsWith('sha256:')
    ? `${subject.name}@${subject.version}`
    : `${subject.name}:${subject.version}`
}

function flatten(components: readonly Component[]): Component[] {
  return components.flatMap((c) => [c, ...flatten(c.components ?? [])])
}

/** CycloneDX JSON SBOM (spec 1.2 to 1.6): every component, nested ones included, with its licenses. */
export const importCycloneDx: Importer = (document, context) => {
  const version = z.looseObject({ specVersion: z.unknown() }).safeParse(document)
  const declared = version.success ? version.data.specVersion : undefined
  if (typeof declared !== 'string' || !supported.includes(declared)) {
    throw new ScanReportError(
      `${context.file}: unsupported CycloneDX spec version ${JSON.stringify(declared)} (trustctl reads ${supported.join(', ')})`,
    )
  }
  const parsed = parseReport(bom, document, context.file, 'CycloneDX')
  const subject = parsed.metadata?.component ?? undefined
  const target = targetOf(subject === undefined ? undefined : subjectName(subject), context)
  const tools = parsed.metadata?.tools
  const maker = (Array.isArray(tools) ? tools : (tools?.components ?? []))[0]
  const toolName = maker?.name?.toLowerCase() ?? 'cyclonedx'
  const findings = flatten(parsed.components ?? []).map((c) =>
    prune<ScanComponent>({
      kind: 'scan.component',
      resourceKind: 'Component',
      name: c.name,
      file: context.file,
      tool: toolName,
      target,
      componentType: c.type,
      version: c.version ?? undefined,
      purl: c.purl ?? undefined,
      licenses: (c.licenses ?? []).flatMap((l) => {
        const named = l.expression ?? l.license?.id ?? l.license?.name
        return named ? [named] : []
      }),
    }),
  )
  const scanReport = reportOf(
    {
      format: 'cyclonedx',
      tool: toolName,
      toolVersion: maker?.version ?? undefined,
      schemaVersion: parsed.specVersion,
      target,
      targetType: targetTypes[subject?.type ?? ''] ?? 'unknown',
      scannedAt: parsed.metadata?.timestamp ?? undefined,
      covers: ['sbom'],
    },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
