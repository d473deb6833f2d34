import { appendFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/app/load-config.js'
import { openStore } from '../src/app/open-store.js'
import { serveCommand } from '../src/cli/commands/serve.js'
import { usersAddCommand } from '../src/cli/commands/users.js'
import { copyDemo, trustctl } from './cli-harness.js'

/** `trustctl users`, `tokens` and `serve` as an administrator runs them, on a real SQLite store. */

const demo = copyDemo()
const keyFile = path.join(path.dirname(demo.dir), `${path.basename(demo.dir)}-key.pem`)
const previousKey = process.env.TRUSTCTL_SIGNING_KEY
let adminPassword = ''
let collectorSecret = ''

beforeAll(() => {
  process.env.TRUSTCTL_SIGNING_KEY = keyFile
})

afterAll(() => {
  demo.cleanup()
  rmSync(keyFile, { force: true })
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
})

/** Runs `serve` on a free port until `use` is done. */
async function whileServing(
  options: { host?: string },
  use: (url: string) => Promise<void>,
): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  let stop: () => void = () => undefined
  const until = new Promise<void>((resolve) => {
    stop = resolve
  })
  let failure: unknown
  const code = await serveCommand(
    { port: '0', logLevel: 'silent', ...options },
    {
      cwd: demo.dir,
      out: (t) => {
        out += t
      },
      err: (t) => {
        err += t
      },
      until,
      onListening: (_app, url) => {
        use(url)
          .catch((error: unknown) => {
            failure = error
          })
          .finally(stop)
      },
    },
  )
  if (failure !== undefined) throw failure
  return { code, out, err }
}

describe('users and tokens', () => {
  it('adds a user with a generated password shown once, and lists it without secrets', async () => {
    const added = await trustctl(
      demo.dir,
      'users',
      'add',
      '--email',
      'Lead@Example.test',
      '--name',
      'Lead',
      '--role',
      'admin',
    )
    expect(added.code).toBe(0)
    const password = /Password \(shown once, store it now\): (\S+)/.exec(added.stdout)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    adminPassword = password ?? ''
    const listed = await trustctl(demo.dir, 'users', 'list', '--format', 'json')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ email: 'lead@example.test', role: 'admin' }),
    ])
    expect(listed.stdout).not.toContain(adminPassword)
    expect(listed.stdout).not.toContain('scrypt')
  })

  it('refuses a duplicate email, an unknown role and a half audit period', async () => {
    const duplicate = await trustctl(
      demo.dir,
      'users',
      'add',
      '--email',
      'lead@example.test',
      '--name',
      'L',
      '--role',
      'editor',
    )
    expect(duplicate.code).toBe(2)
    expect(duplicate.stderr).toContain('exists already')
    const role = await trustctl(
      demo.dir,
      'users',
      'add',
      '--email',
      'x@example.test',
      '--name',
      'X',
      '--role',
      'root',
    )
    expect(role.code).toBe(2)
    const period = await trustctl(
      demo.dir,
      'users',
      'add',
      '--email',
      'aud@example.test',
      '--name',
      'A',
      '--role',
      'auditor',
      '--from',
      '2026-01-01',
    )
    expect(period.code).toBe(2)
  })

  it('reads a password from standard input, and refuses a short one', async () => {
    let out = ''
    const io = (stdin: string) => ({
      cwd: demo.dir,
      out: (t: string) => {
        out += t
      },
      readStdin: async () => stdin,
    })
    const options = {
      email: 'auditor@example.test',
      name: 'Auditor',
      role: 'auditor',
      from: '2026-01-01',
      to: '2026-12-31',
      passwordStdin: true,
    }
    await expect(usersAddCommand(options, io('short\n'))).rejects.toThrow(/at least 12/)
    expect(await usersAddCommand(options, io('a long enough password\n'))).toBe(0)
    expect(out).toContain('audit period 2026-01-01 to 2026-12-31')
    expect(out).not.toContain('Password')
  })

  it('creates a token whose secret is shown once, lists and revokes tokens', async () => {
    const created = await trustctl(
      demo.dir,
      'tokens',
      'create',
      '--name',
      'prod-cluster',
      '--role',
      'collector',
    )
    expect(created.code).toBe(0)
    collectorSecret = /Secret \(shown once, store it now\): (trustctl_\S+)/.exec(created.stdout)?.[1] ?? ''
    expect(collectorSecret).not.toBe('')
    // An auditor token needs its audit period.
    const unlimited = await trustctl(demo.dir, 'tokens', 'create', '--name', 'spare', '--role', 'auditor')
    expect(unlimited.code).toBe(2)
    expect(unlimited.stderr).toContain('--from and --to')
    const spare = await trustctl(
      demo.dir,
      'tokens',
      'create',
      '--name',
      'spare',
      '--role',
      'auditor',
      '--from',
      '2026-01-01',
      '--to',
      '2026-06-30',
    )
    const spareId = /token (\d+)/.exec(spare.stdout)?.[1] ?? ''
    expect((await trustctl(demo.dir, 'tokens', 'revoke', spareId)).code).toBe(0)
    expect((await trustctl(demo.dir, 'tokens', 'revoke', '999')).code).toBe(2)
    const listed = await trustctl(demo.dir, 'tokens', 'list')
    expect(listed.stdout).toContain('prod-cluster')
    expect(listed.stdout).toMatch(/spare .*\(revoked\)/)
    expect(listed.stdout).not.toContain(collectorSecret)
  })

  it('records each change in the ledger, naming who ran the command', async () => {
    const store = await openStore(await loadConfig(undefined, demo.dir), process.env)
    try {
      const changes: string[] = []
      for await (const { blob } of store.scan({ kinds: ['change'] }))
        changes.push(Buffer.from(blob ?? new Uint8Array()).toString('utf8'))
      expect(changes.map((c) => JSON.parse(c).action)).toEqual([
        'user.create',
        'user.create',
        'token.create',
        'token.create',
        'token.revoke',
      ])
      expect(changes.join('\n')).toContain('"kind":"system"')
      expect(changes.join('\n')).not.toContain(adminPassword)
      expect(changes.join('\n')).not.toContain(collectorSecret)
    } finally {
      await store.close()
    }
  })
})

describe('serve', () => {
  it('serves the API on loopback: health, sign-in, and a token', async () => {
    const run = await whileServing({}, async (url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const health = await fetch(`${url}/api/health`)
      expect(await health.json()).toMatchObject({ status: 'ok' })
      const login = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lead@example.test', password: adminPassword }),
      })
      expect(login.status).toBe(200)
      expect(login.headers.get('set-cookie')).toMatch(/^trustctl_session=.*HttpOnly.*SameSite=Strict/i)
      const asCollector = await fetch(`${url}/api/me`, {
        headers: { authorization: `Bearer ${collectorSecret}` },
      })
      // A collector token pushes evidence and reads nothing, not even who it is.
      expect(asCollector.status).toBe(403)
      const unknown = await fetch(`${url}/api/me`, { headers: { authorization: 'Bearer trustctl_nope' } })
      expect(unknown.status).toBe(401)
    })
    expect(run.code).toBe(0)
    expect(run.out).toContain('trustctl serving http://127.0.0.1:')
  })

  it('explains a busy port in one line with exit 2, without a stack trace', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const run = await trustctl(demo.dir, 'serve', '--host', '127.0.0.1', '--port', String(port))
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`)
      expect(run.stderr).toContain('--port')
      expect(run.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('refuses a non-loopback host from trustctl.yaml unless --host names it', async () => {
    appendFileSync(path.join(demo.dir, 'trustctl.yaml'), '\nserver:\n  host: 0.0.0.0\n')
    await expect(whileServing({}, async () => undefined)).rejects.toThrow(/not loopback/)
    const run = await whileServing({ host: '0.0.0.0' }, async (url) => {
      expect((await fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/api/health`)).status).toBe(200)
    })
    expect(run.err).toContain('terminate TLS')
  })
})
