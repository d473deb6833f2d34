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
