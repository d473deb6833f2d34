import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { copyDemo } from '../cli-harness.js'

const root = path.resolve(import.meta.dirname, '..', '..')
const cliEntry = path.join(root, 'bin', 'trustctl.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Account {
  email: string
  password: string
}

/** The real `trustctl serve` on a private copy of the demo estate, with one account per person role. */
export interface DemoServer {
  url: string
  dir: string
  config: string
  /** Readiness (%) that `trustctl assess` printed for the demo. */
  readiness: number
  admin: Account
  editor: Account
  auditor: Account
  auditPeriod: { from: string; to: string }
  /** Runs the built CLI on the demo's config (as a separate process, like a person at a terminal). */
  cli(...args: string[]): Promise<CliResult>
  stop(): Promise<void>
}

/** The tests drive what `npm run build` produced: the compiled CLI and the dashboard bundle. */
export function missingBuild(): string | undefined {
  const needed = [
    path.join(root, 'dist', 'src', 'cli', 'run.js'),
    path.join(root, 'dist', 'web', 'index.html'),
  ]
  const missing = needed.filter((file) => !existsSync(file))
  if (missing.length === 0) return undefined
  return `${missing.map((f) => path.relative(root, f)).join(', ')} missing: run \`npm run build\` first`
}

/** Runs `node bin/trustctl.js <args>` and collects its output; `input` is written to its stdin. */
export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd: options.cwd, env: options.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 45_000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`trustctl serve exited (${server.exitCode}):\n${output()}`)
    try {
      const response = await fetch(`${url}/api/health`)
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`trustctl serve did not answer ${url}/api/health within 45 s:\n${output()}`)
}

function expectOk(step: string, result: CliResult): CliResult {
  if (result.code !== 0)
    throw new Error(`${step} exited ${result.code}:\n${result.stdout}\n${result.stderr}`.trimEnd())
  return result
}

/** A password as a person would pick one: random, never printed by the tests. */
function newPassword(): string {
  return `Pw-${randomBytes(18).toString('base64url')}`
}

/** The audit period covers the demo's as-of date and today, so the auditor can read the fresh run. */
function auditPeriodCovering(asOf: string, now: Date): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10)
  return { from: '2026-01-01', to: today > asOf ? today : asOf }
}

/**
 * Copies the demo estate, assesses it with the CLI, adds an admin, an editor and an auditor with
 * `trustctl users add`, then starts `trustctl serve` on a free loopback port and waits for it.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const demo = copyDemo()
  const keyFile = `${demo.dir}-signing-key.pem`
  const config = path.join(demo.dir, 'trustctl.yaml')
  const env: NodeJS.ProcessEnv = { ...process.env, TRUSTCTL_SIGNING_KEY: keyFile, NO_COLOR: '1' }
  const cli = (...args: string[]) => runCli([...args, '--config', config], { cwd: demo.dir, env })
  let server: ChildProcess | undefined
  const cleanup = () => {
    demo.cleanup()
    rmSync(keyFile, { force: true })
  }
  try {
    const assessed = await cli('assess')
    // Exit 1 would be a --fail-on gate; the demo assesses cleanly (0) with failing controls in it.
    expectOk('trustctl assess', assessed)
    const readiness = Number(/readiness\s+(\d+(?:\.\d+)?)%/.exec(assessed.stdout)?.[1] ?? Number.NaN)
    if (Number.isNaN(readiness))
      throw new Error(`no readiness in trustctl assess output:\n${assessed.stdout}`)

    const auditPeriod = auditPeriodCovering('2026-11-30', new Date())
    const accounts = {
      admin: { email: 'lead@acme-analytics.example.com', password: newPassword() },
      editor: { email: 'engineer@acme-analytics.example.com', password: newPassword() },
      auditor: { email: 'auditor@cpa-firm.example.com', password: newPassword() },
    }
    const names = { admin: 'Dana Compliance', editor: 'Eli Engineer', auditor: 'Ava Auditor' }
    for (const role of ['admin', 'editor', 'auditor'] as const) {
      const period = role === 'auditor' ? ['--from', auditPeriod.from, '--to', auditPeriod.to] : []
      const args = ['users', 'add', '--email', accounts[role].email, '--name', names[role], '--role', role]
      const added = await runCli([...args, ...period, '--password-stdin', '--config', config], {
        cwd: demo.dir,
        env,
        input: `${accounts[role].password}\n`,
      })
      expectOk(`trustctl users add (${role})`, added)
    }

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    let output = ''
    server = spawn(process.execPath, [cliEntry, 'serve', '--port', String(port), '--config', config], {
      cwd: demo.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout?.on('data', (chunk) => {
      output += chunk
    })
    server.stderr?.on('data', (chunk) => {
      output += chunk
    })
    await waitForHealth(url, server, () => output)

    const running = server
    return {
      url,
      dir: demo.dir,
      config,
      readiness,
      ...accounts,
      auditPeriod,
      cli,
      stop: async () => {
        if (running.exitCode === null) {
          const exited = new Promise((resolve) => running.once('exit', resolve))
          running.kill('SIGTERM')
          await exited
        }
        cleanup()
      },
    }
  } catch (error) {
    server?.kill('SIGKILL')
    cleanup()
    throw error
  }
}
