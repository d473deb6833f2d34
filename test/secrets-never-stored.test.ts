import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliRun, trustctl } from './cli-harness.js'
import { type Harness, startHarness } from './server-harness.js'

// Secrets are made fresh for every run (never committed), planted where an estate really keeps them,
// and then every byte trustctl wrote — store, WAL, reports, bundle, console — is searched for them.
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const upper = (n: number): string => Array.from(randomBytes(n), (b) => alphabet[b % 32]).join('')
const alnum = (n: number): string =>
  Array.from(
    randomBytes(n),
    (b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62],
  ).join('')

const awsKeyId = `AKIA${upper(16)}`
const awsSecret = `${alnum(20)}/${alnum(19)}`
const githubToken = `ghp_${alnum(36)}`
const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString()
// A line from the middle of the key body: any stored copy of the key holds it.
const privateKeyLine = privateKeyPem.split('\n')[5] ?? ''

/** Every planted value, in each form it could be stored in (raw, and base64 as in a Secret's data). */
const planted: Record<string, string> = {
  'AWS access key id': awsKeyId,
  'AWS secret access key': awsSecret,
  'GitHub token': githubToken,
  'private key body': privateKeyLine,
  'GitHub token (base64)': Buffer.from(githubToken).toString('base64'),
  'AWS secret access key (base64)': Buffer.from(awsSecret).toString('base64'),
}

const keys = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secret-keys-'))
const estate = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secret-estate-'))
const previousKey = process.env.TRUSTCTL_SIGNING_KEY
const outputs: CliRun[] = []

function plant(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(estate, file)), { recursive: true })
  writeFileSync(path.join(estate, file), text)
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
}

async function run(...argv: string[]): Promise<CliRun> {
  const result = await trustctl(estate, ...argv)
  outputs.push(result)
  return result
}

beforeAll(() => {
  process.env.TRUSTCTL_SIGNING_KEY = path.join(keys, 'signing.pem')
  plant(
    'deploy/secret.yaml',
    `apiVersion: v1
kind: Secret
metadata: { name: cloud-credentials, namespace: prod }
type: Opaque
stringData:
  AWS_ACCESS_KEY_ID: ${awsKeyId}
  AWS_SECRET_ACCESS_KEY: ${awsSecret}
data:
  GITHUB_TOKEN: ${Buffer.from(githubToken).toString('base64')}
  BACKUP_SECRET: ${Buffer.from(awsSecret).toString('base64')}
`,
  )
  plant(
    'deploy/api.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: app
          image: registry.example.com/api:1.0
          env:
            - { name: AWS_ACCESS_KEY_ID, value: ${awsKeyId} }
            - { name: AWS_SECRET_ACCESS_KEY, value: ${awsSecret} }
`,
  )
  plant(
    'Dockerfile',
    `FROM node:20-alpine
ENV AWS_ACCESS_KEY_ID=${awsKeyId} AWS_SECRET_ACCESS_KEY=${awsSecret}
ENV GITHUB_TOKEN=${githubToken}
USER node
CMD ["node", "server.js"]
`,
  )
  plant(
    '.github/workflows/ci.yml',
    `name: ci
on: [push]
permissions: { contents: read }
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      GITHUB_TOKEN: ${githubToken}
      AWS_ACCESS_KEY_ID: ${awsKeyId}
      AWS_SECRET_ACCESS_KEY: ${awsSecret}
    steps:
      - run: echo building
`,
  )
  plant(
    '.env',
    `AWS_ACCESS_KEY_ID=${awsKeyId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\nGH_TOKEN=${githubToken}\n`,
  )
  plant('config/server.key', privateKeyPem)
})

afterAll(() => {
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  rmSync(estate, { recursive: true, force: true })
  rmSync(keys, { recursive: true, force: true })
})

describe('secrets are never stored or printed in clear', () => {
  it('assess, report (md, html, json) and export keep no planted secret anywhere', async () => {
    const init = await run('init', '--organization', 'Acme', '--system', 'api', '--source', '.', '--no-input')
    expect(init.code).toBe(0)
    const configFile = path.join(estate, 'trustctl.yaml')
    const config = readFileSync(configFile, 'utf8')
    expect(config).toMatch(/sources:\n {2}- path: \.\n/)
    writeFileSync(
      configFile,
      config.replace(/sources:\n {2}- path: \.\n/, 'sources:\n  - path: .\n  - type: secrets\n'),
    )

    const assess = await run('assess', '--format', 'json')
    expect([0, 1, 3]).toContain(assess.code)
    const model = JSON.parse(assess.stdout)
    expect(model.ledger?.runId).toBe(1)
    const report = await run('report', '--format', 'md,html,json', '--out', 'out')
    expect([0, 1, 3]).toContain(report.code)
    const exported = await run('export', '--from', '2000-01-01', '--to', '2100-01-01', '--out', 'bundle')
    expect(exported.code).toBe(0)

    const written = [
      ...filesUnder(path.join(estate, '.trustctl')),
      ...filesUnder(path.join(estate, 'out')),
      ...filesUnder(path.join(estate, 'bundle')),
    ]
    const names = written.map((f) => path.relative(estate, f))
    expect(names.some((n) => n.endsWith('.db'))).toBe(true)
    expect(names.some((n) => n.endsWith('.md'))).toBe(true)
    expect(names.some((n) => n.endsWith('.html'))).toBe(true)
    expect(names.some((n) => n.endsWith('.json'))).toBe(true)
    const haystacks: { where: string; bytes: Buffer }[] = [
      ...written.map((f) => ({ where: path.relative(estate, f), bytes: readFileSync(f) })),
      ...outputs.flatMap((o, i) => [
        { where: `stdout of command ${i + 1}`, bytes: Buffer.from(o.stdout) },
        { where: `stderr of command ${i + 1}`, bytes: Buffer.from(o.stderr) },
      ]),
    ]
    // The search itself works: evidence of the planted files is in the store, in clear, and the
    // scanner's findings (redacted) are there for the .env file and the private key.
    const store = Buffer.concat(haystacks.filter((h) => h.where.includes('.trustctl')).map((h) => h.bytes))
    expect(store.includes('cloud-credentials')).toBe(true)
    const findings = model.evidence?.filter?.((e: { kind: string }) => e.kind === 'secret.finding') ?? []
    const storedFindings = store.toString('latin1').match(/"kind":"secret\.finding"/g) ?? []
    expect(Math.max(findings.length, storedFindings.length)).toBeGreaterThanOrEqual(3)
    expect(store.includes('"file":".env"')).toBe(true)
    expect(store.includes('"file":"config/server.key"')).toBe(true)

    const leaks = haystacks.flatMap(({ where, bytes }) =>
      Object.entries(planted)
        .filter(([, value]) => bytes.includes(value))
        .map(([what]) => `${what} in ${where}`),
    )
    expect(leaks).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------------
// Every field type of every collector: a distinct fake secret planted in each, then assessed here,
// pushed to a team server and served through its API. No planted value may appear in any byte of
// either store (records, blobs, parse cache, team tables, WAL), any API answer, or the console.

let counter = 0
/** A distinct fake credential of a recognisable shape, or none (`nameless`: found by context only). */
const fake = {
  github: () => `ghp_${alnum(36)}`,
  awsKeyId: () => `AKIA${upper(16)}`,
  gitlab: () => `glpat-${alnum(20)}`,
  stripe: () => `sk_live_${alnum(24)}`,
  slack: () => `xoxb-${100000 + ++counter}-${alnum(24)}`,
  nameless: () => `${alnum(10)}9${alnum(13)}`,
  awsSecret: () => `${alnum(20)}/${alnum(19)}`,
}

/** Field type -> the value planted there. */
const everywhere: Record<string, string> = {
  'kubernetes label': fake.awsKeyId(),
  'kubernetes annotation': fake.github(),
  'kubernetes env value': fake.gitlab(),
  'kubernetes env value (YAML value: line, no shape)': fake.nameless(),
  'kubernetes args': fake.stripe(),
  'kubernetes command': fake.slack(),
  'kubernetes image name': fake.github(),
  'kubernetes ConfigMap data': fake.github(),
  'kubernetes ConfigMap data (no shape)': fake.nameless(),
  'Dockerfile RUN (AWS secret access key, no shape)': fake.awsSecret(),
  'Dockerfile ENV': fake.github(),
  'Dockerfile ENV (AWS access key id)': fake.awsKeyId(),
  'Dockerfile ARG': fake.gitlab(),
  'Dockerfile LABEL': fake.stripe(),
  'Dockerfile CMD': fake.slack(),
  'file a Dockerfile ADDs': fake.awsSecret(),
  'GitHub Actions run': fake.github(),
  'GitHub Actions with': fake.gitlab(),
  'GitHub Actions env': fake.slack(),
  'GitLab script': fake.stripe(),
  'GitLab variables': fake.github(),
  'Terraform HCL tags': fake.awsKeyId(),
  'Terraform HCL variable default': fake.github(),
  'Terraform HCL variable default (no shape)': fake.nameless(),
  'Terraform HCL resource attribute': fake.gitlab(),
  'Terraform plan tags': fake.github(),
  'Terraform plan variable': fake.stripe(),
  'Terraform plan resource attribute': fake.slack(),
  'CloudFormation Tags': fake.awsKeyId(),
  'CloudFormation Parameters default': fake.github(),
  'AWS JSON tags': fake.gitlab(),
  'scanner report message': fake.github(),
  'git commit message': fake.stripe(),
}
const v = (field: string): string => {
  const value = everywhere[field]
  if (value === undefined) throw new Error(`no planted value for ${field}`)
  return value
}

const repoRoot = path.resolve(import.meta.dirname, '..')
const wide = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secret-everywhere-'))
const wideOutputs: CliRun[] = []

function plantWide(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(wide, file)), { recursive: true })
  writeFileSync(path.join(wide, file), text)
}

function plantEverywhere(): void {
  plantWide(
    'trustctl.yaml',
    [
      'version: 1',
      'organization: Planted Secrets Co',
      'system: { name: Planted }',
      'scope: { categories: [security], asOf: 2026-11-30 }',
      'sources:',
      '  - path: deploy',
      '  - path: app',
      '  - path: .github/workflows',
      '  - path: .gitlab-ci.yml',
      '  - { type: terraform, path: infra }',
      '  - { type: terraform-plan, path: plan/plan.json }',
      '  - { type: cloudformation, path: cfn/stack.yaml }',
      '  - { type: aws-json, path: aws, account: "123456789012" }',
      '  - { type: scan-report, path: scans }',
      '  - { type: git-history, path: app-repo, from: 2026-01-01, to: 2026-12-31 }',
      '  - { type: secrets, path: ., exclude: ["app-repo/**"] }',
      '',
    ].join('\n'),
  )
  plantWide(
    'deploy/app.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: planted-api
  namespace: prod
  labels: { app: api, planted-label: ${v('kubernetes label')} }
  annotations: { planted-annotation: "${v('kubernetes annotation')}" }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: app
          image: registry.example.com/api:${v('kubernetes image name')}
          command: ["/bin/start", "--slack", "${v('kubernetes command')}"]
          args: ["--stripe", "${v('kubernetes args')}"]
          env:
            - { name: GITLAB_TOKEN, value: ${v('kubernetes env value')} }
            - name: UPSTREAM_PASSWORD
              value: "${v('kubernetes env value (YAML value: line, no shape)')}"
---
apiVersion: v1
kind: ConfigMap
metadata: { name: planted-config, namespace: prod }
data:
  upstream: "${v('kubernetes ConfigMap data')}"
  DB_PASSWORD: "${v('kubernetes ConfigMap data (no shape)')}"
`,
  )
  plantWide(
    'app/Dockerfile',
    `FROM node:20-alpine
ARG NPM_TOKEN=${v('Dockerfile ARG')}
ENV AWS_ACCESS_KEY_ID=${v('Dockerfile ENV (AWS access key id)')}
ENV RELEASE_NOTE=${v('Dockerfile ENV')}
LABEL planted.label="${v('Dockerfile LABEL')}"
RUN mkdir -p /root/.aws && echo ${v('Dockerfile RUN (AWS secret access key, no shape)')} > /root/.aws/key
ADD config/aws.ini /root/.aws/credentials
USER node
CMD ["node", "server.js", "--slack", "${v('Dockerfile CMD')}"]
`,
  )
  plantWide('app/config/aws.ini', `[default]\naws_secret_access_key = ${v('file a Dockerfile ADDs')}\n`)
  plantWide(
    '.github/workflows/ci.yml',
    `name: ci
on: [push]
permissions: { contents: read }
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NOTIFY: ${v('GitHub Actions env')}
    steps:
      - uses: actions/checkout@v4
        with: { token: ${v('GitHub Actions with')} }
      - run: curl -H "X-Key ${v('GitHub Actions run')}" https://example.com/hook
`,
  )
  plantWide(
    '.gitlab-ci.yml',
    `variables:
  UPSTREAM: ${v('GitLab variables')}
build:
  image: node:20
  script:
    - ./deploy --stripe ${v('GitLab script')}
`,
  )
  plantWide(
    'infra/main.tf',
    `variable "release_token" {
  type    = string
  default = "${v('Terraform HCL variable default')}"
}

variable "db_password" {
  type    = string
  default = "${v('Terraform HCL variable default (no shape)')}"
}

resource "aws_s3_bucket" "planted" {
  bucket = "planted-bucket"
  tags = {
    planted-tag = "${v('Terraform HCL tags')}"
  }
}

resource "aws_instance" "planted" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = "${v('Terraform HCL resource attribute')}"
}
`,
  )
  const plan = JSON.parse(
    readFileSync(path.join(repoRoot, 'src/collectors/terraform/testdata/acme-plan.json'), 'utf8'),
  )
  plan.variables.release_token = { value: v('Terraform plan variable') }
  const planted = (values: Record<string, unknown>): void => {
    values.tags = { ...(values.tags ?? {}), 'planted-tag': v('Terraform plan tags') }
    values.tags_all = { ...(values.tags_all ?? {}), 'planted-tag': v('Terraform plan tags') }
    values.description = v('Terraform plan resource attribute')
  }
  for (const resource of plan.planned_values.root_module.resources) planted(resource.values)
  for (const change of plan.resource_changes) if (change.change?.after) planted(change.change.after)
  plantWide('plan/plan.json', JSON.stringify(plan))
  plantWide(
    'cfn/stack.yaml',
    `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ReleaseToken:
    Type: String
    Default: ${v('CloudFormation Parameters default')}
Resources:
  PlantedBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: planted-bucket
      Tags:
        - { Key: planted-tag, Value: ${v('CloudFormation Tags')} }
`,
  )
  const vpcs = JSON.parse(
    readFileSync(path.join(repoRoot, 'examples/acme-saas/aws/us-east-1/describe-vpcs.json'), 'utf8'),
  )
  for (const vpc of vpcs.Vpcs)
    vpc.Tags = [...(vpc.Tags ?? []), { Key: 'planted-tag', Value: v('AWS JSON tags') }]
  plantWide('aws/us-east-1/describe-vpcs.json', JSON.stringify(vpcs))
  plantWide(
    'scans/planted.sarif',
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'semgrep', rules: [{ id: 'hardcoded-token' }] } },
          results: [
            {
              ruleId: 'hardcoded-token',
              level: 'error',
              message: { text: `Hard-coded token ${v('scanner report message')} in the client` },
              locations: [
                {
                  physicalLocation: { artifactLocation: { uri: 'src/client.js' }, region: { startLine: 3 } },
                },
              ],
            },
          ],
        },
      ],
    }),
  )
  const repo = path.join(wide, 'app-repo')
  mkdirSync(repo, { recursive: true })
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z',
        GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z',
        GIT_AUTHOR_NAME: 'Dev',
        GIT_AUTHOR_EMAIL: 'dev@example.com',
        GIT_COMMITTER_NAME: 'Dev',
        GIT_COMMITTER_EMAIL: 'dev@example.com',
      },
    })
  git('init', '-q', '-b', 'main')
  writeFileSync(path.join(repo, 'README.md'), 'app\n')
  git('add', '.')
  git('commit', '-q', '-m', `Deploy with the stripe key ${v('git commit message')}`)
}

/** What each planted value would be found as: raw, and base64 as some stores and Secrets keep it. */
const plantedForms = (): [string, string][] =>
  Object.entries(everywhere).flatMap(([what, value]) => [
    [what, value],
    [`${what} (base64)`, Buffer.from(value).toString('base64')],
  ])

/** The field types whose value turns up anywhere in `haystacks`, each with the first place it does. */
function leaksIn(haystacks: readonly { where: string; bytes: Buffer }[]): string[] {
  return plantedForms().flatMap(([what, value]) => {
    const found = haystacks.find((h) => h.bytes.includes(value))
    return found === undefined ? [] : [`${what} in ${found.where}`]
  })
}

describe('a secret planted in every field type of every collector', () => {
  let server: Harness | undefined
  beforeAll(async () => {
    plantEverywhere()
    server = await startHarness({ listen: true })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    rmSync(wide, { recursive: true, force: true })
  })

  it('is in no byte of the store, the pushed server, its API answers or the console', async () => {
    const h = server
    if (h?.baseUrl === undefined) throw new Error('no server')
    const previous = process.env.TRUSTCTL_SIGNING_KEY
    process.env.TRUSTCTL_SIGNING_KEY = path.join(keys, 'wide-signing.pem')
    try {
      const assess = await trustctl(wide, 'assess', '--format', 'json')
      wideOutputs.push(assess)
      expect([0, 1, 3], assess.stderr).toContain(assess.code)
      // Again: the second run reads unchanged inputs back from the parse cache.
      const again = await trustctl(wide, 'assess', '--format', 'json')
      wideOutputs.push(again)
      expect([0, 1, 3], again.stderr).toContain(again.code)
      process.env.TRUSTCTL_PLANTED_PUSH_TOKEN = h.tokens.collector
      const pushed = await trustctl(
        wide,
        'collect',
        '--push',
        h.baseUrl,
        '--token-env',
        'TRUSTCTL_PLANTED_PUSH_TOKEN',
        '--name',
        'test-collector',
      )
      wideOutputs.push(pushed)
      expect(pushed.code, pushed.stderr).toBe(0)
    } finally {
      delete process.env.TRUSTCTL_PLANTED_PUSH_TOKEN
      if (previous === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
      else process.env.TRUSTCTL_SIGNING_KEY = previous
    }
    await h.context.jobRunner.idle()
    // The server assesses its own estate together with what collectors pushed.
    const job = await h.request('editor', { method: 'POST', url: '/api/jobs', body: { kind: 'assess' } })
    expect(job.statusCode, job.body).toBe(202)
    await h.context.jobRunner.idle()

    const answers: { where: string; bytes: Buffer }[] = []
    const get = async (who: 'admin' | 'auditor', url: string) => {
      const response = await h.request(who, { method: 'GET', url })
      answers.push({ where: `GET ${url} as ${who}`, bytes: Buffer.from(response.body) })
      return response
    }
    const hashes = new Set<string>()
    for (const who of ['admin', 'auditor'] as const) {
      let after: string | undefined
      do {
        const page = (
          await get(who, `/api/evidence?limit=500${after === undefined ? '' : `&after=${after}`}`)
        ).json() as { items: { hash: string }[]; next?: string }
        for (const item of page.items ?? []) hashes.add(item.hash)
        after = page.next
      } while (after !== undefined)
      for (const url of [
        '/api/findings',
        '/api/runs',
        '/api/overview',
        '/api/gaps',
        '/api/controls',
        '/api/samples',
      ])
        await get(who, url)
    }
    for (const hash of hashes) {
      await get('auditor', `/api/evidence/${hash}`)
      await get('auditor', `/api/evidence/${hash}/content`)
    }

    const local = filesUnder(path.join(wide, '.trustctl')).map((f) => ({
      where: path.relative(wide, f),
      bytes: readFileSync(f),
    }))
    const remote = filesUnder(path.join(h.dir, '.trustctl')).map((f) => ({
      where: `server ${path.basename(f)}`,
      bytes: readFileSync(f),
    }))
    const consoles = wideOutputs.flatMap((o, i) => [
      { where: `stdout of command ${i + 1}`, bytes: Buffer.from(o.stdout) },
      { where: `stderr of command ${i + 1}`, bytes: Buffer.from(o.stderr) },
    ])

    // The search itself works: the items the secrets were planted in are stored and served.
    const stored = Buffer.concat(local.map((l) => l.bytes))
    const served = Buffer.concat(answers.map((a) => a.bytes))
    // One marker per collector, each next to a planted secret: Kubernetes, Dockerfile, GitHub Actions,
    // Terraform (HCL, plan), CloudFormation, AWS JSON, scanner report, git history.
    const markers = [
      'planted-api',
      'planted-config',
      'planted-label',
      'planted.label',
      'X-Key',
      'planted-tag',
      'PlantedBucket',
      'hardcoded-token',
      'Deploy with the stripe key',
    ]
    expect(markers.filter((m) => !stored.includes(m))).toEqual([])
    expect(markers.filter((m) => !served.includes(m))).toEqual([])
    // The secret in the file the Dockerfile ADDs is found (and only fingerprinted).
    expect(stored.includes('"file":"app/config/aws.ini"')).toBe(true)
    // So are the secrets whose name is on another line (issue 14): an env entry's `value:` line and a
    // Terraform variable's default, each reported at the line that names it.
    expect(stored.includes('"name":"deploy/app.yaml:20"')).toBe(true)
    expect(stored.includes('"name":"infra/main.tf:6"')).toBe(true)

    expect(leaksIn([...local, ...remote, ...answers, ...consoles])).toEqual([])
  }, 300_000)
})

describe('the same estate assessed into PostgreSQL', () => {
  const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `trustctl_secrets_${process.pid}_${Date.now().toString(36)}`
  afterAll(() => rmSync(wide, { recursive: true, force: true }))

  it('keeps no planted value in any row of any table', async () => {
    const { Client } = await import('pg')
    const { loadConfig } = await import('../src/app/load-config.js')
    const { StoredParseCache } = await import('../src/app/parse-cache.js')
    const { collectAndAssess, loadLibrary } = await import('../src/app/run-assessment.js')
    const { ed25519Signer } = await import('../src/core/ledger-manifest.js')
    const { PostgresStore } = await import('../src/store/postgres/postgres-store.js')
    const { recordAssessment } = await import('../src/store/ledger-operations.js')
    // The estate of the test above, planted afresh when that test removed it.
    if (!existsSync(path.join(wide, 'trustctl.yaml'))) plantEverywhere()
    const loaded = await loadConfig(undefined, wide)
    const library = await loadLibrary()
    const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    const store = await PostgresStore.open(pgUrl, schema)
    try {
      for (let run = 0; run < 2; run++) {
        const now = new Date()
        const cache = new StoredParseCache(store, 'test', now.toISOString(), signer.fingerprint)
        const { model, collection } = await collectAndAssess(loaded, library, {}, now, cache)
        await recordAssessment(store, {
          model,
          evidence: collection.evidence,
          inputs: collection.inputs,
          signer,
          toolVersion: 'test',
          extraEntries: cache.entries(),
          remember: cache.remembered(),
        })
      }
      const client = new Client({ connectionString: pgUrl })
      await client.connect()
      try {
        const tables = await client.query(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        )
        const haystacks: { where: string; bytes: Buffer }[] = []
        for (const { table_name: table } of tables.rows as { table_name: string }[]) {
          // Every column as text (bytea as its bytes): what a dump of the table would hold.
          const rows = await client.query(`SELECT * FROM "${schema}"."${table}"`)
          const parts = rows.rows.flatMap((row: Record<string, unknown>) =>
            Object.values(row).map((value) =>
              Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value) ?? ''),
            ),
          )
          haystacks.push({ where: `postgres table ${table}`, bytes: Buffer.concat(parts) })
        }
        const all = Buffer.concat(haystacks.map((h) => h.bytes))
        expect(all.includes('planted-api')).toBe(true)
        expect(all.includes('Deploy with the stripe key')).toBe(true)
        expect(leaksIn(haystacks)).toEqual([])
      } finally {
        await client.end()
      }
    } finally {
      await store.dropSchema()
      await store.close()
    }
  }, 300_000)
})

describe('a client that is not trustctl pushes raw secrets', () => {
  let server: Harness | undefined
  beforeAll(async () => {
    // No assessment: only what is pushed is in the store, so every stored secret came from the push.
    server = await startHarness({ assess: false })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
  })

  it('the server masks them before storing: absent from /api/evidence and the database file', async () => {
    const h = server
    if (h === undefined) throw new Error('no server')
    const { canonicalBytes, sha256 } = await import('../src/core/ledger.js')
    const { contentDigest, pushBatchKey } = await import('../src/core/push-format.js')
    // Shapes the redactor knows in isolation and inline (NAME=value, a URL's password), in a label,
    // an annotation, the name and an error message: the fields a home-made client would fill.
    const urlPassword = alnum(24)
    const rawSecrets: Record<string, string> = {
      'AWS access key id': awsKeyId,
      'AWS secret access key': awsSecret,
      'GitHub token': githubToken,
      'URL password': urlPassword,
    }
    const evidence = {
      kind: 'k8s.namespace',
      resourceKind: 'Namespace',
      name: 'raw-pushed',
      file: 'raw/namespaces.yaml',
      line: 1,
      labels: { 'raw-pushed-label': awsKeyId, token: githubToken },
      annotations: {
        'raw-pushed-note': `AWS_SECRET_ACCESS_KEY=${awsSecret}`,
        db: `postgres://app:${urlPassword}@db.internal/app`,
      },
    }
    const batch = {
      format: 1 as const,
      collector: { name: 'test-collector', version: 'home-made 0.1' },
      collectedAt: new Date().toISOString(),
      inputs: [
        { file: 'raw/namespaces.yaml', collector: 'home-made', sha256: sha256('raw'), bytes: 3, items: 1 },
      ],
      errors: [{ file: 'raw/other.yaml', message: `could not parse near token: ${githubToken}` }],
      items: [{ hash: sha256(canonicalBytes(evidence)), evidence }],
    }
    const body = JSON.stringify(batch)
    const pushed = await h.app.inject({
      method: 'POST',
      url: '/api/push',
      headers: {
        authorization: `Bearer ${h.tokens.collector}`,
        'content-type': 'application/json',
        'idempotency-key': pushBatchKey(batch),
        'content-digest': contentDigest(body),
      },
      payload: body,
    })
    expect(pushed.statusCode, pushed.body).toBe(201)
    expect((pushed.json() as { stored: number }).stored).toBe(1)
    // Evidence is served through an assessment: the server assesses its estate with what was pushed.
    const job = await h.request('editor', { method: 'POST', url: '/api/jobs', body: { kind: 'assess' } })
    expect(job.statusCode, job.body).toBe(202)
    await h.context.jobRunner.idle()

    const answers: { where: string; bytes: Buffer }[] = []
    const list = await h.request('admin', {
      method: 'GET',
      url: '/api/evidence?limit=500&kind=k8s.namespace',
    })
    expect(list.statusCode, list.body).toBe(200)
    answers.push({ where: 'GET /api/evidence', bytes: Buffer.from(list.body) })
    const items = (list.json() as { items: { hash: string }[] }).items
    for (const item of items) {
      const content = await h.request('admin', { method: 'GET', url: `/api/evidence/${item.hash}/content` })
      answers.push({ where: `GET /api/evidence/${item.hash}/content`, bytes: Buffer.from(content.body) })
    }
    const files = filesUnder(path.join(h.dir, '.trustctl')).map((f) => ({
      where: `server ${path.basename(f)}`,
      bytes: readFileSync(f),
    }))
    const leaks = Object.entries(rawSecrets).flatMap(([what, value]) => {
      const found = [...answers, ...files].find((h) => h.bytes.includes(value))
      return found === undefined ? [] : [`${what} in ${found.where}`]
    })
    expect(leaks).toEqual([])
    // The search works: the pushed item is stored and served, with its fields, only masked.
    const served = Buffer.concat(answers.map((a) => a.bytes))
    expect(served.includes('raw-pushed-label')).toBe(true)
    expect(served.includes('[REDACTED]')).toBe(true)
    expect(Buffer.concat(files.map((f) => f.bytes)).includes('raw-pushed-note')).toBe(true)
  }, 120_000)
})
