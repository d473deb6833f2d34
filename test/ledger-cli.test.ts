import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustctl } from './cli-harness.js'

// The signing key lives outside the store and the repository: here, in a temporary folder.
const keys = mkdtempSync(path.join(os.tmpdir(), 'trustctl-keys-'))
const keyFile = path.join(keys, 'signing.pem')
const previousKey = process.env.TRUSTCTL_SIGNING_KEY
/** A small estate of our own: one deployment, so the test does not depend on the demo's evolution. */
const demo = (() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-ledger-cli-'))
  mkdirSync(path.join(dir, 'deploy'))
  const deployment = (name: string, nonRoot: boolean): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}@sha256:${'a'.repeat(64)}
          securityContext: { runAsNonRoot: ${nonRoot} }
`
  writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment('api', false))
  writeFileSync(path.join(dir, 'deploy', 'web.yaml'), deployment('web', true))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }), deployment }
})()
const dbFile = path.join(demo.dir, '.trustctl', 'trustctl.db')

beforeAll(() => {
  process.env.TRUSTCTL_SIGNING_KEY = keyFile
})
afterAll(() => {
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  demo.cleanup()
  rmSync(keys, { recursive: true, force: true })
})

describe('evidence ledger from the command line', () => {
  let fingerprint = ''

  it('signs every assessment and prints the key into the report', async () => {
    const init = await trustctl(
      demo.dir,
      'init',
      '--organization',
      'Acme',
      '--system',
      'api',
      '--source',
      'deploy',
      '--no-input',
    )
    expect(init.stderr).toBe('')
    const first = await trustctl(demo.dir, 'assess', '--format', 'json')
    expect([0, 1, 3]).toContain(first.code)
    const model = JSON.parse(first.stdout)
    expect(model.ledger).toMatchObject({ runId: 1, publicKey: expect.stringContaining('BEGIN PUBLIC KEY') })
    fingerprint = model.ledger.publicKeyFingerprint
    expect(readFileSync(keyFile, 'utf8')).toContain('PRIVATE KEY')
    // The second cycle fixes one workload.
    writeFileSync(path.join(demo.dir, 'deploy', 'api.yaml'), demo.deployment('api', true))
    await trustctl(demo.dir, 'assess')
  })

  it('verifies the store, and pins the key on request', async () => {
    const ok = await trustctl(demo.dir, 'verify')
    expect(ok.stdout).toMatch(/Ledger verified/)
    expect(ok.stdout).toMatch(/manifests\s+2 signed runs/)
    expect(ok.code).toBe(0)
    expect((await trustctl(demo.dir, 'verify', '--key', fingerprint)).code).toBe(0)
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()
    writeFileSync(path.join(keys, 'other.pub.pem'), other)
    const wrong = await trustctl(demo.dir, 'verify', '--key', path.join(keys, 'other.pub.pem'))
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toMatch(/signed by another key/)
  })

  it('shows history and diffs two runs', async () => {
    const history = await trustctl(demo.dir, 'history', '--format', 'json')
    const runs = JSON.parse(history.stdout)
    expect(runs.map((r: { run: number; kind: string }) => [r.run, r.kind])).toEqual([
      [1, 'assessment'],
      [2, 'assessment'],
    ])
    expect(typeof runs[0].readiness).toBe('number')
    const diff = await trustctl(demo.dir, 'diff', '1', '2')
    expect(diff.code).toBe(0)
    expect(diff.stdout).toMatch(/Run 1 → run 2: readiness \d+% → \d+%/)
    expect(diff.stdout).toMatch(/Fixed: [1-9]\d*\n.*kubernetes\/workload-runs-as-non-root.*api/)
    expect((await trustctl(demo.dir, 'diff', '1', '9')).stderr).toMatch(/no run 9 in the store/)
  })

  it('lists a population and draws a reproducible sample, both recorded', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const population = await trustctl(
      demo.dir,
      'population',
      'workload.containers-run-as-non-root',
      '--to',
      today,
      '--format',
      'json',
    )
    expect(population.code).toBe(0)
    const pop = JSON.parse(population.stdout)
    expect(pop.count).toBeGreaterThan(0)
    expect(pop.hash).toMatch(/^[0-9a-f]{64}$/)
    const a = JSON.parse(
      (
        await trustctl(
          demo.dir,
          'sample',
          'workload.containers-run-as-non-root',
          '--seed',
          '42',
          '--format',
          'json',
        )
      ).stdout,
    )
    const b = JSON.parse(
      (
        await trustctl(
          demo.dir,
          'sample',
          'workload.containers-run-as-non-root',
          '--seed',
          '42',
          '--format',
          'json',
        )
      ).stdout,
    )
    expect(a.drawn).toEqual(b.drawn)
    expect(a.size).toBe(Math.min(25, pop.count))
    expect(a.population.hash).toBe(pop.hash)
    const unknown = await trustctl(demo.dir, 'population', 'no.such-control')
    expect(unknown.stderr).toMatch(/no control 'no.such-control'/)
  })

  it('exports a bundle that verifies elsewhere; a foreign folder is refused', async () => {
    const out = path.join(demo.dir, 'bundle')
    const exported = await trustctl(
      demo.dir,
      'export',
      '--from',
      '2000-01-01',
      '--to',
      '2100-01-01',
      '--out',
      out,
    )
    expect(exported.code).toBe(0)
    const verified = await trustctl(os.tmpdir(), 'verify', '--bundle', out, '--key', fingerprint)
    expect(verified.stdout).toMatch(/Ledger verified/)
    expect(verified.code).toBe(0)
    // One changed byte in one blob of the bundle is caught.
    const blobDir = path.join(out, 'blobs')
    const sub = readdirSync(blobDir)[0] as string
    const blob = path.join(blobDir, sub, readdirSync(path.join(blobDir, sub))[0] as string)
    const bytes = readFileSync(blob)
    bytes[0] = (bytes[0] as number) ^ 1
    writeFileSync(blob, bytes)
    const tampered = await trustctl(os.tmpdir(), 'verify', '--bundle', out)
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toMatch(/edited or swapped/)
    const foreign = await trustctl(os.tmpdir(), 'verify', '--bundle', demo.dir)
    expect(foreign.code).toBe(2)
    expect(foreign.stderr).toMatch(/not a trustctl ledger bundle \(no bundle.json\)/)
  })

  it('reports exactly what was altered in the store and exits 1, changing nothing', async () => {
    const db = new Database(dbFile)
    db.prepare("UPDATE ledger_record SET source = source || 'x' WHERE seq = 5").run()
    db.close()
    const before = readFileSync(dbFile)
    const report = await trustctl(demo.dir, 'verify')
    expect(report.code).toBe(1)
    expect(report.stdout).toMatch(/record 5 .*its fields do not match its hash: the record was edited/)
    expect(readFileSync(dbFile).equals(before)).toBe(true)
  })

  it('refuses a signing key file that is not a key', async () => {
    const bad = path.join(keys, 'bad.pem')
    writeFileSync(bad, 'not a key')
    process.env.TRUSTCTL_SIGNING_KEY = bad
    try {
      const run = await trustctl(demo.dir, 'assess')
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/bad\.pem: not an Ed25519 private key/)
    } finally {
      process.env.TRUSTCTL_SIGNING_KEY = keyFile
    }
  })
})
