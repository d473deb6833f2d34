import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = path.resolve(import.meta.dirname, '..')
const read = (file: string): unknown => parse(readFileSync(path.join(root, file), 'utf8'))

interface Step {
  uses?: string
  run?: string
  if?: string
  shell?: string
  with?: Record<string, string>
}

describe('the GitHub Action (action.yml)', () => {
  const action = read('action.yml') as {
    name: string
    description: string
    inputs: Record<string, { description: string; default?: string }>
    runs: { using: string; steps: Step[] }
  }

  it('is a composite action with described inputs', () => {
    expect(action.name).toBe('trustctl')
    expect(action.description.length).toBeGreaterThan(10)
    expect(action.runs.using).toBe('composite')
    for (const name of ['version', 'config', 'fail-on', 'upload-sarif'])
      expect(action.inputs[name]?.description, name).toBeTruthy()
    // A composite action's run steps must name their shell.
    for (const step of action.runs.steps.filter((s) => s.run !== undefined)) expect(step.shell).toBe('bash')
  })

  it('installs trustctl, gates with assess --fail-on, uploads SARIF and writes the job summary', () => {
    const runs = action.runs.steps.map((s) => s.run ?? '').join('\n')
    expect(runs).toContain('npm install --global')
    expect(runs).toMatch(/trustctl assess --config "\$TRUSTCTL_CONFIG" --fail-on "\$TRUSTCTL_FAIL_ON"/)
    expect(runs).toContain('--format sarif,md')
    expect(runs).toContain('$GITHUB_STEP_SUMMARY')
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))
    expect(upload?.with?.sarif_file).toBe(`\${{ steps.report.outputs.sarif }}`)
    // The gate is the last step, so the report and upload happen even when assess failed.
    expect(action.runs.steps.at(-1)?.run).toContain('exit "$EXIT_CODE"')
  })

  it('pins every action it uses by commit SHA and never interpolates inputs into scripts', () => {
    for (const step of action.runs.steps.filter((s) => s.uses !== undefined))
      expect(step.uses, step.uses).toMatch(/@[0-9a-f]{40}$/)
    for (const step of action.runs.steps) expect(step.run ?? '', step.run).not.toContain('${{')
  })
})

describe('the GitLab CI template', () => {
  const template = read('ci/gitlab/trustctl.yml') as {
    variables: Record<string, string>
    trustctl: {
      stage: string
      image: string
      script: string[]
      artifacts: { when: string; reports: { junit: string } }
    }
  }

  it('defines a trustctl job that gates, keeps the report, and shows JUnit results', () => {
    expect(template.variables.TRUSTCTL_FAIL_ON).toBe('high')
    expect(template.trustctl.stage).toBe('test')
    expect(template.trustctl.image).toMatch(/^node:2[24]/)
    const script = template.trustctl.script.join('\n')
    expect(script).toContain('trustctl assess --config "$TRUSTCTL_CONFIG" --fail-on "$TRUSTCTL_FAIL_ON"')
    expect(script).toContain('--format md,sarif,junit')
    expect(template.trustctl.script.at(-1)).toBe('exit "$code"')
    expect(template.trustctl.artifacts.when).toBe('always')
    expect(template.trustctl.artifacts.reports.junit).toBe('trustctl-report/junit.xml')
  })
})

describe('the pre-commit hook definition', () => {
  const hooks = read('.pre-commit-hooks.yaml') as {
    id: string
    name: string
    entry: string
    language: string
    pass_filenames: boolean
    files: string
  }[]

  it('defines trustctl-assess with the keys pre-commit requires', () => {
    const hook = hooks.find((h) => h.id === 'trustctl-assess')
    expect(hook).toMatchObject({ name: 'trustctl assess', language: 'system', pass_filenames: false })
    expect(hook?.entry).toBe('trustctl assess --fail-on high')
    const files = new RegExp(hook?.files ?? '^$')
    for (const file of ['k8s/deploy.yaml', 'Dockerfile', 'infra/main.tf', 'trustctl.yaml'])
      expect(files.test(file), file).toBe(true)
    expect(files.test('src/index.ts')).toBe(false)
  })
})
