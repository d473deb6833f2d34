import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { copyDemo, trustctl } from './cli-harness.js'

// Built at run time so that no scanner mistakes this file for one holding real credentials.
const planted = {
  githubToken: `ghp_${'Q7'.repeat(18)}`,
  stripeKey: ['sk', 'live', 'Zx9'.repeat(9)].join('_'),
  awsKeyId: `AKIA${'Z3'.repeat(8)}`,
  secretValue: 'correct-horse-battery-staple-0042',
  envPassword: 'hunter2-but-longer-0042',
  argPassword: 'build-time-password-0042',
  workflowPassword: 'workflow-plain-password-0042',
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
}

describe('secrets found in evidence', () => {
  const demo = copyDemo()
  afterAll(demo.cleanup)

  it('are never stored, reported or printed in clear', async () => {
    const dir = path.join(demo.dir, 'planted')
    mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true })
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      [
        'FROM node:20',
        `ARG DB_PASSWORD=${planted.argPassword}`,
        `ENV STRIPE_KEY=${planted.stripeKey}`,
        `RUN curl -H "Authorization: token ${planted.githubToken}" https://example.com/setup.sh | sh`,
        'USER node',
      ].join('\n'),
    )
    writeFileSync(
      path.join(dir, 'app.yaml'),
      `apiVersion: v1
kind: Secret
metadata: {name: app, namespace: web}
stringData:
  password: ${planted.secretValue}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          env:
            - {name: DATABASE_PASSWORD, value: ${planted.envPassword}}
            - {name: AWS_ACCESS_KEY_ID, value: ${planted.awsKeyId}}
`,
    )
    writeFileSync(
      path.join(dir, '.github', 'workflows', 'ci.yml'),
      `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      DEPLOY_PASSWORD: ${planted.workflowPassword}
    steps:
      - run: echo ${planted.githubToken} | docker login ghcr.io -u x --password-stdin
        env:
          NPM_TOKEN: ${planted.githubToken}
`,
    )
    const config = readFileSync(path.join(demo.dir, 'trustctl.yaml'), 'utf8')
    writeFileSync(
      path.join(demo.dir, 'trustctl.yaml'),
      config.replace(/^sources:.*\n/m, (line) => `${line}  - path: planted\n`),
    )

    const outputs = [
      await trustctl(demo.dir, 'assess'),
      await trustctl(demo.dir, 'assess', '--format', 'json'),
      await trustctl(demo.dir, 'gaps', '--format', 'json'),
      await trustctl(demo.dir, 'report', '--format', 'md,html,json'),
      await trustctl(demo.dir, 'explain', 'container/no-secrets-in-env-or-arg'),
      await trustctl(demo.dir, 'explain', 'kubernetes/secrets-referenced-not-inlined', '--format', 'json'),
    ]
    const assessed = JSON.parse(outputs[1]?.stdout ?? '{}') as {
      findings: { check: string; status: string; subject: { file: string } }[]
    }
    // The planted files were read and judged, not skipped.
    expect(
      assessed.findings.some((f) => f.subject.file === 'planted/Dockerfile' && f.status === 'fail'),
    ).toBe(true)
    expect(
      assessed.findings.some(
        (f) =>
          f.check === 'kubernetes/secret-manifests-hold-no-plaintext' &&
          f.subject.file === 'planted/app.yaml' &&
          f.status === 'fail',
      ),
    ).toBe(true)

    const stored = [
      ...filesUnder(path.join(demo.dir, '.trustctl')),
      ...filesUnder(path.join(demo.dir, 'reports')),
    ]
    expect(stored.length).toBeGreaterThanOrEqual(4)
    const haystacks = [
      ...outputs.map((o) => o.stdout + o.stderr),
      ...stored.filter((f) => statSync(f).size > 0).map((f) => readFileSync(f).toString('latin1')),
    ]
    for (const [name, value] of Object.entries(planted)) {
      for (const haystack of haystacks) expect(haystack.includes(value), `${name} leaked`).toBe(false)
    }
  })
})

describe('the masking pass every collection goes through', () => {
  const awsKeyId = `AKIA${'Q4'.repeat(8)}`
  // No shape of its own: only the rule that sees it next to the key id finds it.
  const awsSecret = ['kT3pR9vQ2mX7wB4nL8sD', 'yF6hJ1cG5zA0eU3iO8t'].join('/')

  it('finds the literal secrets of a file once, and masks them in items of that file only', async () => {
    const { fileSecrets } = await import('../src/collectors/secrets/file-secrets.js')
    const { collectionRedactor } = await import('../src/core/redact-evidence.js')
    const dir = copyDemo()
    try {
      writeFileSync(
        path.join(dir.dir, 'Dockerfile.planted'),
        `FROM alpine\nENV AWS_ACCESS_KEY_ID=${awsKeyId}\nRUN echo ${awsSecret} > /root/.aws/key\n`,
      )
      const secrets = fileSecrets(dir.dir)
      expect(secrets.of('Dockerfile.planted')).toContain(awsSecret)
      expect(secrets.of('no/such/file')).toEqual([])
      expect(secrets.of('.')).toEqual([])
      const redact = collectionRedactor()
      const item = {
        kind: 'container.dockerfile',
        file: 'Dockerfile.planted',
        run: [`echo ${awsSecret} > k`],
      }
      expect(redact(item, secrets.of(item.file)).run).toEqual(['echo [REDACTED] > k'])
      // Another file's items keep the value: it is no secret the rules saw there.
      expect(redact({ ...item, file: 'README.md' }, secrets.of('README.md')).run[0]).toContain(awsSecret)
    } finally {
      dir.cleanup()
    }
  })

  it('masks credential shapes in what a push sends, whoever built the collection', async () => {
    const { prepareBatches } = await import('../src/app/push-client.js')
    const evidence = {
      kind: 'k8s.namespace',
      resourceKind: 'Namespace',
      name: 'prod',
      file: 'ns.yaml',
      labels: { owner: awsKeyId },
      annotations: {},
    }
    const [batch] = prepareBatches(
      {
        evidence: [evidence as never],
        errors: [{ file: 'x.yaml', message: `bad value ${planted.githubToken}` }],
        inputs: [],
      },
      { name: 'c', version: 't' },
      '2026-11-30T00:00:00.000Z',
      1_000_000,
    )
    expect(batch?.body).toContain('"owner":"[REDACTED]"')
    expect(batch?.body).not.toContain(awsKeyId)
    expect(batch?.body).not.toContain(planted.githubToken)
  })
})
