import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../src/core/canonical-json.js'
import { canonicalBytes, chainRecords, type LedgerRecord } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { recordColumns, recordValues } from '../src/store/ledger-store.js'
import { copyDemo } from './cli-harness.js'

/**
 * The ledger's trust files as a user meets them, through the built CLI (`node bin/trustctl.js`, run
 * `npm run build` first): the pin `init` and the first `assess` write, the anchor every recorded run
 * moves, `key rotate`, `verify --package`, `export` and `verify --bundle` with the pin from trustctl.yaml.
 */

const root = path.resolve(import.meta.dirname, '..')
const cli = path.join(root, 'bin', 'trustctl.js')
const built = existsSync(path.join(root, 'dist', 'src', 'cli', 'run.js'))
const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-trust-cli-'))
// Keys live under this test's own config home; TRUSTCTL_SIGNING_KEY would override store.key.
const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(work, 'config'), HOME: work }
delete env.TRUSTCTL_SIGNING_KEY

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function trustctl(cwd: string, ...args: string[]): Run {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

function anchorOf(dir: string): { seq: number; hash: string } {
  const anchor = JSON.parse(readFileSync(path.join(dir, 'trustctl.anchor'), 'utf8'))
  expect(anchor.format).toBe(1)
  return { seq: anchor.seq, hash: anchor.hash }
}

/** The chain head as `verify --format json` reports it (and whether it verified). */
function verified(dir: string, ...args: string[]): { ok: boolean; head: { seq: number; hash: string } } {
  const run = trustctl(dir, 'verify', '--format', 'json', ...args)
  const report = JSON.parse(run.stdout) as { ok: boolean; chainHead: { seq: number; hash: string } }
  return { ok: report.ok && run.code === 0, head: report.chainHead }
}

const pinOf = (dir: string): string | undefined =>
  /^ {2}key: sha256:([0-9a-f]{64})$/m.exec(readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8'))?.[1]

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.skipIf(!built)('trust files through the built CLI', () => {
  it('init pins the key; a ledger re-signed with another key then fails plain verify', () => {
    const dir = path.join(work, 'fresh')
    mkdirSync(path.join(dir, 'app'), { recursive: true })
    writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM node:20-slim\nUSER node\n')
    const init = trustctl(
      dir,
      'init',
      '--organization',
      'Pin Co',
      '--system',
      'Pinned',
      '--source',
      'app',
      '--no-input',
    )
    expect(init.code, init.stderr).toBe(0)
    const pinned = pinOf(dir)
    expect(pinned).toMatch(/^[0-9a-f]{64}$/)
    const assess = trustctl(dir, 'assess')
    expect([0, 1, 3], assess.stderr).toContain(assess.code)
    const first = verified(dir)
    expect(first.ok).toBe(true)
    expect(anchorOf(dir)).toEqual(first.head)

    // Someone replaces the store with one of their own, signed by their key, and drops the anchor:
    // only the pin in the committed trustctl.yaml can tell.
    rmSync(path.join(dir, '.trustctl'), { recursive: true, force: true })
    rmSync(path.join(dir, 'trustctl.anchor'))
    const intruderKey = path.join(work, 'intruder.pem')
    writeFileSync(
      intruderKey,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    )
    const forged = spawnSync(process.execPath, [cli, 'assess'], {
      cwd: dir,
      env: { ...env, TRUSTCTL_SIGNING_KEY: intruderKey },
      encoding: 'utf8',
    })
    expect([0, 1, 3], forged.stderr).toContain(forged.status)
    expect(pinOf(dir)).toBe(pinned)
    const after = trustctl(dir, 'verify')
    expect(after.code).toBe(1)
    expect(after.stdout).toMatch(/signed by another key/)
  }, 300_000)

  describe('on the demo estate', () => {
    let demo: { dir: string; cleanup: () => void }
    beforeAll(() => {
      demo = copyDemo()
    })
    afterAll(() => demo?.cleanup())

    it('the first assess pins the key, and every run recorded from the CLI moves the anchor', () => {
      const dir = demo.dir
      expect(pinOf(dir)).toBeUndefined()
      const assess = trustctl(dir, 'assess')
      expect([0, 1, 3], assess.stderr).toContain(assess.code)
      expect(assess.stderr).toContain('Pinned the ledger key')
      expect(pinOf(dir)).toMatch(/^[0-9a-f]{64}$/)
      let head = verified(dir).head
      expect(anchorOf(dir)).toEqual(head)

      const steps: [string, string[]][] = [
        ['population', ['population', 'workload.containers-run-as-non-root']],
        ['sample', ['sample', 'workload.containers-run-as-non-root', '--seed', '7']],
        ['tokens create', ['tokens', 'create', '--name', 'ci', '--role', 'collector', '--kinds', 'k8s.*']],
        ['package', ['package', '--type', '1', '--out', path.join(work, 'package')]],
      ]
      for (const [what, args] of steps) {
        const run = trustctl(dir, ...args)
        expect(run.code, `${what}: ${run.stderr}`).toBe(0)
        const next = verified(dir)
        expect(next.ok, what).toBe(true)
        expect(next.head.seq, what).toBeGreaterThan(head.seq)
        expect(anchorOf(dir), `the anchor after ${what}`).toEqual(next.head)
        head = next.head
      }
    }, 300_000)

    it('verify --package passes the package, names an edited file, and refuses a manifest signed by another key', () => {
      const dir = demo.dir
      const pkg = path.join(work, 'package')
      const clean = trustctl(dir, 'verify', '--package', pkg)
      expect(clean.code, clean.stdout).toBe(0)
      expect(clean.stdout).toContain('Package verified')

      const edited = path.join(work, 'package-edited')
      spawnSync('cp', ['-r', pkg, edited])
      writeFileSync(path.join(edited, 'request-list.csv'), 'control,evidence\nnone,none\n')
      const changed = trustctl(dir, 'verify', '--package', edited)
      expect(changed.code).toBe(1)
      expect(changed.stdout).toContain('request-list.csv')

      // A forger re-signs the manifest with a key of their own: the signature is valid, the key is not.
      const foreign = path.join(work, 'package-foreign')
      spawnSync('cp', ['-r', pkg, foreign])
      const manifestFile = path.join(foreign, 'manifest.json')
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown> & {
        signature: Record<string, string>
      }
      const intruder = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
      const { signature, ...unsigned } = manifest
      manifest.signature = {
        ...signature,
        keyFingerprint: intruder.fingerprint,
        publicKey: intruder.publicKeyPem,
        value: intruder.sign(Buffer.from(canonicalJson(unsigned))),
      }
      writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`)
      const refused = trustctl(dir, 'verify', '--package', foreign)
      expect(refused.code).toBe(1)
      expect(refused.stdout).toMatch(/signed by key [0-9a-f]{12}, not the pinned/)
    }, 300_000)

    it('key rotate endorses a new key, moves the anchor, and runs it signs still verify', () => {
      const dir = demo.dir
      const before = pinOf(dir)
      const rotated = trustctl(dir, 'key', 'rotate')
      expect(rotated.code, rotated.stderr).toBe(0)
      expect(rotated.stdout).toContain('Rotated the signing key')
      const yaml = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
      expect(pinOf(dir)).toBe(before)
      expect(yaml).toMatch(/endorsed:\s*\n\s*- sha256:[0-9a-f]{64}/)
      const afterRotation = verified(dir)
      expect(afterRotation.ok).toBe(true)
      expect(anchorOf(dir)).toEqual(afterRotation.head)
      // The next run is signed by the new key; the pin (the root) still vouches for it.
      const assess = trustctl(dir, 'assess')
      expect([0, 1, 3], assess.stderr).toContain(assess.code)
      const next = verified(dir)
      expect(next.ok).toBe(true)
      expect(next.head.seq).toBeGreaterThan(afterRotation.head.seq)
      expect(anchorOf(dir)).toEqual(next.head)
      // And it reuses the parse results of runs the old key signed (endorsed in the chain).
      expect(assess.stdout).not.toContain('ignored')
    }, 300_000)

    it('verify --bundle takes the pin from trustctl.yaml when no --key is given', () => {
      const dir = demo.dir
      const bundle = path.join(work, 'bundle')
      const exported = trustctl(dir, 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--out', bundle)
      expect(exported.code, exported.stderr).toBe(0)
      const here = trustctl(dir, 'verify', '--bundle', bundle)
      expect(here.code, here.stdout).toBe(0)
      expect(here.stdout).toMatch(
        /note: pinned key sha256:[0-9a-f]{16}… from .*trustctl\.yaml \(ledger\.key\)/,
      )

      // A project that pins another key refuses the same bundle without any flag.
      const other = path.join(work, 'other-project')
      mkdirSync(other, { recursive: true })
      const stranger = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
      writeFileSync(
        path.join(other, 'trustctl.yaml'),
        `version: 1\norganization: Other\nsystem: { name: other }\nscope: { categories: [security], asOf: 2026-11-30 }\nsources: []\nledger:\n  key: sha256:${stranger.fingerprint}\n`,
      )
      const pinnedElsewhere = trustctl(other, 'verify', '--bundle', bundle)
      expect(pinnedElsewhere.code).toBe(1)
      expect(pinnedElsewhere.stdout).toMatch(/signed by another key/)

      // Without a trustctl.yaml (an auditor's machine) it verifies with the bundle's keys, and says so.
      const bare = path.join(work, 'bare')
      mkdirSync(bare, { recursive: true })
      const noPin = trustctl(bare, 'verify', '--bundle', bundle)
      expect(noPin.code, noPin.stdout).toBe(0)
      expect(noPin.stdout).toContain('no --key and no ledger.key')
    }, 300_000)

    it('export says a record added to a sealed run travels with the bundle, and verify --bundle fails it', () => {
      const dir = demo.dir
      const db = new Database(path.join(dir, '.trustctl', 'trustctl.db'))
      try {
        const last = db.prepare('SELECT * FROM ledger_record ORDER BY seq DESC LIMIT 1').get() as {
          seq: number
          hash: string
          run_id: number
        }
        // Correctly chained at the head, claiming the newest run, which its manifest already sealed.
        const chained = chainRecords({ seq: last.seq, hash: last.hash }, last.run_id, [
          {
            kind: 'evidence',
            id: 'k8s.workload:prod/backdated',
            source: 'deploy/k8s/api.yaml',
            collector: 'kubernetes',
            collectorVersion: 'x',
            collectedAt: '2026-11-01T00:00:00.000Z',
            effectiveAt: '2026-11-01T00:00:00.000Z',
            content: canonicalBytes({ kind: 'k8s.workload', name: 'backdated' }),
          },
        ])
        const [record] = chained.records as [LedgerRecord]
        const [blob] = chained.blobs
        db.prepare('INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?)').run(blob?.ref, blob?.bytes)
        db.prepare(
          `INSERT INTO ledger_record (${recordColumns.join(', ')}) VALUES (${recordColumns.map(() => '?').join(', ')})`,
        ).run(...recordValues(record))
      } finally {
        db.close()
      }
      // A later run, so the appended record falls inside the exported slice.
      const population = trustctl(dir, 'population', 'workload.containers-run-as-non-root')
      expect(population.code, population.stderr).toBe(0)
      const bundle = path.join(work, 'bundle-appended')
      const exported = trustctl(dir, 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--out', bundle)
      expect(exported.code).toBe(1)
      expect(exported.stdout).toMatch(
        /1 record was added to a run after its signed manifest \(record \d+ of run \d+\)/,
      )
      const check = trustctl(dir, 'verify', '--bundle', bundle)
      expect(check.code).toBe(1)
      expect(check.stdout).toMatch(/which its signed manifest already closed/)
      expect(trustctl(dir, 'verify').code).toBe(1)
    }, 300_000)
  })
})
