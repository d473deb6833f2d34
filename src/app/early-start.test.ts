import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { wantsEarlyWork } from './early-start.js'
import { loadConfig } from './load-config.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-early-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function loaded(sources: string, store = '{ path: .trustctl }') {
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    `version: 1
organization: Early Co
system: { name: Early, description: Early start test. }
scope: { categories: [security], asOf: 2026-11-30 }
sources: ${sources}
store: ${store}
`,
  )
  return loadConfig(path.join(dir, 'trustctl.yaml'), dir)
}

describe('work started before the checks, store and catalog load', () => {
  it('is wanted for a secrets source on a fresh store only', async () => {
    expect(wantsEarlyWork(await loaded('[{ type: secrets, path: . }]'))).toBe(true)
    expect(wantsEarlyWork(await loaded('[{ type: scan-report, path: . }]'))).toBe(false)
    expect(
      wantsEarlyWork(
        await loaded('[{ type: secrets, path: . }]', '{ backend: postgres, url: postgres://h/db }'),
      ),
    ).toBe(false)
    // A store already there: a re-run, whose collector starts workers only for a tree not cached.
    mkdirSync(path.join(dir, '.trustctl'), { recursive: true })
    writeFileSync(path.join(dir, '.trustctl', 'trustctl.db'), '')
    expect(wantsEarlyWork(await loaded('[{ type: secrets, path: . }]'))).toBe(false)
  })
})
