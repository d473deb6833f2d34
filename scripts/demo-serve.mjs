// Serves the demo estate on the dashboard: `npm run demo:serve`, after `npm run demo`.
//
//   npm run demo:serve [-- --port 8800]
//
// Creates, if absent, an admin and an auditor account for the demo and prints each new password once
// (generated, or TRUSTCTL_DEMO_PASSWORD for both when set), then runs `trustctl serve` on the demo's
// config until interrupted. Arguments after `--` go to `trustctl serve`.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(root, 'bin', 'trustctl.js')
const config = path.join(root, 'examples', 'acme-saas', 'trustctl.yaml')
const demoAsOf = '2026-11-30'

function trustctl(args, input) {
  return spawnSync(process.execPath, [cli, ...args, '--config', config], {
    cwd: root,
    input: input ?? '',
    encoding: 'utf8',
  })
}

function fail(message) {
  process.stderr.write(`demo:serve: ${message}\n`)
  process.exit(2)
}

if (!existsSync(path.join(root, 'dist', 'src', 'cli', 'run.js')))
  fail('trustctl is not built: run `npm run demo` (or `npm run build`) first')
if (!existsSync(path.join(root, 'examples', 'acme-saas', '.trustctl')))
  fail('the demo has not been assessed yet: run `npm run demo` first')

// The auditor reads the demo's Type 1 date and today's run (the demo is assessed on the day it is run).
const today = new Date().toISOString().slice(0, 10)
const accounts = [
  { email: 'admin@acme-analytics.example.com', name: 'Demo Admin', role: 'admin', period: [] },
  {
    email: 'auditor@cpa-firm.example.com',
    name: 'Demo Auditor',
    role: 'auditor',
    period: ['--from', '2026-06-01', '--to', today > demoAsOf ? today : demoAsOf],
  },
]

const listed = trustctl(['users', 'list'])
if (listed.status !== 0) fail(`trustctl users list failed:\n${listed.stderr || listed.stdout}`)

for (const account of accounts) {
  if (listed.stdout.includes(account.email)) {
    process.stdout.write(`${account.role.padEnd(8)} ${account.email} (exists; password unchanged)\n`)
    continue
  }
  // A password given through the environment is the person's own: it is not printed back.
  const given = process.env.TRUSTCTL_DEMO_PASSWORD
  const password = given || randomBytes(15).toString('base64url')
  const args = ['users', 'add', '--email', account.email, '--name', account.name, '--role', account.role]
  const added = trustctl([...args, ...account.period, '--password-stdin'], `${password}\n`)
  if (added.status !== 0) fail(`trustctl users add ${account.email} failed:\n${added.stderr || added.stdout}`)
  const shown = given ? '(password from TRUSTCTL_DEMO_PASSWORD)' : `password ${password}  (shown once)`
  process.stdout.write(`${account.role.padEnd(8)} ${account.email}  ${shown}\n`)
}

const server = spawn(process.execPath, [cli, 'serve', '--config', config, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
