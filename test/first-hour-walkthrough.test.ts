import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentSummary, Gap } from '../src/core/assessment.js'
import type { RemediationPlan } from '../src/core/plan.js'
import { trustctl } from './cli-harness.js'
import { deployment } from './small-estate.js'

/**
 * The first hour of a new team, end to end through the installed command: a fresh service repository
 * goes init → assess → gaps → plan → fix two gaps → assess → package → verify. Each step reads what
 * the one before it left, as a user's would; nothing is prepared behind the command's back.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-walkthrough-'))
const keys = mkdtempSync(path.join(os.tmpdir(), 'trustctl-walkthrough-keys-'))
const previousKey = process.env.TRUSTCTL_SIGNING_KEY

const rootDockerfile = `FROM node:22-bookworm-slim@sha256:${'b'.repeat(64)} AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run build

FROM gcr.io/distroless/nodejs22-debian12@sha256:${'c'.repeat(64)}
COPY --from=build /src/dist /app
CMD ["/app/server.js"]
`
const hardenedDockerfile = rootDockerfile.replace('CMD [', 'USER 10001:10001\nCMD [')

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd: dir })

const gapIds = async (): Promise<string[]> => {
  const run = await trustctl(dir, 'gaps', '--format', 'json')
  expect(run.stderr).toBe('')
  return (JSON.parse(run.stdout) as Gap[]).map((g) => g.id)
}
const summary = async (): Promise<AssessmentSummary> => {
  const run = await trustctl(dir, 'assess', '--format', 'json')
  return (JSON.parse(run.stdout) as { summary: AssessmentSummary }).summary
}

const nonRootGap = 'failing-test:kubernetes/workload-runs-as-non-root'
const imageUserGap = 'failing-test:container/final-stage-runs-as-non-root'

beforeAll(() => {
  process.env.TRUSTCTL_SIGNING_KEY = path.join(keys, 'signing.pem')
  mkdirSync(path.join(dir, 'deploy'))
  writeFileSync(path.join(dir, 'deploy', 'checkout.yaml'), deployment('checkout', false))
  writeFileSync(path.join(dir, 'Dockerfile'), rootDockerfile)
  writeFileSync(path.join(dir, 'README.md'), '# checkout\n')
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-qm', 'Checkout service')
})
afterAll(() => {
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  rmSync(dir, { recursive: true, force: true })
  rmSync(keys, { recursive: true, force: true })
})

describe('a new team’s first hour', () => {
  let before: AssessmentSummary
  let plan: RemediationPlan

  it('init proposes what it found and keeps the store out of git', async () => {
    const run = await trustctl(dir, 'init', '--organization', 'Acme', '--system', 'checkout', '--no-input')
    expect(run.code, run.stderr).toBe(0)
    const config = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    expect(config).toMatch(/path: deploy/)
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\.trustctl\/$/m)
  })

  it('assess stores a run and says where to start', async () => {
    const run = await trustctl(dir, 'assess')
    expect(run.stderr).not.toMatch(/internal error/)
    expect(run.stdout).toMatch(/Start here/)
    expect(existsSync(path.join(dir, '.trustctl'))).toBe(true)
  })

  it('gaps lists the two planted failures', async () => {
    const ids = await gapIds()
    expect(ids).toContain(nonRootGap)
    expect(ids).toContain(imageUserGap)
    before = await summary()
  })

  it('plan orders every gap into cycles with readiness rising', async () => {
    const run = await trustctl(dir, 'plan', '--format', 'json')
    expect(run.code, run.stderr).not.toBe(2)
    plan = JSON.parse(run.stdout) as RemediationPlan
    expect(plan.cycles.length).toBeGreaterThan(0)
    const levels = [plan.readiness, ...plan.cycles.map((c) => c.readiness)]
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThanOrEqual(levels[i - 1] ?? 0)
  })

  it('after fixing the two gaps, assess no longer lists them and nothing else moves back', async () => {
    writeFileSync(path.join(dir, 'deploy', 'checkout.yaml'), deployment('checkout', true))
    writeFileSync(path.join(dir, 'Dockerfile'), hardenedDockerfile)
    git('commit', '-qam', 'Run as a non-root user')
    const run = await trustctl(dir, 'assess')
    expect(run.stderr).not.toMatch(/internal error/)
    const ids = await gapIds()
    expect(ids).not.toContain(nonRootGap)
    expect(ids).not.toContain(imageUserGap)
    const after = await summary()
    expect(after.tests.failed).toBeLessThanOrEqual(before.tests.failed - 2)
    expect(after.gaps).toBeLessThanOrEqual(before.gaps - 2)
    // Two failing tests fixed may leave their controls short of passing, so readiness need not rise.
    expect(after.readiness).toBeGreaterThanOrEqual(before.readiness)
  })

  it('package writes a signed package that verify accepts', async () => {
    const run = await trustctl(dir, 'package', '--type', '1')
    expect(run.code, run.stderr).not.toBe(2)
    expect(run.stderr).not.toMatch(/internal error/)
    const reports = path.join(dir, 'reports')
    const folder = readdirSync(reports).find((name) => name.startsWith('soc2-type1-'))
    expect(folder).toBeDefined()
    const packageDir = path.join(reports, folder ?? '')
    expect(existsSync(path.join(packageDir, 'manifest.json'))).toBe(true)
    const verify = await trustctl(dir, 'verify', '--package', packageDir)
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  })
})
