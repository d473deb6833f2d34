import { z } from 'zod'
import { parseBlobLocation } from './blob-location.js'
import { calendarDate } from './calendar-date.js'
import { categoryIds, ownerRoles } from './catalog.js'
import { severities } from './check.js'
import { emptyPackageConfig, packageConfigSchema } from './config-package.js'
import { thirdPartyConfigShape } from './config-third-parties.js'
import { closestNames, didYouMean } from './did-you-mean.js'
import { ConfigError, formatPath } from './errors.js'

/** What a failing check of a severity does at the admission webhook. */
export const admissionModes = ['enforce', 'warn', 'audit'] as const
export type AdmissionMode = (typeof admissionModes)[number]

/** Critical and high deny, medium warns, the rest is recorded only: strict where it matters most. */
export const defaultAdmissionModes: Record<(typeof severities)[number], AdmissionMode> = {
  critical: 'enforce',
  high: 'enforce',
  medium: 'warn',
  low: 'audit',
  info: 'audit',
}

export const configSchema = z.strictObject({
  version: z.literal(1),
  organization: z.string().min(1),
  system: z.strictObject({ name: z.string().min(1), description: z.string().default('') }),
  scope: z.strictObject({
    categories: z
      .array(z.enum(categoryIds))
      .min(1)
      .refine(
        (c) => c.includes('security'),
        'must include security: the common criteria are always in scope',
      ),
    asOf: calendarDate,
    /**
     * The period a Type 2 report covers, inclusive. Populations read from history (the git changes)
     * default to it, so nothing from before the period is counted in it.
     */
    period: z
      .strictObject({ from: calendarDate, to: calendarDate })
      .refine((p) => p.from <= p.to, { message: 'from must be on or before to', path: ['to'] })
      .optional(),
  }),
  /**
   * Where evidence is read. Each type has settings of its own (a region, an organization, a token
   * variable), so the entry is open here and validated by its collector before anything is read.
   */
  sources: z
    .array(
      z.looseObject({
        path: z.string().min(1).optional(),
        type: z.string().min(1).default('auto'),
        exclude: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  /** providers, providerFiles, vendors, crosswalks, policies, risks (config-third-parties.ts). */
  ...thirdPartyConfigShape,
  owners: z.partialRecord(z.enum(ownerRoles), z.string().min(1)).default({}),
  checks: z
    .record(
      z.string(),
      z.strictObject({
        params: z.record(z.string(), z.unknown()).default({}),
        enabled: z.boolean().default(true),
      }),
    )
    .default({}),
  controls: z
    .record(
      z.string(),
      z.strictObject({
        /** Why the control does not apply; reported as "criteria not relevant, and why". */
        notApplicable: z.union([z.string(), z.literal(true)]).optional(),
        owner: z.string().min(1).optional(),
      }),
    )
    .default({}),
  attestations: z
    .array(
      z.strictObject({
        evidence: z.string().min(1),
        date: calendarDate,
        by: z.string().min(1),
        reference: z.string().optional(),
        note: z.string().optional(),
      }),
    )
    .default([]),
  /** Accepted exceptions: a failing subject the organisation has decided to accept, for a time. */
  exceptions: z
    .array(
      z.strictObject({
        check: z.string().min(1),
        subject: z.strictObject({
          name: z.string().min(1),
          namespace: z.string().optional(),
          kind: z.string().optional(),
        }),
        reason: z.string().min(10, 'explain why the risk is accepted (at least a sentence)'),
        approvedBy: z.string().min(1),
        expires: calendarDate,
        reference: z.string().optional(),
      }),
    )
    .default([]),
  /** Days evidence of a family (`aws`, `scan`, `k8s`…) may age before results on it are called stale. */
  freshness: z.record(z.string(), z.number().int().positive()).default({}),
  /** The evidence ledger: an SQLite file under `path` (default) or a PostgreSQL database at `url`. */
  store: z
    .strictObject({
      backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
      path: z.string().default('.trustctl'),
      /** PostgreSQL connection string; TRUSTCTL_DATABASE_URL overrides it. */
      url: z.string().min(1).optional(),
      /** Ed25519 private key (PEM) that signs runs; outside the store and the repository. */
      key: z.string().min(1).optional(),
      /**
       * `s3://bucket/prefix`: evidence blobs go to S3-compatible object storage (content-addressed),
       * the SQL store keeps their references. Unset: blobs stay in the SQL store.
       */
      blobs: z
        .string()
        .superRefine((value, ctx) => {
          const parsed = parseBlobLocation(value)
          if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error })
        })
        .optional(),
    })
    .default({ backend: 'sqlite', path: '.trustctl' }),
  /**
   * The ledger's trust root, committed with this file: `key` is the fingerprint of the first signing
   * key (`sha256:<64 hex>`). `verify` pins it unless `--key` says otherwise; a rotated key is trusted
   * through the endorsement the old key signed (`trustctl key rotate`), so the pin stays the same.
   */
  ledger: z
    .strictObject({
      key: z
        .string()
        .regex(/^sha256:[0-9a-f]{64}$/, 'write the key fingerprint as sha256:<64 hex digits>')
        .optional(),
      /**
       * Keys the pinned key endorsed through `trustctl key rotate`, oldest first: the ledger trusts
       * them through the endorsement records; a package signed by one of them verifies too.
       */
      endorsed: z
        .array(
          z.string().regex(/^sha256:[0-9a-f]{64}$/, 'write the key fingerprint as sha256:<64 hex digits>'),
        )
        .default([]),
    })
    .prefault({}),
  report: z.strictObject({ out: z.string().default('reports') }).default({ out: 'reports' }),
  /** The team server (`trustctl serve`): where it listens, its schedule and its limits. */
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8700),
      /** Cron expression (5 fields, UTC) for scheduled collection and assessment; none by default. */
      schedule: z.string().min(1).optional(),
      sessionTtlHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(12),
      /** Where exported packages are written, relative to trustctl.yaml. */
      packagesDir: z.string().min(1).default('.trustctl/packages'),
      /**
       * Host names (without port) requests may name in their Host header; others are refused (DNS
       * rebinding). Unset: loopback names only (localhost, 127.0.0.1, ::1) and the --host listened on.
       */
      allowedHosts: z.array(z.string().trim().toLowerCase().min(1).max(253)).optional(),
      /**
       * Team mode (PostgreSQL): the job queue that servers and workers (`serve --worker`) share.
       * A job running past `timeoutSeconds` is taken as lost with its process (killed, crashed,
       * machine gone) and tried once more by whichever server or worker is free.
       */
      jobs: z
        .strictObject({
          /** How often an idle server or worker looks for a job, in seconds (pg-boss's least is 0.5). */
          pollSeconds: z.number().min(0.5).max(60).default(2),
          /** Longest a scheduled assessment may run before it is retried elsewhere, in seconds. */
          timeoutSeconds: z
            .number()
            .int()
            .min(5)
            .max(23 * 3600)
            .default(2 * 3600),
        })
        .prefault({}),
      push: z
        .strictObject({
          /** Largest accepted push body, in bytes. */
          maxBytes: z
            .number()
            .int()
            .positive()
            .default(32 * 1024 * 1024),
          /** Pushes accepted per collector token per minute. */
          perMinute: z.number().int().positive().default(60),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * The admission webhook (`trustctl admission serve`): what each severity does to a failing object,
   * which namespaces it leaves alone, and the largest object it reads.
   */
  admission: z
    .strictObject({
      /** enforce: deny; warn: allow with a warning; audit: allow and record only. */
      modes: z
        .partialRecord(z.enum(severities), z.enum(admissionModes))
        .default({})
        .transform((modes) => ({ ...defaultAdmissionModes, ...modes })),
      excludedNamespaces: z.array(z.string().min(1)).default(['kube-system']),
      /** Largest AdmissionReview body read, in bytes (the API server sends at most about 3 MiB). */
      maxRequestBytes: z
        .number()
        .int()
        .positive()
        .default(3 * 1024 * 1024),
      /** Decisions are appended to the ledger in batches of at most this many, or every flushSeconds. */
      batchSize: z.number().int().positive().max(10_000).default(200),
      flushSeconds: z.number().positive().max(3600).default(5),
    })
    .prefault({}),
  /** System description and assertion inputs of the SOC 2 package (config-package.ts). */
  package: packageConfigSchema.default(emptyPackageConfig),
})

export type Config = z.infer<typeof configSchema>
export type Attestation = Config['attestations'][number]
export type AcceptedException = Config['exceptions'][number]

/** Where a key path sits in trustctl.yaml: 1-based line and column. */
export interface ConfigPosition {
  line: number
  column: number
}

/**
 * Finds a key path (`['sources', 2, 'path']`) in the file: the key itself, or its value. Undefined
 * when the file has no such place.
 */
export type ConfigLocator = (
  path: readonly PropertyKey[],
  target?: 'key' | 'value',
) => ConfigPosition | undefined

/** One problem in trustctl.yaml: where (key path) and what is wrong. */
export interface ConfigIssue {
  path: readonly PropertyKey[]
  message: string
  /** The key is wrong (unknown, or an id that does not exist), not its value. */
  atKey?: boolean
}

/**
 * Issues as lines a person can jump to: `trustctl.yaml:12:5: checks.x.params.y: …`. Without a
 * locator (a config built in memory) the line and column are left out, never guessed.
 */
export function formatConfigIssues(
  issues: readonly ConfigIssue[],
  file: string,
  locate?: ConfigLocator,
): string {
  const located = issues.map((issue) => ({
    issue,
    at: locate?.(issue.path, issue.atKey === true ? 'key' : 'value'),
  }))
  // In file order: a person fixes them top to bottom. Unlocated issues keep their order, last.
  const order = (p: ConfigPosition | undefined): number =>
    p === undefined ? Number.MAX_SAFE_INTEGER : p.line * 10_000 + p.column
  return located
    .sort((a, b) => order(a.at) - order(b.at))
    .map(({ issue, at }) => {
      const where = at === undefined ? file : `${file}:${at.line}:${at.column}`
      return `${where}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`
    })
    .join('\n')
}

/** The schema that validates the value at `path`, looking through defaults and optionals. */
function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let current: z.core.$ZodType | undefined = unwrapSchema(schema)
  for (const part of path) {
    if (current instanceof z.ZodObject) current = typeof part === 'string' ? current.shape[part] : undefined
    else if (current instanceof z.ZodArray) current = current.element
    else if (current instanceof z.ZodRecord) current = current.valueType
    else return undefined
    if (current !== undefined) current = unwrapSchema(current)
  }
  return current
}

function unwrapSchema(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    )
      current = current.unwrap()
    else return current
  }
}

/** The keys an object at `path` may hold: an object's fields, or a record's enumerated keys. */
export function allowedKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const at = schemaAt(schema, path)
  if (at instanceof z.ZodObject) return Object.keys(at.shape)
  if (at instanceof z.ZodRecord && at.keyType instanceof z.ZodEnum) return at.keyType.options.map(String)
  return []
}

/**
 * Zod's issues in the file's words: one issue per unknown key, each with the nearest allowed key
 * ("did you mean"), and a required key reported missing only when no unknown key is its typo.
 */
export function describeIssues(schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = []
  // `retnion: 30` beside a required `retention`: the typo is the cause, the missing key its effect.
  const typoFor = new Set<string>()
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue
    const allowed = allowedKeys(schema, issue.path)
    for (const key of issue.keys) {
      const [nearest] = closestNames(key, allowed, 1)
      if (nearest !== undefined) typoFor.add(formatPath([...issue.path, nearest]))
      out.push({
        path: [...issue.path, key],
        atKey: true,
        message: `unknown key${didYouMean(key, allowed) || (allowed.length > 0 && allowed.length <= 12 ? ` (allowed here: ${allowed.join(', ')})` : '')}`,
      })
    }
  }
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
    if (missing && typoFor.has(formatPath(issue.path))) continue
    out.push({
      path: issue.path,
      message: missing
        ? `required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`
        : issue.message,
    })
  }
  return out
}

/**
 * Validates a parsed trustctl.yaml; the error names every bad key path (`sources[2].path`), with the
 * line and column when the caller can locate it, and the nearest known key for an unknown one.
 */
export function parseConfig(data: unknown, file: string, locate?: ConfigLocator): Config {
  const result = configSchema.safeParse(data)
  if (result.success) return result.data
  throw new ConfigError(formatConfigIssues(describeIssues(configSchema, result.error.issues), file, locate), {
    hint: 'see the commented example written by `trustctl init`',
  })
}
