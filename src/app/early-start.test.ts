import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadFingerprintSalt, upcomingFingerprintSalt } from '../collectors/secrets/salt.js'
import { startEarlyWork, wantsEarlyWork } from './early-start.js'
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

describe('the salt an early secrets scan fingerprints with', () => {
  it('is the one the store is then given, and nothing is written before the run collects', async () => {
    const store = path.join(dir, 'salted', '.trustctl')
    const chosen = upcomingFingerprintSalt(store)
    expect(chosen).toMatch(/^[0-9a-f]{64}$/)
    // Chosen, not written: a run that fails before collecting leaves no store folder behind.
    expect(existsSync(path.dirname(store))).toBe(false)
    expect(upcomingFingerprintSalt(store)).toBe(chosen)
    expect(await loadFingerprintSalt(store)).toBe(chosen)
    expect(readFileSync(path.join(store, 'fingerprint-salt'), 'utf8').trim()).toBe(chosen)
    // A store that has its salt: that one.
    writeFileSync(path.join(store, 'fingerprint-salt'), `${'ab'.repeat(32)}\n`)
    expect(upcomingFingerprintSalt(store)).toBe('ab'.repeat(32))
  })

  it('is not written by the early work of a run that then fails before collecting', async () => {
    const config = await loaded('[{ type: secrets, path: . }]', '{ path: fresh-store }')
    expect(wantsEarlyWork(config)).toBe(true)
    const stop = await startEarlyWork(config, {})
    await stop()
    expect(existsSync(path.join(dir, 'fresh-store'))).toBe(false)
  })
})
