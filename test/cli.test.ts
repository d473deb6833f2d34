import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyDemo, trustctl } from './cli-harness.js'

describe('trustctl on the demo estate', () => {
  const demo = copyDemo()
  afterAll(demo.cleanup)
  let json: Record<string, unknown>

  beforeAll(async () => {
    const run = await trustctl(demo.dir, 'assess', '--format', 'json')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    json = JSON.parse(run.stdout)
  })

  it('prints the JSON result contract', () => {
    expect(json).toMatchObject({
      scope: {
        categories: ['security', 'availability', 'confidentiality'],
        criteria: expect.arrayContaining(['CC1.1', 'A1.2', 'C1.2']),
      },
      findings: expect.any(Array),
      controls: expect.any(Array),
      gaps: expect.any(Array),
      errors: [],
    })
    const findings = json.findings as Record<string, unknown>[]
    const failing = findings.find(
      (f) => f.check === 'kubernetes/workload-runs-as-non-root' && f.status === 'fail',
    )
    expect(failing).toMatchObject({
      severity: expect.any(String),
      subject: {
        kind: expect.any(String),
        name: expect.any(String),
        namespace: expect.any(String),
        file: expect.stringMatching(/^deploy\//),
        line: expect.any(Number),
      },
      message: expect.any(String),
      controls: expect.arrayContaining([expect.any(String)]),
      criteria: expect.arrayContaining([expect.stringMatching(/^CC/)]),
    })
    expect((json.controls as Record<string, unknown>[])[0]).toMatchObject({
      id: expect.any(String),
      status: expect.any(String),
      criteria: expect.any(Array),
    })
  })

  it('shows passes, failures and gaps, as a halfway-ready estate should', () => {
    const statuses = new Set((json.findings as { status: string }[]).map((f) => f.status))
    expect(statuses).toContain('pass')
    expect(statuses).toContain('fail')
    expect((json.gaps as unknown[]).length).toBeGreaterThan(0)
  })

  it('stores the run beside the config', () => {
    expect(existsSync(path.join(demo.dir, '.trustctl', 'trustctl.db'))).toBe(true)
  })

  it('gates CI with --fail-on: exit 1 at or above the threshold', async () => {
    expect((await trustctl(demo.dir, 'assess', '--fail-on', 'critical')).code).toBe(1)
    const demoFindings = json.findings as { status: string; severity: string }[]
    expect(demoFindings.some((f) => f.status === 'fail' && f.severity === 'info')).toBe(false)
    expect((await trustctl(demo.dir, 'assess', '--fail-on', 'info')).code).toBe(1)
  })

  it('lists gaps with what, why, owner, due date and severity', async () => {
    const run = await trustctl(demo.dir, 'gaps')
    expect(run.code).toBe(0)
    // Grouped by owner, then by the criterion each gap leaves unmet, each gap with due date and fix.
    expect(run.stdout).toMatch(/^.+<.+@acme-analytics\.example\.com> \(\d+ gaps?\)\n {2}CC\d\.\d+\n {4}\[/m)
    expect(run.stdout).toMatch(
      /\n {4}\[CRITICAL\] .+\n {6}(also [^;]+; )?due 20\d\d-\d\d-\d\d.*\n {6}fix: \S/,
    )
    const gaps = JSON.parse(
      (await trustctl(demo.dir, 'gaps', '--format', 'json', '--severity', 'high')).stdout,
    ) as { severity: string }[]
    expect(gaps.every((g) => g.severity === 'high' || g.severity === 'critical')).toBe(true)
  })

  it('writes the report in every format', async () => {
    const run = await trustctl(demo.dir, 'report', '--format', 'md,html,json', '--out', 'out')
    expect(run.code).toBe(0)
    for (const file of ['readiness.md', 'readiness.html', 'readiness.json'])
      expect(existsSync(path.join(demo.dir, 'out', file))).toBe(true)
    expect(readFileSync(path.join(demo.dir, 'out', 'readiness.md'), 'utf8')).toContain(
      '## Gaps and remediation',
    )
  })

  it('explains a criterion to an auditor: controls, tests, the analogy and the latest result', async () => {
    const run = await trustctl(demo.dir, 'explain', 'CC6.6')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^CC6\.6 — /)
    expect(run.stdout).toContain('What an auditor knows it as:')
    expect(run.stdout).toContain('How it is tested:')
    expect(run.stdout).toContain('Questions an auditor may ask:')
    expect(run.stdout).toMatch(/exception: .+ at deploy\/.+:\d+/)
    const check = await trustctl(demo.dir, 'explain', 'kubernetes/namespace-has-default-deny-network-policy')
    expect(check.stdout).toContain('Latest result:')
    const unknown = await trustctl(demo.dir, 'explain', 'CC42.1')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("'CC42.1' is not a criterion, control or check id")
  })

  it('explains CC6.2 from people evidence: leavers and orphaned accounts, each exception with its file hash', async () => {
    const run = await trustctl(demo.dir, 'explain', 'CC6.2')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /automated: .+ \(people\/leaver-accounts-disabled-within-sla\) — Exceptions noted/,
    )
    expect(run.stdout).toMatch(
      /exception: OktaUser sam\.reyes@acme-analytics\.example\.com at people\/okta\/users\.json: .+\n\s+evidence file sha256 [0-9a-f]{64}/,
    )
    expect(run.stdout).toContain('(people/accounts-belong-to-active-people)')
  })

  it('answers gaps, report and explain from the estate as it is now, not from an older run', async () => {
    const changed = copyDemo()
    try {
      expect((await trustctl(changed.dir, 'assess')).code).toBe(0)
      writeFileSync(
        path.join(changed.dir, 'deploy', 'k8s', 'late-addition.yaml'),
        'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: late-agent, namespace: insights}\nspec:\n  template:\n    spec:\n      containers: [{name: agent, image: gcr.io/distroless/static, securityContext: {privileged: yes}}]\n',
      )
      const gaps = JSON.parse((await trustctl(changed.dir, 'gaps', '--format', 'json')).stdout) as {
        subjects?: { name: string }[]
      }[]
      expect(gaps.flatMap((g) => g.subjects ?? []).map((s) => s.name)).toContain('late-agent')
    } finally {
      changed.cleanup()
    }
  })

  it('still assesses everything else when an input is malformed, and exits 3 (partial)', async () => {
    const partial = copyDemo()
    try {
      writeFileSync(
        path.join(partial.dir, 'deploy', 'k8s', 'broken.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n',
      )
      writeFileSync(
        path.join(partial.dir, 'services', 'api', 'Dockerfile.debug'),
        '# nothing but a comment\n',
      )
      const run = await trustctl(partial.dir, 'assess', '--format', 'json')
      expect(run.code).toBe(3)
      const result = JSON.parse(run.stdout) as {
        errors: { file: string; line?: number; message: string }[]
        findings: unknown[]
      }
      expect(result.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            file: 'deploy/k8s/broken.yaml',
            line: expect.any(Number),
            message: expect.stringContaining('invalid YAML'),
          }),
          expect.objectContaining({ file: 'services/api/Dockerfile.debug' }),
        ]),
      )
      // Everything read was judged as in the clean run; each Kubernetes test also says it is
      // incomplete, since the document that did not parse may have held any object.
      type Judged = { check: string; status: string; subject: { kind: string }; message: string }
      const judged = (findings: unknown[]) =>
        (findings as Judged[]).filter((f) => f.subject.kind !== 'Evidence')
      expect(judged(result.findings).length).toBe(judged(json.findings as unknown[]).length)
      const incomplete = (result.findings as Judged[]).filter((f) =>
        f.message.includes('deploy/k8s/broken.yaml'),
      )
      expect(incomplete.length).toBeGreaterThan(10)
      for (const f of incomplete) {
        expect(f.check).toMatch(/^kubernetes\//)
        expect(f.status).toBe('no-evidence')
      }
    } finally {
      partial.cleanup()
    }
  })
})

describe('configuration errors', () => {
  const demo = copyDemo()
  afterAll(demo.cleanup)

  it('names the key path of a bad source and exits 2', async () => {
    appendFileSync(path.join(demo.dir, 'trustctl.yaml'), '')
    const config = readFileSync(path.join(demo.dir, 'trustctl.yaml'), 'utf8')
    writeFileSync(
      path.join(demo.dir, 'bad.yaml'),
      config.replace('  - path: .github/workflows', '  - path: .github/workflows\n  - path: nowhere'),
    )
    const run = await trustctl(demo.dir, 'assess', '--config', 'bad.yaml')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/sources\[3\]\.path: no such file or folder: nowhere/)
  })

  it('calls an alias bomb a configuration error naming the file, not an internal error', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`)
    }
    writeFileSync(path.join(demo.dir, 'bomb.yaml'), `${levels.join('\n')}\nversion: 1\n`)
    const run = await trustctl(demo.dir, 'assess', '--config', 'bomb.yaml')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/bomb\.yaml: the YAML cannot be expanded/)
    expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/)
  })

  it('refuses a scope without security', async () => {
    const config = readFileSync(path.join(demo.dir, 'trustctl.yaml'), 'utf8')
    writeFileSync(
      path.join(demo.dir, 'no-security.yaml'),
      config.replace(/categories: \[security, /, 'categories: ['),
    )
    const run = await trustctl(demo.dir, 'assess', '--config', 'no-security.yaml')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('scope.categories: must include security')
  })

  it('rejects an unknown flag value with a usage error', async () => {
    expect((await trustctl(demo.dir, 'assess', '--fail-on', 'severe')).code).toBe(2)
    expect((await trustctl(demo.dir, 'report', '--format', 'docx')).code).toBe(2)
    expect((await trustctl(demo.dir, 'frobnicate')).code).toBe(2)
  })
})

describe('trustctl init', () => {
  const demo = copyDemo()
  // init creates the signing key; keep it out of the home folder of whoever runs the tests.
  const previousKey = process.env.TRUSTCTL_SIGNING_KEY
  process.env.TRUSTCTL_SIGNING_KEY = path.join(demo.dir, '..', `${path.basename(demo.dir)}-key.pem`)
  afterAll(() => {
    rmSync(process.env.TRUSTCTL_SIGNING_KEY ?? '', { force: true })
    if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
    else process.env.TRUSTCTL_SIGNING_KEY = previousKey
    demo.cleanup()
  })

  it('writes a commented trustctl.yaml from flags that assess can use as is', async () => {
    const dir = path.join(demo.dir, 'fresh')
    mkdirSync(dir)
    mkdirSync(path.join(dir, 'deploy'))
    writeFileSync(
      path.join(dir, 'deploy', 'app.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: nginx}]\n',
    )
    const run = await trustctl(
      dir,
      'init',
      '--organization',
      'Example Co',
      '--system',
      'Widgets',
      '--categories',
      'availability',
      '--as-of',
      '2026-12-31',
      '--provider',
      'AWS:iaas:EKS,S3',
    )
    expect(run.code).toBe(0)
    const text = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    expect(text).toContain('# Trust Services categories')
    expect(text).toContain('categories: [security, availability]')
    expect(text).toContain('- path: deploy')
    const assessed = await trustctl(dir, 'assess', '--format', 'json')
    expect(assessed.code).toBe(0)
    expect(JSON.parse(assessed.stdout).findings.length).toBeGreaterThan(0)
    expect((await trustctl(dir, 'init')).code).toBe(2)
    const missing = await trustctl(dir, 'init', '--force', '--source', 'deploy/nowhere')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--source deploy/nowhere: no such file or folder')
  })

  it('takes owners and the package from flags, ignores its store, and points a typo at its line', async () => {
    const dir = path.join(demo.dir, 'flags')
    mkdirSync(path.join(dir, 'deploy'), { recursive: true })
    writeFileSync(
      path.join(dir, 'deploy', 'app.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: ghcr.io/acme/app:1.0.0}]\n',
    )
    const run = await trustctl(
      dir,
      'init',
      '--no-input',
      '--owner',
      'security=Jane Doe <jane@example.com>',
      '--management',
      'Jane Doe, Chief Executive Officer',
      '--no-secrets',
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Added .trustctl/ and reports/ to .gitignore.')
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('.trustctl/\nreports/\n')
    const text = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    expect(text).toContain('params: { allowedRegistries: [ghcr.io/acme] }')
    const typo = text.replace(
      'kubernetes/workload-image-from-allowed-registry:',
      'kubernetes/workload-image-from-allowed-registri:',
    )
    writeFileSync(path.join(dir, 'typo.yaml'), typo)
    const line = typo.split('\n').findIndex((l) => l.includes('allowed-registri:')) + 1
    const assessed = await trustctl(dir, 'assess', '--config', 'typo.yaml')
    expect(assessed.code).toBe(2)
    expect(assessed.stderr).toContain(
      `typo.yaml:${line}:3: checks.kubernetes/workload-image-from-allowed-registri: no such check (did you mean "kubernetes/workload-image-from-allowed-registry"?)`,
    )
  })
})
