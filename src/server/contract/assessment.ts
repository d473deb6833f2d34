import { z } from 'zod'
import { controlStatuses, criterionStatuses, manualEvidenceStatuses } from '../../core/assessment.js'
import { categoryIds, ownerRoles } from '../../core/catalog.js'
import { findingStatuses, severities } from '../../core/check.js'
import { inclusionMethods, responsibilityOwners, serviceModels } from '../../core/config-third-parties.js'
import { findingSorts, runKinds } from '../../core/team.js'
import { commaEnum, listOf, runQuery } from './common.js'
import { endpoint, file, json } from './endpoint.js'

const tag = 'Assessment'

const counts = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.record(z.enum(values), z.number())

export const assessmentSummarySchema = z.object({
  criteria: z.number(),
  controls: z.number(),
  controlsByStatus: counts(controlStatuses),
  controlsPassingByTest: z.number(),
  tests: z.object({
    passed: z.number(),
    failed: z.number(),
    noEvidence: z.number(),
    errors: z.number(),
    notApplicable: z.number(),
  }),
  findingsByStatus: counts(findingStatuses),
  gaps: z.number(),
  gapsBySeverity: counts(severities),
  readiness: z.number(),
  inputErrors: z.number(),
})
export type AssessmentSummary = z.output<typeof assessmentSummarySchema>

const criterionCellSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(criterionStatuses),
  readiness: z.number(),
  controls: z.array(z.string()),
})
export type CriterionCell = z.output<typeof criterionCellSchema>
export type CriterionStatus = CriterionCell['status']

export const overviewSchema = z.object({
  run: z.object({ id: z.number().int(), generatedAt: z.string(), asOf: z.string() }),
  /** The as-of date trustctl.yaml names (scope.asOf): what a package is exported as of by default. */
  configuredAsOf: z.string(),
  organization: z.string(),
  system: z.object({ name: z.string(), description: z.string() }),
  summary: assessmentSummarySchema,
  categories: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      /** Mean readiness of the category's criteria in scope (not-applicable ones left out). */
      readiness: z.number(),
      criteria: z.array(criterionCellSchema),
    }),
  ),
  ledger: z.object({ runId: z.number().int(), chainHead: z.string(), publicKeyFingerprint: z.string() }),
})
export type Overview = z.output<typeof overviewSchema>

/** Per-run figures kept for the readiness trend. */
export const runSummarySchema = z.object({
  runId: z.number().int(),
  generatedAt: z.string(),
  asOf: z.string(),
  readiness: z.number(),
  byCategory: z.record(z.string(), z.number()),
  byCriterion: z.record(z.string(), z.number()),
  gaps: z.number(),
  controlsByStatus: z.record(z.string(), z.number()),
})
export type RunSummary = z.output<typeof runSummarySchema>

const criterionResultSchema = criterionCellSchema.extend({
  category: z.enum(categoryIds),
  series: z.string(),
})
export type CriterionResult = z.output<typeof criterionResultSchema>

const testCounts = z.object({
  total: z.number(),
  passed: z.number(),
  failed: z.number(),
  noEvidence: z.number(),
})

export const controlRowSchema = z.object({
  id: z.string(),
  title: z.string(),
  family: z.string(),
  type: z.string(),
  status: z.enum(controlStatuses),
  owner: z.string(),
  ownerRole: z.enum(ownerRoles),
  criteria: z.array(z.string()),
  tests: testCounts,
})
export type ControlRow = z.output<typeof controlRowSchema>
export type ControlStatus = ControlRow['status']

const controlTestSchema = z.object({
  check: z.string(),
  title: z.string(),
  status: z.enum(findingStatuses),
  population: z.number(),
  exceptions: z.number(),
  conclusion: z.string(),
})
export type ControlTest = z.output<typeof controlTestSchema>
export type FindingStatus = ControlTest['status']

const manualEvidenceResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  every: z.string(),
  status: z.enum(manualEvidenceStatuses),
  lastDate: z.string().optional(),
  dueDate: z.string().optional(),
  by: z.string().optional(),
  reference: z.string().optional(),
})
export type ManualEvidenceResult = z.output<typeof manualEvidenceResultSchema>
export type ManualEvidenceStatus = ManualEvidenceResult['status']

export const controlResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  statement: z.string(),
  /** The traditional control an auditor expects, and how the cloud-native practice meets it. */
  analogy: z.object({ traditional: z.string(), cloudNative: z.string() }).optional(),
  auditorQuestions: z.array(z.object({ question: z.string(), answer: z.string() })),
  family: z.string(),
  type: z.string(),
  ownerRole: z.enum(ownerRoles),
  owner: z.string(),
  status: z.enum(controlStatuses),
  criteria: z.array(z.string()),
  tests: z.array(controlTestSchema),
  manualEvidence: z.array(manualEvidenceResultSchema),
  notApplicable: z.object({ justification: z.string() }).optional(),
})
export type ControlResult = z.output<typeof controlResultSchema>

/** What the API tells of one stored evidence item (or manual attestation) without its content. */
export const evidenceMetaSchema = z.object({
  hash: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  file: z.string(),
  recordSeq: z.number().int(),
  recordHash: z.string(),
  runId: z.number().int(),
  collectedAt: z.string(),
  effectiveAt: z.string(),
  source: z.string(),
  collector: z.string(),
  bytes: z.number().int(),
  /** The blob re-hashed equals the record's content hash. */
  verified: z.boolean(),
})
export type EvidenceMeta = z.output<typeof evidenceMetaSchema>

/** A subject one of the control's tests failed on: what, where and why. */
export const failingSubjectSchema = z.object({
  check: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  file: z.string(),
  line: z.number().int().optional(),
  message: z.string(),
})
export type FailingSubject = z.output<typeof failingSubjectSchema>

export const controlDetailSchema = z.object({
  control: controlResultSchema,
  evidence: z.array(evidenceMetaSchema),
  /** Ids of the control's gaps. */
  gaps: z.array(z.string()),
  /** The subjects its tests failed on (the first `failingShown`; `failingTotal` says how many in all). */
  failing: z.array(failingSubjectSchema),
  failingTotal: z.number().int(),
})
export type ControlDetail = z.output<typeof controlDetailSchema>

export const indexedFindingSchema = z.object({
  runId: z.number().int(),
  ordinal: z.number().int(),
  check: z.string(),
  status: z.enum(findingStatuses),
  severity: z.enum(severities),
  subjectKind: z.string(),
  subjectName: z.string(),
  namespace: z.string().optional(),
  file: z.string(),
  line: z.number().int().optional(),
  message: z.string(),
  controls: z.array(z.string()),
  criteria: z.array(z.string()),
})
export type IndexedFinding = z.output<typeof indexedFindingSchema>
export type Severity = IndexedFinding['severity']

export const findingPageSchema = z.object({
  items: z.array(indexedFindingSchema),
  /** Cursor for the next page; absent on the last page. */
  next: z.string().optional(),
  /** Exact number of matching findings when it is cheap to know; absent otherwise. */
  total: z.number().int().optional(),
})
export type FindingPage = z.output<typeof findingPageSchema>

export const runRowSchema = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['open', 'complete', 'incomplete']),
  records: z.number().int(),
  kind: z.enum(runKinds),
  summary: runSummarySchema.optional(),
})
export type RunRow = z.output<typeof runRowSchema>
export type RunKind = RunRow['kind']

const owner = z.enum(responsibilityOwners)
const model = z.enum(serviceModels)

export const responsibilityMatrixSchema = z.object({
  services: z.array(
    z.object({
      provider: z.string(),
      providerId: z.string(),
      profile: z.string().optional(),
      service: z.string(),
      serviceId: z.string(),
      model,
      method: z.enum(inclusionMethods),
      entry: z.number().int(),
    }),
  ),
  cells: z.array(
    z.object({
      control: z.string(),
      family: z.string(),
      provider: z.string(),
      providerId: z.string(),
      service: z.string(),
      serviceId: z.string(),
      model,
      owner,
      inheritance: z.enum(['inherited', 'tested', 'none']),
      duty: z.string().optional(),
      evidenceBy: z.array(z.string()),
      source: z.enum(['model-baseline', 'provider-profile', 'service-profile', 'override']),
      reason: z.string().optional(),
      cuecs: z.array(z.string()),
    }),
  ),
  duties: z.record(
    z.string(),
    z.object({ provider: z.string().optional(), customer: z.string().optional() }),
  ),
  families: z.array(
    z.object({
      family: z.string(),
      overall: owner,
      byModel: z.record(model, z.union([owner, z.literal('not-used')])),
    }),
  ),
  controls: z.array(z.object({ control: z.string(), family: z.string(), owner })),
})
export type ResponsibilityMatrix = z.output<typeof responsibilityMatrixSchema>

/** A recorded population or sample (ledger kinds population/sample). */
export const sampleRecordSchema = z.object({
  kind: z.enum(['population', 'sample']),
  id: z.string(),
  control: z.string().optional(),
  runId: z.number().int(),
  recordSeq: z.number().int(),
  recordHash: z.string(),
  recordedAt: z.string(),
  verified: z.boolean(),
  /**
   * For an auditor: how many members (of `members` or `drawn`) fall outside the audit period and were
   * left out of `content`; `verified` is about the whole record as stored.
   */
  membersOutsidePeriod: z.number().int().optional(),
  /** The recorded JSON (absent when it no longer matches its hash); these fields when it has them. */
  content: z
    .looseObject({
      control: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      population: z
        .looseObject({ from: z.string().optional(), to: z.string().optional(), size: z.number().optional() })
        .optional(),
      size: z.number().optional(),
    })
    .optional(),
})
export type SampleRecord = z.output<typeof sampleRecordSchema>

export const getOverview = endpoint({
  method: 'GET',
  url: '/api/overview',
  operationId: 'getOverview',
  summary: 'Readiness overview of a run: summary, categories and criteria (heatmap), ledger seal',
  tag,
  permission: 'assessment:read',
  query: runQuery,
  response: json(overviewSchema),
})

export const getTrend = endpoint({
  method: 'GET',
  url: '/api/trend',
  operationId: 'getTrend',
  summary: 'Readiness figures of every assessment run, oldest first',
  tag,
  permission: 'assessment:read',
  response: json(listOf(runSummarySchema)),
})

export const listCriteria = endpoint({
  method: 'GET',
  url: '/api/criteria',
  operationId: 'listCriteria',
  summary: 'Criteria in scope with their status and readiness',
  tag,
  permission: 'assessment:read',
  query: runQuery,
  response: json(listOf(criterionResultSchema)),
})

export const listControls = endpoint({
  method: 'GET',
  url: '/api/controls',
  operationId: 'listControls',
  summary: 'Controls with status, owner and test counts (filters: status, family, owner, q)',
  tag,
  permission: 'assessment:read',
  query: runQuery.extend({
    status: z.string().max(200).optional(),
    family: z.string().max(200).optional(),
    owner: z.string().max(200).optional(),
    q: z.string().max(200).optional(),
  }),
  response: json(listOf(controlRowSchema)),
})

export const getControl = endpoint({
  method: 'GET',
  url: '/api/controls/:id',
  operationId: 'getControl',
  summary: "A control's result, the evidence its checks read (with verify status) and its gaps",
  tag,
  permission: 'assessment:read',
  params: z.object({ id: z.string().min(1).max(200) }),
  query: runQuery,
  response: json(controlDetailSchema),
})

export const listFindings = endpoint({
  method: 'GET',
  url: '/api/findings',
  operationId: 'listFindings',
  summary: 'Findings of a run: filter, sort and paginate (keyset cursor in `next`)',
  tag,
  permission: 'assessment:read',
  query: runQuery.extend({
    status: commaEnum(findingStatuses),
    severity: commaEnum(severities),
    check: z.string().max(2000).optional(),
    control: z.string().min(1).max(200).optional(),
    criterion: z.string().min(1).max(50).optional(),
    namespace: z.string().min(1).max(200).optional(),
    subject: z.string().min(1).max(200).optional(),
    sort: z.enum(findingSorts).default('severity'),
    order: z.enum(['asc', 'desc']).default('asc'),
    after: z.string().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  }),
  response: json(findingPageSchema),
})

export const listRuns = endpoint({
  method: 'GET',
  url: '/api/runs',
  operationId: 'listRuns',
  summary: 'Runs of the ledger with what each recorded (assessment, push, change, sample, population)',
  tag,
  permission: 'assessment:read',
  response: json(listOf(runRowSchema)),
})

export const getMatrix = endpoint({
  method: 'GET',
  url: '/api/matrix',
  operationId: 'getMatrix',
  summary: 'The responsibility matrix of a run (JSON)',
  tag,
  permission: 'assessment:read',
  query: runQuery,
  response: json(responsibilityMatrixSchema),
})

export const getMatrixSvg = endpoint({
  method: 'GET',
  url: '/api/matrix.svg',
  operationId: 'getMatrixSvg',
  summary: 'The responsibility matrix figure (SVG, as in the reports)',
  tag,
  permission: 'assessment:read',
  query: runQuery,
  response: file('image/svg+xml', 'the responsibility matrix figure'),
})

export const listSamples = endpoint({
  method: 'GET',
  url: '/api/samples',
  operationId: 'listSamples',
  summary: 'Populations and samples recorded in the ledger (filter: control)',
  tag,
  permission: 'assessment:read',
  query: z.object({ control: z.string().min(1).max(200).optional() }),
  response: json(listOf(sampleRecordSchema)),
})
