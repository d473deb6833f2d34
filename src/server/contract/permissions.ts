/**
 * What a route needs to be allowed. Each endpoint declares one; the server's `rolePermissions` says
 * which roles hold it. Part of the contract because `GET /api/me` lists the caller's permissions and
 * the dashboard shows or hides pages by them.
 */
export const permissions = [
  /** Who am I, sign out: any signed-in person or reading token (not a collector token). */
  'self',
  /** Scope, criteria, controls, findings, runs, evidence, samples, matrix, vendors, packages. */
  'assessment:read',
  /** The gaps board and remediation items (with comments). */
  'gaps:read',
  'gaps:write',
  /** Manual evidence and attestations. */
  'evidence:write',
  'vendors:write',
  /** Start an assessment or a package export (long operations, run as jobs with progress). */
  'jobs:run',
  /** Push collected evidence (collector tokens only). */
  'evidence:push',
  /** Users, tokens and schedules. */
  'admin',
] as const
export type Permission = (typeof permissions)[number]
