import { readFileSync } from 'node:fs'
import path from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

// Issue "the first hour", item 10: what trustctl needs at run time must run on every Node version the
// README names. A runtime dependency that declares a newer Node than trustctl's own floor (cookie 2
// asked for Node 22 through @fastify/cookie and light-my-request) fails this test when the lock file
// brings it in; development tools (the bench's secretlint) are not shipped and are left out.

const root = path.resolve(import.meta.dirname, '..')
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string }
}
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>
}

/** The lowest Node of each major the README names: trustctl's own floor on 20, then 22 and 24. */
const floor = semver.minVersion(manifest.engines.node)?.version ?? ''
const supported = [floor, '22.0.0', '24.0.0']

describe('Node versions', () => {
  it('names a floor on Node 20, the oldest line the README supports', () => {
    expect(semver.major(floor)).toBe(20)
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(
      `Node.js ${semver.major(floor)}.${semver.minor(floor)} or newer`,
    )
  })

  it.each(supported)('runs every runtime dependency on Node %s', (node) => {
    const refused = Object.entries(lock.packages).flatMap(([where, entry]) => {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
      if (where === '' || entry.dev === true || range === undefined) return []
      return semver.satisfies(node, range)
        ? []
        : [`${where.replace(/^.*node_modules\//, '')} (node ${range})`]
    })
    expect(refused).toEqual([])
  })
})
