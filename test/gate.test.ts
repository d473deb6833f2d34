import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustctl, trustctlWithEnv } from './cli-harness.js'
import { deployment, smallEstate } from './small-estate.js'

let estate: Awaited<ReturnType<typeof smallEstate>>
beforeAll(async () => {
  estate = await smallEstate('gate')
})
afterAll(() => estate.cleanup())

const ci = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...env } = process.env
  return { ...env, ...extra }
}

describe('a gate that explains itself', () => {
  it('prints each failing finding with check, subject, file:line, message and fix to stderr', async () => {
    const run = await trustctl(estate.dir, 'assess', '--fail-on', 'high')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('failing findings at or above high')
    expect(run.stderr).toContain('[HIGH] kubernetes/workload-runs-as-non-root')
    expect(run.stderr).toContain('subject: Deployment prod/api')
    expect(run.stderr).toMatch(/where: {3}deploy\/api\.yaml:\d+/)
    expect(run.stderr).toMatch(/fix: {5}\S/)
    // The passing workload is not named as a failure.
    expect(run.stderr).not.toContain('Deployment prod/web')
  })

  it('stays quiet on stderr when the gate passes, and keeps --format json clean', async () => {
    const pass = await trustctl(estate.dir, 'assess', '--fail-on', 'critical')
    expect(pass.code).not.toBe(1)
    expect(pass.stderr).toBe('')
    const json = await trustctl(estate.dir, 'assess', '--fail-on', 'high', '--format', 'json')
    expect(json.code).toBe(1)
    expect(() => JSON.parse(json.stdout)).not.toThrow()
    expect(json.stderr).toContain('kubernetes/workload-runs-as-non-root')
  })

  it('annotates the files and writes a job summary under GitHub Actions', async () => {
    const summary = path.join(estate.dir, 'step-summary.md')
    writeFileSync(summary, '# earlier step\n')
    const run = await trustctlWithEnv(
      ci({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }),
      estate.dir,
      'assess',
      '--fail-on',
      'high',
      '--format',
      'json',
    )
    expect(run.code).toBe(1)
    const annotation = run.stderr
      .split('\n')
      .find((l) => l.startsWith('::error ') && l.includes('workload-runs-as-non-root'))
    expect(annotation).toMatch(
      /^::error file=deploy\/api\.yaml,line=\d+,title=kubernetes\/workload-runs-as-non-root \(high\)::Deployment prod\/api: .*%0AFix: /,
    )
    const markdown = readFileSync(summary, 'utf8')
    // Appended, not overwritten: other steps' summaries stay.
    expect(markdown.startsWith('# earlier step\n')).toBe(true)
    expect(markdown).toContain('The gate failed')
    expect(markdown).toMatch(
      /\| high \| `kubernetes\/workload-runs-as-non-root` \| Deployment prod\/api \| `deploy\/api\.yaml:\d+` \|/,
    )
  })

  it('writes no annotations outside GitHub Actions', async () => {
    const run = await trustctl(estate.dir, 'assess', '--fail-on', 'high')
    expect(run.stderr).not.toContain('::error')
  })

  it('writes a GitLab Code Quality report on request', async () => {
    const report = path.join(estate.dir, 'gl-code-quality.json')
    const run = await trustctl(estate.dir, 'assess', '--fail-on', 'high', '--gitlab-codequality', report)
    expect(run.code).toBe(1)
    const issues = JSON.parse(readFileSync(report, 'utf8')) as {
      description: string
      check_name: string
      fingerprint: string
      severity: string
      location: { path: string; lines: { begin: number } }
    }[]
    const root = issues.find((i) => i.check_name === 'kubernetes/workload-runs-as-non-root')
    expect(root).toMatchObject({
      description: expect.stringContaining('Deployment prod/api'),
      severity: 'critical',
      location: { path: 'deploy/api.yaml', lines: { begin: expect.any(Number) } },
    })
    expect(root?.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length)
    // Stable across runs for the same finding; gone once it is fixed.
    await trustctl(estate.dir, 'assess', '--gitlab-codequality', report)
    const again = JSON.parse(readFileSync(report, 'utf8')) as { fingerprint: string }[]
    expect(again.map((i) => i.fingerprint)).toContain(root?.fingerprint)
    writeFileSync(path.join(estate.dir, 'deploy', 'api.yaml'), deployment('api', true))
    await trustctl(estate.dir, 'assess', '--gitlab-codequality', report)
    const fixed = JSON.parse(readFileSync(report, 'utf8')) as { check_name: string }[]
    expect(fixed.map((i) => i.check_name)).not.toContain('kubernetes/workload-runs-as-non-root')
  })
})
