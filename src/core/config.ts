import { z } from 'zod'
import { calendarDate } from './calendar-date.js'
import { categoryIds, ownerRoles } from './catalog.js'
import { severities } from './check.js'
import { emptyPackageConfig, packageConfigSchema } from './config-package.js'
import { thirdPartyConfigShape } from './config-third-parties.js'
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

/** Validates a parsed trustctl.yaml; the error names every bad key path (`sources[2].path`). */
export function parseConfig(data: unknown, file: string): Config {
  const result = configSchema.safeParse(data)
  if (result.success) return result.data
  const lines = result.error.issues.map(
    (issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`,
  )
  throw new ConfigError(`${file}: ${lines.join('; ')}`, {
    hint: 'see the commented example written by `trustctl init`',
  })
}
