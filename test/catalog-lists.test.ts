import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { trustctl } from './cli-harness.js'

const repo = path.resolve(import.meta.dirname, '..')

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
}

describe('checks list and controls list', () => {
  it('lists every check folder, with severity, controls and criteria, in JSON', async () => {
    const run = await trustctl(os.tmpdir(), 'checks', 'list', '--format', 'json')
    expect(run.code).toBe(0)
    const checks = JSON.parse(run.stdout) as {
      id: string
      severity: string
      controls: string[]
      criteria: string[]
    }[]
    // The ids are the folders that hold a check (the id is the path).
    const folders = filesUnder(path.join(repo, 'checks'))
      .filter((f) => /[\\/](check\.ts|rule\.yaml)$/.test(f))
      .map((f) => path.relative(path.join(repo, 'checks'), path.dirname(f)).split(path.sep).join('/'))
    expect(checks.map((c) => c.id).sort()).toEqual(folders.sort())
    expect(checks.find((c) => c.id === 'kubernetes/workload-runs-as-non-root')).toMatchObject({
      severity: 'high',
      controls: ['workload.containers-run-as-non-root'],
      criteria: expect.arrayContaining(['CC6.8']),
    })
  })

  it('lists every control of the library with its criteria and checks', async () => {
    const run = await trustctl(os.tmpdir(), 'controls', 'list', '--format', 'json')
    const controls = JSON.parse(run.stdout) as { id: string; criteria: string[]; checks: string[] }[]
    const files = filesUnder(path.join(repo, 'catalog', 'controls')).filter((f) => f.endsWith('.yaml'))
    const ids = files.map((f) => (load(readFileSync(f, 'utf8')) as { id: string }).id)
    expect(controls.map((c) => c.id).sort()).toEqual(ids.sort())
    expect(controls.find((c) => c.id === 'workload.containers-run-as-non-root')?.checks).toContain(
      'kubernetes/workload-runs-as-non-root',
    )
  })

  it('prints text by default and refuses an unknown format', async () => {
    const text = await trustctl(os.tmpdir(), 'controls', 'list')
    expect(text.stdout).toMatch(/^access\.\S+ {2}\[owner \w+, [\w-]+\]\n {2}\S/)
    expect(text.stdout).toMatch(/\n\d+ controls\n$/)
    expect((await trustctl(os.tmpdir(), 'checks', 'list', '--format', 'yaml')).code).toBe(2)
  })
})
