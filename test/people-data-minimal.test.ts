import { randomBytes } from 'node:crypto'
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
import { afterAll, describe, expect, it } from 'vitest'
import { trustctl } from './cli-harness.js'

// Personal data an HR export carries beside what trustctl needs: a fresh value for each field on
// every run, planted in the columns a real export has, then searched for in every byte the store
// wrote. Only mapped columns may reach evidence.
const token = (): string => randomBytes(6).toString('hex')
const planted = {
  'date of birth': `03/1${Math.floor(Math.random() * 9)}/19${60 + Math.floor(Math.random() * 39)}`,
  'national id': `${100 + Math.floor(Math.random() * 800)}-${token().slice(0, 2)}-${token().slice(0, 4)}`,
  'home address': `${token()} Quarry Road`,
  salary: `${token()} USD`,
  'personal email': `${token()}@home.example.net`,
  'mobile phone': `+1 555 ${token()}`,
  'background-check finding': `Finding ${token()}`,
  'training phishing score': `score-${token()}`,
}

const estate = mkdtempSync(path.join(os.tmpdir(), 'trustctl-people-'))
const keys = mkdtempSync(path.join(os.tmpdir(), 'trustctl-people-keys-'))
const previousKey = process.env.TRUSTCTL_SIGNING_KEY

afterAll(() => {
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  rmSync(estate, { recursive: true, force: true })
  rmSync(keys, { recursive: true, force: true })
})

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(estate, file)), { recursive: true })
  writeFileSync(path.join(estate, file), text)
}

const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .map((f) => path.join(dir, f))
        .filter((f) => statSync(f).isFile())
    : []

describe('people sources keep no unmapped personal data', () => {
  it('the store holds the roster, the checks and the accounts, and none of the planted personal fields', async () => {
    process.env.TRUSTCTL_SIGNING_KEY = path.join(keys, 'signing.pem')
    const p = planted
    write(
      'people/roster.csv',
      [
        'Employee #,First Name,Last Name,Work Email,Home Email,Mobile Phone,Date of Birth,SSN,Home Address,Pay Rate,Employment Status,Department,Hire Date,Termination Date,Status',
        `1001,Ann,Lee,ann.lee@example.com,${p['personal email']},${p['mobile phone']},${p['date of birth']},${p['national id']},"${p['home address']}",${p.salary},Full-Time,Engineering,03/01/2022,,Active`,
      ].join('\n'),
    )
    write(
      'people/checkr.csv',
      [
        'Candidate Name,Candidate Email,Candidate DOB,Candidate SSN,Report Status,Report Result,Report Completed At,Criminal Records',
        `Ann Lee,ann.lee@example.com,${p['date of birth']},${p['national id']},complete,clear,2022-02-20T16:04:11Z,${p['background-check finding']}`,
      ].join('\n'),
    )
    write(
      'people/knowbe4.csv',
      [
        'First Name,Last Name,Email,Content,Status,Completion Date,Phishing Prone %',
        `Ann,Lee,ann.lee@example.com,2026 Security Awareness Training,Passed,2026-02-10,${p['training phishing score']}`,
      ].join('\n'),
    )
    write(
      'people/okta/users.json',
      JSON.stringify([
        {
          id: '00u1',
          status: 'ACTIVE',
          profile: {
            login: 'ann.lee@example.com',
            email: 'ann.lee@example.com',
            mobilePhone: p['mobile phone'],
            streetAddress: p['home address'],
            secondEmail: null,
          },
        },
      ]),
    )
    const init = await trustctl(estate, 'init', '--organization', 'Acme', '--system', 'api', '--no-input')
    expect(init.code).toBe(0)
    const configFile = path.join(estate, 'trustctl.yaml')
    const config = readFileSync(configFile, 'utf8')
    expect(config).toMatch(/^sources:.*$/m)
    writeFileSync(
      configFile,
      config.replace(
        /^sources:.*$/m,
        [
          'sources:',
          '  - { type: hr-roster, path: people/roster.csv, profile: bamboohr, exportedAt: 2026-11-30 }',
          '  - { type: background-checks, path: people/checkr.csv, profile: checkr, exportedAt: 2026-11-30 }',
          '  - { type: training, path: people/knowbe4.csv, profile: knowbe4, exportedAt: 2026-11-30 }',
          '  - { type: okta, path: people/okta, exportedAt: 2026-11-30 }',
        ].join('\n'),
      ),
    )
    const assess = await trustctl(estate, 'assess', '--format', 'json')
    expect([0, 1, 3], assess.stderr).toContain(assess.code)
    const model = JSON.parse(assess.stdout) as { findings: { check: string; status: string }[] }
    const people = model.findings.filter((f) => f.check.startsWith('people/'))
    expect(people).toContainEqual(
      expect.objectContaining({ check: 'people/background-check-before-start', status: 'pass' }),
    )

    const written = filesUnder(path.join(estate, '.trustctl'))
    expect(written.some((f) => f.endsWith('.db'))).toBe(true)
    const store = Buffer.concat(written.map((f) => readFileSync(f)))
    // The search works: what is kept is in the store in clear.
    expect(store.includes('ann.lee@example.com')).toBe(true)
    expect(store.includes('people.background-check')).toBe(true)
    expect(store.includes('Engineering')).toBe(true)
    const leaks = Object.entries(planted)
      .filter(
        ([, value]) =>
          store.includes(value) || assess.stdout.includes(value) || assess.stderr.includes(value),
      )
      .map(([what]) => what)
    expect(leaks).toEqual([])
  })
})
