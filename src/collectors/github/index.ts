import { stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { ConfigError } from '../../core/errors.js'
import { defineSourceCollector, type FileCollection, type SourceCollector } from '../source-collector.js'
import { createFetchReader } from './fetch-reader.js'
import { createFolderReader } from './folder-reader.js'
import { readGitHub } from './read-github.js'

/** trustctl.yaml gives every source an `exclude` list; it names files, which these sources do not read. */
const noExclude = z.array(z.string()).max(0, 'file patterns do not apply to this source type').optional()

const target = {
  exclude: noExclude,
  /** The organization login; its settings are read and, without `repositories`, all its repositories. */
  organization: z.string().min(1).optional(),
  /** Repositories to read: `name` in the organization, or `owner/name`. */
  repositories: z.array(z.string().regex(/^[\w.-]+(\/[\w.-]+)?$/, 'must be name or owner/name')).optional(),
}

const needsTarget = (o: { organization?: string | undefined; repositories?: string[] | undefined }) =>
  o.organization !== undefined || (o.repositories ?? []).length > 0

const liveOptions = z
  .strictObject({
    type: z.literal('github'),
    ...target,
    /** The environment variable holding the token; the token itself never goes in trustctl.yaml. */
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .default('GITHUB_TOKEN'),
    apiUrl: z.url().default('https://api.github.com'),
    /** How long to wait for a spent rate limit to reset before giving up, in seconds. */
    maxRateLimitWait: z.number().int().min(0).default(60),
  })
  .refine(needsTarget, { message: 'set organization, repositories, or both', path: ['organization'] })

const jsonOptions = z.strictObject({
  type: z.literal('github-json'),
  /** The folder the `gh api` exports were written to (see docs/github-token.md). */
  path: z.string().min(1),
  ...target,
})

/** Live: the REST API with a read-only token (docs/github-token.md). */
const githubLive = defineSourceCollector({
  type: 'github',
  summary: 'GitHub organization and repository settings through the REST API (token from the environment)',
  options: liveOptions,
  async collect(options, context) {
    const token = context.env[options.tokenEnv]
    if (token === undefined || token.trim() === '')
      throw new ConfigError(
        `${context.where}.tokenEnv: environment variable ${options.tokenEnv} is not set`,
        {
          hint: 'export a read-only token (see docs/github-token.md) in that variable',
        },
      )
    const reader = createFetchReader({
      apiUrl: options.apiUrl,
      token: token.trim(),
      collector: 'github',
      maxRateLimitWaitMs: options.maxRateLimitWait * 1000,
    })
    return stampObserved(await readGitHub(reader, options), context.now)
  },
})

/** Offline: the same endpoints, exported to a folder with `gh api`. */
const githubJson = defineSourceCollector({
  type: 'github-json',
  summary: 'GitHub organization and repository settings exported as JSON with gh api',
  options: jsonOptions,
  async collect(options, context) {
    const folder = path.resolve(context.root, options.path)
    const info = await stat(folder).catch(() => undefined)
    if (info?.isDirectory() !== true)
      throw new ConfigError(`${context.where}.path: ${options.path}: no such folder`, {
        hint: 'export the REST answers first (see docs/github-token.md)',
      })
    return stampObserved(
      await readGitHub(createFolderReader(folder, options.path, 'github-json'), options),
      context.now,
    )
  },
})

/**
 * Records when the organization was read, so the people checks can judge its member list as of
 * then (an export is taken as current when it is collected: a leaver removed since then shows as a
 * late removal, never as an on-time one).
 */
function stampObserved(collection: FileCollection, now: Date): FileCollection {
  const at = now.toISOString().replace('.000Z', 'Z')
  for (const item of collection.evidence) if (item.kind === 'github.organization') item.observedAt = at
  return collection
}

/** The source types this folder's collectors read; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [githubLive, githubJson]
