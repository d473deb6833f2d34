import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SecretFinding, SecretScan } from '../../core/evidence-secrets.js'
import { collectSecrets, secretsOptions } from './index.js'
import { secretRules } from './rules.js'
import { compileRules, fingerprintSecret, previewSecret, scanText } from './scan-text.js'

// Fake credentials are assembled at run time so this file itself holds none a scanner would flag.
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function random(n: number, alphabet = alnum, seed = 7): string {
  let s = seed
  let out = ''
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    // The high bits: a linear congruential generator's low bits repeat with a short period.
    out += alphabet[(s >>> 16) % alphabet.length]
  }
  return out
}
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const hex = '0123456789abcdef'

/** One sample per rule, as it appears in real files. */
const samples: Record<string, string> = {
  'aws-access-key-id': `aws_access_key_id = ${'AKIA'}${random(16, upper)}`,
  'aws-secret-access-key': `aws_secret_access_key = ${random(40, `${alnum}/+`, 3)}`,
  'aws-secret-access-key-near-key-id': `RUN echo ${random(40, `${alnum}/+`, 11)} > /root/.aws/key\nENV AWS_ACCESS_KEY_ID=${'AKIA'}${random(16, upper)}`,
  'gcp-service-account-key': `  "private_key_id": "${random(40, hex)}",`,
  'gcp-api-key': `const key = "${'AIza'}${random(35)}"`,
  'azure-storage-account-key': `DefaultEndpointsProtocol=https;AccountName=acme;${'AccountKey='}${random(86, `${alnum}+/`)}==;EndpointSuffix=core.windows.net`,
  'github-token': `GITHUB_TOKEN=${'ghp_'}${random(36)}`,
  'github-fine-grained-token': `token: ${'github_pat_'}${random(22)}_${random(59, alnum, 5)}`,
  'gitlab-token': `private_token: ${'glpat-'}${random(20)}`,
  'private-key': `${'-----BEGIN '}OPENSSH PRIVATE KEY-----\n${random(64, `${alnum}+/`)}\n-----END OPENSSH PRIVATE KEY-----`,
  'slack-token': `SLACK_BOT_TOKEN=${'xoxb-'}1234567890-1234567890123-${random(24)}`,
  'slack-webhook': `url: https://${'hooks.slack.com'}/services/T0123ABCD/B0456EFGH/${random(24)}`,
  'stripe-key': `STRIPE_SECRET_KEY=${'sk_live_'}${random(24)}`,
  'twilio-api-key': `TWILIO_API_KEY=${'SK'}${random(32, hex)}`,
  'sendgrid-api-key': `SENDGRID=${'SG.'}${random(22)}.${random(43, alnum, 9)}`,
  'npm-token': `//registry.example.com/:_authToken=${'npm_'}${random(36)}`,
  'openai-style-key': `OPENAI_API_KEY=${'sk-proj-'}${random(48)}`,
  'anthropic-api-key': `ANTHROPIC_API_KEY=${'sk-ant-'}api03-${random(93)}AA`,
  'connection-string-password': `DATABASE_URL=${'postgres'}://app:${random(18)}@db.internal:5432/app`,
  'huggingface-token': `HF_TOKEN=${'hf_'}${random(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`,
  'groq-api-key': `GROQ_API_KEY=${'gsk_'}${random(52)}`,
  'shopify-token': `SHOPIFY_TOKEN=${'shpat_'}${random(32, hex)}`,
  'docker-hub-token': `password: ${'dckr_pat_'}${random(27)}`,
  'databricks-token': `DATABRICKS_TOKEN=${'dapi'}${random(32, hex)}`,
  'figma-token': `FIGMA_TOKEN=${'figd_'}${random(40)}`,
  'linear-api-key': `LINEAR_API_KEY=${'lin_api_'}${random(40)}`,
  'notion-token': `NOTION_TOKEN=${'ntn_'}${random(11, '0123456789')}${random(35)}`,
  'vercel-token': `VERCEL_TOKEN=${'vcp_'}${random(24)}`,
  'vault-token': `VAULT_TOKEN=${'hvs.'}${random(95)}`,
  'grafana-token': `GRAFANA_TOKEN=${'glsa_'}${random(32)}_${random(8, hex)}`,
  '1password-token': `OP_SERVICE_ACCOUNT_TOKEN=${'ops_ey'}${random(120)}`,
  'tailscale-key': `TS_AUTHKEY=${'tskey-'}auth-${random(12)}-${random(30)}`,
  'cloudflare-token': `CF_TOKEN=${'cfut_'}${random(40)}${random(8, hex)}`,
  jwt: `Authorization: Bearer ${'eyJ'}hbGciOiJIUzI1NiJ9.${'eyJ'}zdWIiOiIxMjM0NTY3ODkwIn0.${random(43)}`,
  'secret-named-env-value': `        - name: UPSTREAM_PASSWORD\n          value: "${random(20, alnum, 29)}"`,
  'secret-named-variable-default': `variable "db_password" {\n  type    = string\n  default = "${random(20, alnum, 31)}"\n}`,
  'generic-secret-assignment': `DB_PASSWORD = "${random(20, `${alnum}#%`)}"`,
  'secret-named-env-value-before-name': `        - value: ${random(20, alnum, 41)}\n          name: SMTP_PASSWORD`,
  'unquoted-password-assignment': 'spring.datasource.password=Sup3rS3cret2024',
  'unquoted-secret-assignment': `STRIPE_WEBHOOK_SECRET=whsec_${random(24, alnum, 43)}`,
  'quoted-password-assignment': '  "adminPassword": "Sup3rS3cret2024",',
}

const compiled = compileRules()

describe('the rule set', () => {
  it.each(secretRules.map((r) => r.id))('recognises %s where it appears in real files', (id) => {
    const sample = samples[id]
    expect(sample, `a sample for ${id}`).toBeDefined()
    const found = scanText(`first line\n${sample}\nlast line\n`, compiled)
    expect(found.map((f) => f.rule.id)).toContain(id)
    expect(found.find((f) => f.rule.id === id)?.line).toBe(2)
  })

  it('ignores placeholders, references and look-alikes', () => {
    const text = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as config files hold it
      'password = "${DB_PASSWORD}"',
      'api_key: "<your-api-key-here>"',
      'token = "xxxxxxxxxxxxxxxxxxxx"',
      'secret = "aaaaaaaaaaaaaaaaaaaaaaaa"',
      `aws_access_key_id = ${'AKIA'}IOSFODNN7EXAMPLE`,
      'const task-runner = "sk-learn-the-basics-of-the-pipeline"',
      'passwordHash = hash(password)',
      `xGITHUB${'ghp_'}${random(36)}`,
      'postgres://app:password@localhost:5432/app',
      `redis://default:${'$'}{REDIS_PASSWORD}@redis:6379`,
    ].join('\n')
    expect(scanText(text, compiled).map((f) => f.rule.id)).toEqual([])
  })

  it('finds a nameless 40-character AWS secret access key by the key id near it, either side', () => {
    const keyId = `${'AKIA'}${random(16, upper, 5)}`
    const secret = random(40, `${alnum}/+`, 13)
    const ids = (text: string): string[] =>
      scanText(text, compiled)
        .filter((f) => f.value === secret)
        .map((f) => f.rule.id)
    expect(ids(`ENV AWS_ACCESS_KEY_ID=${keyId}\nRUN echo ${secret} > /root/.aws/key\n`)).toEqual([
      'aws-secret-access-key-near-key-id',
    ])
    expect(ids(`RUN echo ${secret} > /root/.aws/key\nENV AWS_ACCESS_KEY_ID=${keyId}\n`)).toEqual([
      'aws-secret-access-key-near-key-id',
    ])
    // Named, the key is the named rule's: one finding, not two.
    expect(ids(`aws_secret_access_key = ${secret}\naws_access_key_id = ${keyId}\n`)).toEqual([
      'aws-secret-access-key',
    ])
    // Alone, or far from any key id, a 40-character token is not taken for a key.
    expect(ids(`RUN echo ${secret} > /root/.aws/key\n`)).toEqual([])
    expect(ids(`ENV AWS_ACCESS_KEY_ID=${keyId}\n${'#\n'.repeat(200)}RUN echo ${secret}\n`)).toEqual([])

    // One real key in a thousand has no digit: a `/` or `+` in it is enough, beside both cases.
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
    const noDigit = `${random(20, letters, 47)}/${random(19, letters, 53)}`
    const near = (token: string): string[] =>
      scanText(`ENV AWS_ACCESS_KEY_ID=${keyId}\nRUN echo ${token} > /root/.aws/key\n`, compiled)
        .filter((f) => f.value === token)
        .map((f) => f.rule.id)
    expect(near(noDigit)).toEqual(['aws-secret-access-key-near-key-id'])
    // Letters of both cases alone are a name, not a key.
    expect(near('ReadTheReleaseNotesBeforeUpgradingTheApp')).toEqual([])
  })

  it('does not take git hashes, paths or key ids near an access key id for a secret key', () => {
    const keyId = `${'AKIA'}${random(16, upper, 5)}`
    const text = [
      `aws_access_key_id = ${keyId}`,
      `commit ${random(40, hex, 17)}`,
      `source: /usr/local/lib/node_modules/npm/bin/npx-cli.js`,
      `id: ${random(40, upper, 19)}`,
      `blob: ${random(60, `${alnum}/+`, 23)}`,
    ].join('\n')
    expect(scanText(text, compiled).map((f) => f.rule.id)).toEqual(['aws-access-key-id'])
  })

  it('finds a secret whose name is on another line: a Kubernetes env value, a Terraform default', () => {
    const secret = random(24, alnum, 37)
    const found = (text: string): string[] =>
      scanText(text, compiled)
        .filter((f) => f.value === secret)
        .map((f) => f.rule.id)
    expect(found(`env:\n  - name: DB_PASSWORD\n    value: ${secret}\n`)).toEqual(['secret-named-env-value'])
    expect(found(`env:\n  - { name: API_TOKEN, value: "${secret}" }\n`)).toEqual(['secret-named-env-value'])
    expect(
      found(
        `variable "admin_api_key" {\n  description = "x"\n  sensitive = true\n  default = "${secret}"\n}\n`,
      ),
    ).toEqual(['secret-named-variable-default'])
    // A password a person chose, below every entropy bar: the variable's name says what it is.
    expect(
      scanText('variable "password" {\n  type    = string\n  default = "Aa1234321Bb"\n}\n', compiled).map(
        (f) => [f.rule.id, f.value],
      ),
    ).toEqual([['secret-named-variable-default', 'Aa1234321Bb']])
    const none = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as manifests hold it
      '  - name: DB_PASSWORD\n    value: "${DB_PASSWORD}"',
      '  - name: DB_PASSWORD\n    valueFrom: { secretKeyRef: { name: db, key: password } }',
      `  - name: LOG_LEVEL\n    value: "${secret}"`,
      '  - name: TOKEN_AUDIENCE\n    value: "https://api.example.com"',
      `variable "token_ttl" {\n  default = "${secret}"\n}`,
      'variable "db_password" {\n  default = ""\n}',
      'variable "db_password" {\n  default = "changeme1"\n}',
      'variable "api_secret" {\n  default = "billing-v2"\n}',
      'variable "db_password" {\n  sensitive = true\n}\nvariable "region" {\n  default = "us-east-1"\n}',
    ].join('\n')
    expect(scanText(none, compiled).map((f) => f.rule.id)).toEqual([])
  })

  it('finds passwords written unquoted in .env, .properties and YAML, and a value the name follows', () => {
    const secret = random(20, alnum, 47)
    const found = (text: string): string[] => scanText(text, compiled).map((f) => f.value)
    // Chosen by a person: below the generic entropy bar, a password all the same.
    expect(found('POSTGRES_PASSWORD=s3cr3tPassw0rd\n')).toEqual(['s3cr3tPassw0rd'])
    expect(found('export DB_PASS=Tr0ub4dor-and-3 # rotated in May\n')).toEqual(['Tr0ub4dor-and-3'])
    expect(found('spring.datasource.password: Sup3rS3cret2024\r\nspring.datasource.username=app\n')).toEqual([
      'Sup3rS3cret2024',
    ])
    expect(found(`auth:\n  postgresPassword: ${secret}\n  database: app\n`)).toEqual([secret])
    expect(found(`env:\n- name: DB_PASSWORD\n  description: primary\n  value: ${secret}\n`)).toEqual([secret])
    expect(found(`env:\n- value: ${secret}\n  name: DB_PASSWORD\n`)).toEqual([secret])
    expect(
      found(`variable "db_pass" {\n  type = object({ a = string })\n  default = "Sup3rS3cret2024"\n}\n`),
    ).toEqual(['Sup3rS3cret2024'])
  })

  it('does not take references, paths, tags, prose or words for an unquoted password', () => {
    const none = [
      'DB_PASSWORD=',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as .env files hold it
      'DB_PASSWORD=${VAULT_DB_PASSWORD}',
      'password_file: /run/secrets/db_password',
      'password: !vault |',
      'password: ENC[AES256_GCM,data:abc,iv:def]',
      'password: $(DB_PASSWORD)',
      'passwordSecretName: db-credentials',
      'require_password: true',
      '# set the password: see docs/setup.md for how',
      'password: changeme',
      // The same placeholder with digits or symbols, as setup guides write it.
      'PASSWORD=changeme123',
      'admin_password: ChangeMe!2024',
      'password: xxxxxxxxxxxx',
      'passthrough_mode=always-on-2024',
      'token_ttl: 86400',
      // Code, not configuration: declarations, calls, property paths.
      'const passwordtoken = secret.apiKey.value(123)',
      'let sessionToken = request.headers.authorization',
      'token := readToken(path)',
      '  password = os.environ[DB_PASSWORD_NAME]',
      // A SealedSecret's ciphertext and a Secret's base64 data: the Kubernetes check decodes those.
      '    password: YWNtZS1kZW1vIHNlYWxlZCB2YWx1ZTogcGFzc3dvcmQsIG5vdCByZWFsIGNpcGhlcnRleHQ=',
      // A name and a number running into markup, as trustctl's own HTML package prints evidence kinds.
      '<td>secret.finding: 2, secret.scan: 1</td></tr></tbody></table></section>',
      'password_policy: 14</td><td>characters</td></tr></tbody></table></section>',
    ].join('\n')
    expect(scanText(none, compiled).map((f) => [f.rule.id, f.line])).toEqual([])
  })

  it('reports the column of the match', () => {
    const [found] = scanText(`  key: ${samples['github-token']}`, compiled)
    expect(found?.column).toBe(21)
  })
})

describe('redaction', () => {
  it('previews at most a quarter of the value, and fingerprints it under a salt', () => {
    expect(previewSecret('AKIAABCDEFGHIJKLMNOP')).toBe('AKIA…(20)')
    expect(previewSecret('hunter2')).toBe('h…(7)')
    const value = 'AKIAABCDEFGHIJKLMNOP'
    expect(fingerprintSecret(value, 'salt-a')).toBe(fingerprintSecret(value, 'salt-a'))
    expect(fingerprintSecret(value, 'salt-a')).not.toBe(fingerprintSecret(value, 'salt-b'))
    expect(fingerprintSecret(value, 'salt-a')).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('collectSecrets', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const write = (file: string, content: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), content)
  }
  write('repo/src/config.py', `${samples['stripe-key']}\n`)
  write('repo/test/fixtures/key.pem', `${samples['private-key']}\n`)
  write('repo/src/known.txt', `${samples['sendgrid-api-key']}\n`)
  write('repo/src/pattern.txt', `${samples['twilio-api-key']}\n`)
  write('repo/node_modules/pkg/index.js', `${samples['github-token']}\n`)
  write('repo/src/lib/node_modules/dep/index.js', `${samples['github-token']}\n`)
  write('repo/.trustctl/notes.txt', `${samples['github-token']}\n`)
  write('repo/vendor/lib.js', `${samples['npm-token']}\n`)
  write(
    'repo/assets/logo.png',
    Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(samples.jwt ?? '')]),
  )
  // A large file is read in 1 MiB pieces: the secret sits far past the first piece.
  write('repo/data/big.log', `${'log line without anything\n'.repeat(200_000)}${samples['gitlab-token']}\n`)

  const context = {
    root,
    where: 'sources[0]',
    now: new Date('2026-06-30T00:00:00Z'),
    env: {},
    fingerprintSalt: 'test-salt',
  }
  const known = (samples['sendgrid-api-key'] ?? '').split('=')[1] ?? ''

  it('finds the secrets, skips binaries, excluded paths and node_modules, and honours the allow-list', async () => {
    const options = secretsOptions.parse({
      type: 'secrets',
      path: 'repo',
      exclude: ['vendor/**'],
      allow: [
        { path: 'test/fixtures/**', reason: 'fake keys for tests' },
        { fingerprint: fingerprintSecret(known, 'test-salt') },
        { pattern: `^SK${random(32, hex).slice(0, 6)}` },
      ],
    })
    const collection = await collectSecrets(options, context)
    const scan = collection.evidence.find((e): e is SecretScan => e.kind === 'secret.scan')
    const findings = collection.evidence.filter((e): e is SecretFinding => e.kind === 'secret.finding')
    expect(scan).toMatchObject({
      filesScanned: 5,
      binaryFilesSkipped: 1,
      history: false,
      findings: 5,
      allowedFindings: 3,
    })
    const byFile = Object.fromEntries(findings.map((f) => [f.file, f]))
    expect(Object.keys(byFile).sort()).toEqual([
      'repo/data/big.log',
      'repo/src/config.py',
      'repo/src/known.txt',
      'repo/src/pattern.txt',
      'repo/test/fixtures/key.pem',
    ])
    expect(byFile['repo/data/big.log']).toMatchObject({ rule: 'gitlab-token', line: 200_001, column: 16 })
    expect(byFile['repo/src/config.py']?.allowed).toBeUndefined()
    expect(byFile['repo/test/fixtures/key.pem']?.allowed).toEqual({
      by: 'path',
      entry: 'test/fixtures/**',
      reason: 'fake keys for tests',
    })
    expect(byFile['repo/src/known.txt']?.allowed?.by).toBe('fingerprint')
    expect(byFile['repo/src/pattern.txt']?.allowed?.by).toBe('pattern')
    // Nothing in the evidence holds a secret in clear.
    const stored = JSON.stringify(collection.evidence)
    for (const sample of Object.values(samples)) {
      const value = sample.split(/[=:] ?/).at(-1) ?? sample
      if (value.length >= 16) expect(stored).not.toContain(value.slice(-16))
    }
  })

  it('excludes a folder named without a glob, and a file by its exact path', async () => {
    const scanOf = async (exclude: string[]) => {
      const options = secretsOptions.parse({ type: 'secrets', path: 'repo', exclude })
      const collection = await collectSecrets(options, context)
      return collection.evidence
        .filter((e): e is SecretFinding => e.kind === 'secret.finding')
        .map((f) => f.file)
    }
    const all = await scanOf([])
    expect(all).toContain('repo/vendor/lib.js')
    // node_modules at any depth and trustctl's own store are never read, whatever `exclude` says.
    expect(all.filter((f) => f.includes('node_modules') || f.includes('.trustctl'))).toEqual([])
    // `vendor` is the folder itself (tested without its trailing `/`): nothing under it is read.
    expect(await scanOf(['vendor'])).toEqual(all.filter((f) => !f.startsWith('repo/vendor/')))
    expect(await scanOf(['src/config.py'])).toEqual(all.filter((f) => f !== 'repo/src/config.py'))
  })

  it('keeps the working tree findings and reports the error when the history cannot be read', async () => {
    const options = secretsOptions.parse({ type: 'secrets', path: 'repo/src', history: true })
    const collection = await collectSecrets(options, context)
    expect(collection.errors).toEqual([
      {
        file: 'repo/src',
        message: expect.stringMatching(
          /^sources\[0\]\.history: could not read the git history: git log failed/,
        ),
      },
    ])
    expect(collection.evidence.find((e) => e.kind === 'secret.scan')).toMatchObject({
      history: false,
      findings: 3,
    })
  })

  it('names the source when the path is not a directory', async () => {
    await expect(
      collectSecrets(secretsOptions.parse({ type: 'secrets', path: 'missing' }), context),
    ).rejects.toThrow('sources[0].path: missing is not a directory')
  })

  it('rejects an allow-list pattern that is not a regular expression, naming the entry', async () => {
    const options = secretsOptions.parse({ type: 'secrets', path: 'repo', allow: [{ pattern: '(' }] })
    await expect(collectSecrets(options, context)).rejects.toThrow('sources[0].allow[0].pattern')
  })
})

describe('the secrets scan input', () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-listing-'))
  afterAll(() => rmSync(tree, { recursive: true, force: true }))

  it('hashes the list of files and sizes, a tree whose list is longer than one piece included', async () => {
    // 3,000 files with long names: a listing of ~200 KB, hashed in several pieces.
    const sizes = new Map<string, number>()
    for (let i = 0; i < 3000; i++) {
      const dir = `folder-with-a-rather-long-name-${i % 30}`
      mkdirSync(path.join(tree, dir), { recursive: true })
      const file = `${dir}/file-${String(i).padStart(5, '0')}-and-a-long-suffix.txt`
      writeFileSync(path.join(tree, file), 'x'.repeat(i % 17))
      sizes.set(file, i % 17)
    }
    const listing = [...sizes.keys()].sort().map((f) => `${f}\0${sizes.get(f)}\n`)
    const expected = createHash('sha256').update(listing.join('')).digest('hex')
    const bytes = [...sizes.values()].reduce((a, b) => a + b, 0)
    const collection = await collectSecrets(secretsOptions.parse({ type: 'secrets', path: '.' }), {
      root: tree,
      where: 'sources[0]',
      now: new Date(),
      env: {},
    })
    expect(collection.inputs).toEqual([
      { file: '.', collector: 'secrets', sha256: expected, bytes, items: 1 },
    ])
  })
})
