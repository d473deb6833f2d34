import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { GitHistory } from '../core/evidence-git.js'
import { loadConfig } from './load-config.js'
import { collectConfiguredSources } from './run-assessment.js'

// The bare clone the change-management cases use: an initial commit on 31 January, changes in March.
const repository = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../checks/git/changes-merged-through-pull-request/cases/fail/app.git',
)
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-period-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function project(scope: string): string {
  const dir = mkdtempSync(path.join(tmp, 'project-'))
  cpSync(repository, path.join(dir, 'app.git'), { recursive: true })
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    `version: 1\norganization: Acme\nsystem: { name: Acme }\nscope:\n${scope}\nsources:\n  - { type: git-history, path: app.git }\n`,
  )
  return dir
}

describe('the audit period as the window of history sources', () => {
  it('starts the git-history window at scope.period.from, not before', async () => {
    const dir = project(
      '  categories: [security]\n  asOf: 2026-06-30\n  period: { from: 2026-03-01, to: 2026-06-30 }',
    )
    const loaded = await loadConfig(undefined, dir)
    const collection = await collectConfiguredSources(loaded, {}, new Date('2026-07-15T00:00:00Z'))
    expect(collection.errors).toEqual([])
    const history = collection.evidence.find((e): e is GitHistory => e.kind === 'git.history')
    expect(history).toMatchObject({ from: '2026-03-01', to: '2026-06-30', changes: 5 })
  })

  it('rejects a period that ends before it starts, naming the key', async () => {
    const dir = project(
      '  categories: [security]\n  asOf: 2026-06-30\n  period: { from: 2026-07-01, to: 2026-06-30 }',
    )
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      /scope\.period\.to.*from must be on or before to/,
    )
  })
})
