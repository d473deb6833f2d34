import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../src/core/assessment.js'
import { trustctl } from './cli-harness.js'

// Incremental runs: an input whose bytes did not change since an earlier run is not parsed again;
// its evidence is read back from the ledger, and the result is the same as a full parse.

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-incremental-'))
const previousKey = process.env.TRUSTCTL_SIGNING_KEY
process.env.TRUSTCTL_SIGNING_KEY = path.join(dir, 'signing-key.pem')
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
})

const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: ${image}
`

writeFileSync(
  path.join(dir, 'trustctl.yaml'),
  `version: 1
organization: Acme
system: { name: Insights }
scope: { categories: [security], asOf: 2026-11-30 }
sources:
  - path: deploy
`,
)
const deploy = path.join(dir, 'deploy')

async function assessJson(): Promise<AssessmentModel> {
  const run = await trustctl(dir, 'assess', '--format', 'json')
  expect(run.stderr).not.toMatch(/error/i)
  return JSON.parse(run.stdout) as AssessmentModel
}

const reusedFiles = (model: AssessmentModel): string[] =>
  model.inputs.filter((i) => i.reused === true).map((i) => i.file)

describe('incremental runs', () => {
  it('parse every input on the first run, none on an unchanged rerun, and only what changed after', async () => {
    mkdirSync(deploy, { recursive: true })
    writeFileSync(path.join(deploy, 'api.yaml'), deployment('registry.example.com/api:1.0'))
    writeFileSync(path.join(deploy, 'Dockerfile'), 'FROM gcr.io/distroless/static\nUSER 65532\n')

    const first = await assessJson()
    expect(first.inputs).toHaveLength(2)
    expect(reusedFiles(first)).toEqual([])

    const second = await assessJson()
    expect(reusedFiles(second).sort()).toEqual(['deploy/Dockerfile', 'deploy/api.yaml'])
    // Read back from the ledger, the evidence gives exactly the findings a full parse gave.
    expect(second.findings).toEqual(first.findings)

    writeFileSync(path.join(deploy, 'api.yaml'), deployment('registry.example.com/api:1.1'))
    const third = await assessJson()
    expect(reusedFiles(third)).toEqual(['deploy/Dockerfile'])
    expect(third.inputs.find((i) => i.file === 'deploy/api.yaml')?.reused).toBeUndefined()

    // The parse results are records of the runs: the ledger still verifies end to end.
    expect((await trustctl(dir, 'verify')).code).toBe(0)
  })
})

describe('incremental runs over plans and templates', () => {
  it('reuse an unchanged Terraform plan and CloudFormation template, with the same findings', async () => {
    const root = path.join(dir, 'infra')
    const testdata = path.join(import.meta.dirname, '..', 'src', 'collectors', 'terraform', 'testdata')
    mkdirSync(root, { recursive: true })
    cpSync(path.join(testdata, 'acme-plan.json'), path.join(root, 'plan.json'))
    cpSync(path.join(testdata, 'reporting-stack.yaml'), path.join(root, 'stack.yaml'))
    writeFileSync(
      path.join(root, 'trustctl.yaml'),
      `version: 1
organization: Acme
system: { name: Insights }
scope: { categories: [security], asOf: 2026-11-30 }
sources:
  - { type: terraform-plan, path: plan.json }
  - { type: cloudformation, path: stack.yaml }
store: { path: .trustctl }
`,
    )
    const assess = async (): Promise<AssessmentModel> => {
      const run = await trustctl(root, 'assess', '--format', 'json')
      expect(run.stderr).not.toMatch(/error/i)
      return JSON.parse(run.stdout) as AssessmentModel
    }
    const first = await assess()
    expect(first.inputs.map((i) => [i.file, i.collector])).toEqual([
      ['plan.json', 'terraform-plan'],
      ['stack.yaml', 'cloudformation'],
    ])
    expect(reusedFiles(first)).toEqual([])
    expect(first.findings.some((f) => f.status === 'fail')).toBe(true)

    const second = await assess()
    expect(reusedFiles(second)).toEqual(['plan.json', 'stack.yaml'])
    expect(second.findings).toEqual(first.findings)
    expect(second.coverage).toEqual(first.coverage)
    expect((await trustctl(root, 'verify')).code).toBe(0)
  })
})
