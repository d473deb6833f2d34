import { z } from 'zod'
import { deferredSchema } from '../deferred-schema.js'
import { ConfigError, formatPath } from '../errors.js'

export const relationships = ['equal', 'subset', 'superset', 'intersects'] as const
/**
 * How a control of the other framework relates to the SOC 2 criterion: equal (same ground),
 * subset (it covers part of the criterion), superset (it covers the criterion and more),
 * intersects (they overlap; neither covers the other).
 */
export type Relationship = (typeof relationships)[number]

const criterionId = deferredSchema(() =>
  z.string().regex(/^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+$/, 'must be a criterion id such as CC6.1'),
)

/** A crosswalk file: ids only, each pair with its relationship, and where the pairs came from. */
export const crosswalkFileSchema = deferredSchema(() =>
  z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a kebab-case id such as iso27001'),
    framework: z.string().min(3),
    /** Where the pairs come from, and under which terms. */
    source: z.string().min(3),
    license: z.string().optional(),
    semantics: z.string().optional(),
    /** Relationship of every pair that does not state its own. */
    relationship: z.enum(relationships).default('intersects'),
    /** A regular expression every id of the framework matches, when the ids follow a pattern. */
    idPattern: z.string().optional(),
    /** Every id of the framework, when the list is short enough to ship (ids only). */
    knownIds: z.array(z.string().min(1)).optional(),
    mappings: z.array(
      z.strictObject({
        criterion: criterionId,
        ids: z.array(z.string().min(1)),
        relationship: z.enum(relationships).optional(),
      }),
    ),
  }),
)
export type CrosswalkFile = z.infer<typeof crosswalkFileSchema>

/** One id-to-id pair with its relationship and where it is stated. */
export interface CrosswalkPair {
  criterion: string
  id: string
  relationship: Relationship
  /** `file: mappings[3]` or `file: row 4`, for error messages. */
  at: string
}

export interface Crosswalk {
  id: string
  framework: string
  source: string
  license?: string
  file: string
  pairs: CrosswalkPair[]
  idPattern?: RegExp
  knownIds?: ReadonlySet<string>
}

const canonical = (id: string): string => id.trim().replace(/\s+/g, '').toUpperCase()

/** Builds a crosswalk from a parsed YAML file; unknown criteria and malformed ids name the path. */
export function crosswalkFromFile(data: unknown, file: string, criteria: ReadonlySet<string>): Crosswalk {
  const parsed = crosswalkFileSchema.safeParse(data)
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues
        .map((i) => `${file}: ${formatPath(i.path) || '(top level)'}: ${i.message}`)
        .join('\n'),
    )
  return crosswalkFromValidated(parsed.data, file, criteria)
}

/**
 * The crosswalk of a file the schema accepted (crosswalkFromFile, or the build's snapshot of the
 * shipped ones): its pairs, each criterion checked against the catalog's and each id against the
 * framework's, which the schema alone cannot know.
 */
export function crosswalkFromValidated(
  doc: CrosswalkFile,
  file: string,
  criteria: ReadonlySet<string>,
): Crosswalk {
  const crosswalk: Crosswalk = {
    id: doc.id,
    framework: doc.framework,
    source: doc.source,
    ...(doc.license === undefined ? {} : { license: doc.license }),
    file,
    pairs: [],
    ...(doc.idPattern === undefined ? {} : { idPattern: new RegExp(doc.idPattern) }),
    ...(doc.knownIds === undefined ? {} : { knownIds: new Set(doc.knownIds.map(canonical)) }),
  }
  const problems: string[] = []
  doc.mappings.forEach((mapping, i) => {
    if (!criteria.has(mapping.criterion))
      problems.push(`${file}: mappings[${i}].criterion: unknown criterion '${mapping.criterion}'`)
    mapping.ids.forEach((id, j) => {
      const at = `${file}: mappings[${i}].ids[${j}]`
      const problem = idProblem(crosswalk, id)
      if (problem !== undefined) problems.push(`${at}: ${problem}`)
      crosswalk.pairs.push({
        criterion: mapping.criterion,
        id,
        relationship: mapping.relationship ?? doc.relationship,
        at,
      })
    })
  })
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return crosswalk
}

/** Why an id is not one of the framework's, or undefined when it is. */
export function idProblem(crosswalk: Pick<Crosswalk, 'framework' | 'idPattern' | 'knownIds'>, id: string) {
  if (crosswalk.knownIds !== undefined && !crosswalk.knownIds.has(canonical(id)))
    return `unknown ${crosswalk.framework} id '${id}'`
  if (crosswalk.idPattern !== undefined && !crosswalk.idPattern.test(id.trim()))
    return `'${id}' is not a ${crosswalk.framework} id (expected the form ${crosswalk.idPattern.source})`
  return undefined
}

/** Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = []
  let field = ''
  let fields: string[] = []
  let quoted = false
  let line = 1
  let rowLine = 1
  const endRow = (): void => {
    fields.push(field)
    if (fields.some((f) => f.trim() !== '')) rows.push({ line: rowLine, fields })
    fields = []
    field = ''
  }
  const source = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n') line++
        field += ch
      }
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else if (ch === '\n') {
      endRow()
      line++
      rowLine = line
    } else if (ch !== '\r') field += ch
  }
  if (field !== '' || fields.length > 0) endRow()
  return rows
}

/**
 * Reads a user's CSV mapping. Columns (header required, any order, more allowed):
 * framework, source, criterion, id, relationship. Each row is one pair; errors name the row.
 */
export function crosswalkFromCsv(text: string, file: string, criteria: ReadonlySet<string>): Crosswalk {
  const rows = parseCsv(text)
  const header = rows[0]
  if (header === undefined) throw new ConfigError(`${file}: empty mapping file`)
  const columns = header.fields.map((f) => f.trim().toLowerCase())
  const required = ['framework', 'source', 'criterion', 'id', 'relationship']
  const missing = required.filter((c) => !columns.includes(c))
  if (missing.length > 0)
    throw new ConfigError(`${file}: row ${header.line}: missing column(s) ${missing.join(', ')}`, {
      hint: `the header row names the columns: ${required.join(',')}`,
    })
  const cell = (fields: string[], name: string): string => (fields[columns.indexOf(name)] ?? '').trim()
  const problems: string[] = []
  let framework: string | undefined
  let source: string | undefined
  const pairs: CrosswalkPair[] = []
  for (const row of rows.slice(1)) {
    const at = `${file}: row ${row.line}`
    const rowFramework = cell(row.fields, 'framework')
    const rowSource = cell(row.fields, 'source')
    const criterion = cell(row.fields, 'criterion')
    const id = cell(row.fields, 'id')
    const relationship = cell(row.fields, 'relationship').toLowerCase()
    if (rowFramework === '' || rowSource === '' || id === '')
      problems.push(`${at}: framework, source and id are required`)
    framework ??= rowFramework
    source ??= rowSource
    if (rowFramework !== framework)
      problems.push(
        `${at}: framework: '${rowFramework}' differs from '${framework}' above (one framework per file)`,
      )
    if (!criteria.has(criterion)) problems.push(`${at}: criterion: unknown criterion '${criterion}'`)
    if (!(relationships as readonly string[]).includes(relationship))
      problems.push(`${at}: relationship: '${relationship}' is not one of ${relationships.join(', ')}`)
    pairs.push({ criterion, id, relationship: relationship as Relationship, at })
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  if (framework === undefined || source === undefined) throw new ConfigError(`${file}: no mapping rows`)
  return { id: crosswalkId(framework), framework, source, file, pairs }
}

/** The id a framework name is referred to by: `COBIT 2019` → `cobit-2019`. */
export function crosswalkId(framework: string): string {
  return framework
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** Whether a declared control claims a mapped id: the same id, or its lettered part (PS-6 claims PS-6a). */
function claims(declared: string, mapped: string): boolean {
  const d = canonical(declared)
  const m = canonical(mapped)
  return m === d || (/\d$/.test(d) && m.length === d.length + 1 && m.startsWith(d) && /[A-Z]$/.test(m))
}

export type CriterionCoverage = 'met' | 'partial' | 'not-met' | 'no-mapping'

export interface CrosswalkCriterion {
  criterion: string
  status: CriterionCoverage
  /** Mapped ids the team already has, and those it does not. */
  matched: string[]
  missing: string[]
  relationships: Relationship[]
}

export interface CrosswalkResult {
  framework: string
  id: string
  source: string
  declared: string[]
  criteria: CrosswalkCriterion[]
  summary: Record<CriterionCoverage, number>
}

/** Checks the team's declared controls are ids of the framework; errors name the file and row. */
export function checkDeclared(crosswalk: Crosswalk, declared: readonly { id: string; at: string }[]): void {
  const mapped = crosswalk.pairs.map((p) => p.id)
  const problems = declared.flatMap(({ id, at }) => {
    const problem = idProblem(crosswalk, id)
    if (problem !== undefined) return [`${at}: ${problem}`]
    // Without a list or pattern of the framework's ids, an id the mapping never names is a likely typo.
    if (
      crosswalk.knownIds === undefined &&
      crosswalk.idPattern === undefined &&
      !mapped.some((m) => claims(id, m))
    )
      return [`${at}: '${id}' is not an id in the ${crosswalk.framework} mapping (${crosswalk.file})`]
    return []
  })
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
}

/**
 * Which SOC 2 criteria the team's existing controls already meet. A criterion is met when a
 * declared control is equal to it or a superset of it, or when every mapped control that is a
 * subset of it is declared (its parts add up to it). Any other declared mapped control makes it
 * partial: intersecting controls overlap, they never prove the whole criterion.
 */
export function evaluateCrosswalk(
  crosswalk: Crosswalk,
  declared: readonly string[],
  criteria: readonly string[],
): CrosswalkResult {
  const results = criteria.map((criterion): CrosswalkCriterion => {
    const pairs = crosswalk.pairs.filter((p) => p.criterion === criterion)
    const has = (pair: CrosswalkPair): boolean => declared.some((d) => claims(d, pair.id))
    const matchedPairs = pairs.filter(has)
    const subsets = pairs.filter((p) => p.relationship === 'subset')
    const status: CriterionCoverage =
      pairs.length === 0
        ? 'no-mapping'
        : matchedPairs.some((p) => p.relationship === 'equal' || p.relationship === 'superset') ||
            (subsets.length > 0 && subsets.every(has))
          ? 'met'
          : matchedPairs.length > 0
            ? 'partial'
            : 'not-met'
    return {
      criterion,
      status,
      matched: [...new Set(matchedPairs.map((p) => p.id))],
      missing: [...new Set(pairs.filter((p) => !has(p)).map((p) => p.id))],
      relationships: [...new Set(pairs.map((p) => p.relationship))],
    }
  })
  const summary: Record<CriterionCoverage, number> = { met: 0, partial: 0, 'not-met': 0, 'no-mapping': 0 }
  for (const r of results) summary[r.status]++
  return {
    framework: crosswalk.framework,
    id: crosswalk.id,
    source: crosswalk.source,
    declared: [...declared],
    criteria: results,
    summary,
  }
}

/** Reads a list of declared control ids: one per line (first CSV column), `#` starts a comment. */
export function parseDeclaredList(text: string, file: string): { id: string; at: string }[] {
  return text.split(/\r?\n/).flatMap((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '' || /^(id|control)(,|$)/i.test(line)) return []
    const id = (parseCsv(line)[0]?.fields[0] ?? '').trim()
    return id === '' ? [] : [{ id, at: `${file}: row ${i + 1}` }]
  })
}
