import { describe, expect, it } from 'vitest'
import { mayHoldCredential, nameLooksLikeSecret, redactSecrets, valueLooksLikeSecret } from './secrets.js'

describe('redactSecrets', () => {
  it.each([
    ['mysql -uroot -pSup3rS3cretPw -h db', 'Sup3rS3cretPw'],
    ['DB_PASSWORD=hunter2hunter2 ./migrate.sh', 'hunter2hunter2'],
    ['--password hunter2hunter2', 'hunter2hunter2'],
    ['login --token=abcdefabcdef', 'abcdefabcdef'],
    ['curl -H "Authorization: Basic YWRtaW46cGFzc3dvcmQ=" https://x', 'YWRtaW46cGFzc3dvcmQ='],
    ['proxy_set_header Authorization "Bearer eyJabc.def.ghi"', 'eyJabc.def.ghi'],
    ['postgres://app:s3cret-pw@db:5432/app', 's3cret-pw'],
    [`export GITHUB_TOKEN=ghp_${'a'.repeat(36)}`, 'a'.repeat(36)],
  ])('masks the credential in %s', (text, secret) => {
    const redacted = redactSecrets(text)
    expect(redacted).not.toContain(secret)
    expect(redacted).toContain('[REDACTED]')
  })

  it('leaves ordinary commands and secret references alone', () => {
    for (const text of [
      'npm ci && npm run build',
      'docker build -t app:1 -f Dockerfile .',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      'echo "${{ secrets.NPM_TOKEN }}" > .npmrc',
      'kubectl apply -f deploy/',
      'tar -pxf archive.tar',
      // A setting that names a token is not one: check messages quote it.
      'service account storefront-redis sets automountServiceAccountToken: true and no RoleBinding',
      'REQUIRE_TOKEN=false',
    ]) {
      expect(redactSecrets(text)).toBe(text)
    }
  })

  it('still masks a value that starts like a boolean', () => {
    expect(redactSecrets('DB_PASSWORD=trueNorth42')).toBe('DB_PASSWORD=[REDACTED]')
    expect(redactSecrets('API_TOKEN: "true"')).toBe('API_TOKEN: [REDACTED]')
  })

  it('recognises credential shapes and names', () => {
    expect(valueLooksLikeSecret('AKIAIOSFODNN7EXAMPLE')).toBe(true)
    expect(valueLooksLikeSecret('info')).toBe(false)
    expect(nameLooksLikeSecret('STRIPE_API_KEY')).toBe(true)
    expect(nameLooksLikeSecret('TOKEN_TTL')).toBe(false)
    for (const name of [
      'ADMIN_PASS',
      'DB_PWD',
      'SMTP_PASS',
      'ENCRYPTION_KEY',
      'HMAC_KEY',
      'SESSION_KEY',
      'SECRET_KEY_BASE',
    ]) {
      expect(nameLooksLikeSecret(name), name).toBe(true)
    }
    for (const name of ['BYPASS', 'COMPASS', 'KEYBOARD_LAYOUT', 'PASSWORD_MIN_LENGTH']) {
      expect(nameLooksLikeSecret(name), name).toBe(false)
    }
    expect(valueLooksLikeSecret('redis://:hunter22@redis:6379/0')).toBe(true)
  })
})

describe('mayHoldCredential (the screen before the replaces)', () => {
  // Every text one of the patterns masks: the screen must let each through, in any letter case.
  const masked = [
    'mysql -uroot -pSup3rS3cretPw -h db',
    'DB_PASSWORD=hunter2hunter2 ./migrate.sh',
    'db_passwd: hunter2hunter2',
    'PassPhrase = "correct horse"',
    'client_secret: abcdef123456',
    'Api-Key: abcdef123456',
    'PRIVATE_KEY=abcdef123456',
    'aws_access_key: abcdef123456',
    'GOOGLE_CREDENTIALS=abcdef123456',
    '--apikey abcdef123456',
    '--pass hunter2hunter2',
    'login --token=abcdefabcdef',
    'authorization: bearer abcdef.123456',
    'postgres://app:s3cret-pw@db:5432/app',
    'key AKIAIOSFODNN7EXAMPLE in use',
    `ghp_${'a'.repeat(36)}`,
    `github_pat_${'a'.repeat(40)}`,
    `glpat-${'a'.repeat(20)}`,
    'xoxb-1234567890-abcdef',
    `sk_live_${'a'.repeat(16)}`,
    `AIza${'a'.repeat(35)}`,
    '-----BEGIN RSA PRIVATE KEY-----',
    'eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4',
  ]
  it.each(masked)('lets through %s, which redaction then masks', (text) => {
    for (const variant of [text, text.toLowerCase(), text.toUpperCase()]) {
      if (redactSecrets(variant) === variant) continue
      expect(mayHoldCredential(variant), variant).toBe(true)
    }
    expect(redactSecrets(text)).toContain('[REDACTED]')
  })

  it('stops plain scanner titles and messages, which then come back unchanged', () => {
    for (const text of [
      'pkg-12: memory corruption in a parser of untrusted input 12',
      'Possible injection of untrusted data into a query built here (7).',
      'A flaw in the way the library parses crafted input lets an attacker cause a buffer over-read',
    ]) {
      expect(mayHoldCredential(text), text).toBe(false)
      expect(redactSecrets(text)).toBe(text)
    }
  })
})
