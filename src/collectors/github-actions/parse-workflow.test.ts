import { describe, expect, it } from 'vitest'
import type { CiWorkflow } from '../../core/evidence.js'
import { parseWorkflow } from './parse-workflow.js'

const file = '.github/workflows/ci.yml'

/** Parses a workflow that must be read without errors, and returns its evidence. */
function read(text: string): CiWorkflow {
  const result = parseWorkflow(text, file)
  expect(result.errors).toEqual([])
  expect(result.evidence).toHaveLength(1)
  return result.evidence[0] as CiWorkflow
}

const jobs = `jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
`

describe('workflow', () => {
  const ci = `name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    name: Unit tests
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - name: Set up Node
        uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - name: Test
        run: |
          npm ci
          npm test
        env:
          CI: true
  deploy:
    needs: test
    permissions:
      id-token: write
      contents: read
    uses: acme/platform/.github/workflows/deploy.yml@v2
    with:
      environment: production
`

  it('reads jobs and steps, each at its 1-based line', () => {
    const workflow = read(ci)
    expect(workflow).toMatchObject({
      kind: 'ci.workflow',
      resourceKind: 'GitHubWorkflow',
      name: file,
      file,
      line: 1,
    })
    expect(workflow.jobs.map((j) => [j.id, j.name, j.line, j.steps.map((s) => s.line)])).toEqual([
      ['test', 'Unit tests', 9, [13, 14, 19]],
      ['deploy', undefined, 25, []],
    ])
  })

  it('keeps step fields, with scalar values as strings', () => {
    const [checkout, setup, test] = read(ci).jobs[0]?.steps ?? []
    expect(checkout).toEqual({
      uses: 'actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11',
      with: {},
      env: {},
      line: 13,
    })
    expect(setup).toEqual({
      name: 'Set up Node',
      uses: 'actions/setup-node@v4',
      with: { 'node-version': '20', cache: 'npm' },
      env: {},
      line: 14,
    })
    expect(test).toMatchObject({ name: 'Test', run: 'npm ci\nnpm test\n', env: { CI: 'true' } })
    expect(test?.uses).toBeUndefined()
  })

  it('records a reusable workflow called as a job, with its own permissions', () => {
    const deploy = read(ci).jobs.find((j) => j.id === 'deploy')
    expect(deploy).toMatchObject({
      uses: 'acme/platform/.github/workflows/deploy.yml@v2',
      permissions: { 'id-token': 'write', contents: 'read' },
      steps: [],
    })
  })
})

describe('triggers', () => {
  it.each([
    ['a string', 'on: push\n', ['push']],
    ['a list', 'on: [push, pull_request]\n', ['push', 'pull_request']],
    ['a block list', 'on:\n  - push\n  - workflow_dispatch\n', ['push', 'workflow_dispatch']],
    [
      'a map',
      'on:\n  push:\n    tags: ["v*"]\n  schedule:\n    - cron: "0 3 * * 1"\n  workflow_dispatch:\n',
      ['push', 'schedule', 'workflow_dispatch'],
    ],
    ['absent', 'name: no triggers\n', []],
  ])('reads triggers written as %s', (_form, on, expected) => {
    expect(read(`${on}${jobs}`).triggers).toEqual(expected)
  })

  it('does not read the `on` key as the YAML 1.1 boolean', () => {
    const workflow = read(`on: pull_request_target\n${jobs}`)
    expect(workflow.triggers).toEqual(['pull_request_target'])
    expect(JSON.stringify(workflow)).not.toContain('"true"')
  })
})

describe('permissions', () => {
  it.each([
    ['read-all', 'permissions: read-all\n', 'read-all'],
    ['write-all', 'permissions: write-all\n', 'write-all'],
    [
      'a map',
      'permissions:\n  contents: read\n  pull-requests: write\n',
      { contents: 'read', 'pull-requests': 'write' },
    ],
    ['an empty map', 'permissions: {}\n', {}],
    ['absent', '', undefined],
  ])('reads workflow permissions given as %s', (_form, permissions, expected) => {
    expect(read(`on: push\n${permissions}${jobs}`).permissions).toEqual(expected)
  })

  it('reads job permissions in the same forms', () => {
    const workflow = read(`on: push
jobs:
  a:
    permissions: write-all
    runs-on: ubuntu-latest
    steps: [{ run: echo a }]
  b:
    permissions: { contents: write }
    runs-on: ubuntu-latest
    steps: [{ run: echo b }]
  c:
    runs-on: ubuntu-latest
    steps: [{ run: echo c }]
`)
    expect(workflow.jobs.map((j) => [j.id, j.permissions])).toEqual([
      ['a', 'write-all'],
      ['b', { contents: 'write' }],
      ['c', undefined],
    ])
  })
})

describe('step environment', () => {
  it('is the workflow env, then the job env, then the step env, each over the one before', () => {
    const workflow = read(`on: push
env:
  STAGE: ci
  REGION: eu-west-1
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      STAGE: prod
      NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
    steps:
      - run: ./deploy.sh
        env:
          REGION: us-east-1
`)
    expect(workflow.jobs[0]?.steps[0]?.env).toEqual({
      STAGE: 'prod',
      REGION: 'us-east-1',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, kept as written
      NPM_TOKEN: '${{ secrets.NPM_TOKEN }}',
    })
  })
})

describe('YAML anchors', () => {
  it('reads an alias as the anchored value: permissions, steps and uses', () => {
    const workflow = read(`on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    permissions: &write
      contents: write
    steps:
      - &checkout
        uses: actions/checkout@v4
      - uses: &scan aquasecurity/trivy-action@master
  test:
    runs-on: ubuntu-latest
    permissions: *write
    steps:
      - *checkout
      - uses: *scan
`)
    const test = workflow.jobs.find((job) => job.id === 'test')
    expect(test?.permissions).toEqual({ contents: 'write' })
    expect(test?.steps.map((step) => step.uses)).toEqual([
      'actions/checkout@v4',
      'aquasecurity/trivy-action@master',
    ])
  })

  it('reports a recursive alias instead of expanding it forever', () => {
    const result = parseWorkflow('on: push\njobs: &loop\n  test:\n    steps: [*loop]\n', file)
    expect(result.evidence).toEqual([])
    expect(result.errors).toEqual([
      { file, line: 1, message: 'a YAML alias refers to a node that contains it' },
    ])
  })

  it('stops aliases that expand without bound ("billion laughs")', () => {
    const levels = ['a: &l0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 9; i++)
      levels.push(
        `a${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      )
    const result = parseWorkflow(`on: push\nenv:\n  ${levels.join('\n  ')}\njobs: {}\n`, file)
    expect(result.errors[0]?.message).toMatch(/^YAML aliases expand to more than/)
  })
})

describe('errors', () => {
  it('reports malformed YAML (a colon in a plain scalar) with its line and no evidence', () => {
    const result = parseWorkflow(
      `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - name: Print
        run: echo status: done
`,
      file,
    )
    expect(result.evidence).toEqual([])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file, line: 7 })
    expect(result.errors[0]?.message).toMatch(/^invalid YAML: /)
  })

  it('reports a workflow without jobs', () => {
    expect(parseWorkflow('name: CI\non: push\n', file)).toEqual({
      evidence: [],
      errors: [{ file, line: 1, message: 'jobs: expected a mapping of job ids to jobs' }],
    })
  })

  it('reports jobs that are not a mapping at their line', () => {
    expect(parseWorkflow('on: push\njobs:\n  - test\n', file).errors).toEqual([
      { file, line: 3, message: 'jobs: expected a mapping of job ids to jobs' },
    ])
  })

  it('reports a file that is not a mapping', () => {
    expect(parseWorkflow('- just\n- a list\n', file).errors).toEqual([
      { file, line: 1, message: 'a workflow must be a mapping with `on` and `jobs`' },
    ])
    expect(parseWorkflow('', file).errors).toHaveLength(1)
  })

  it('reports a bad job or step by path and keeps the rest', () => {
    const result = parseWorkflow(
      `on: push
jobs:
  broken: true
  lint:
    runs-on: ubuntu-latest
    steps: npm run lint
  test:
    runs-on: ubuntu-latest
    steps:
      - npm test
      - run: npm test
`,
      file,
    )
    expect(result.errors).toEqual([
      { file, line: 3, message: 'jobs.broken: expected a mapping' },
      { file, line: 6, message: 'jobs.lint.steps: expected a list' },
      { file, line: 10, message: 'jobs.test.steps[0]: expected a mapping' },
    ])
    const workflow = result.evidence[0]
    expect(workflow?.jobs.map((j) => [j.id, j.steps.map((s) => s.line)])).toEqual([
      ['lint', []],
      ['test', [11]],
    ])
  })
})
