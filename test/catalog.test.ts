import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadChecks } from '../checks/load-checks.js'
import { catalogRoot, loadCatalog } from '../src/catalog/load-catalog.js'
import { answerSupport } from '../src/core/answer-support.js'
import { CatalogError } from '../src/core/errors.js'
import { referenceFile } from './reference-data.js'

const checks = await loadChecks()
const checkIds = new Set(checks.map((c) => c.id))
const catalog = await loadCatalog(checks)
const reference = JSON.parse(
  readFileSync(referenceFile('soc2', 'tsc-2017-rev2022-criteria.json'), 'utf8'),
) as {
  criteria: {
    id: string
    category: string
    series: string
    cosoPrinciple: number | null
    pointsOfFocus2022: number
    subject: string
  }[]
}

describe('the shipped catalog', () => {
  it('holds all 61 criteria with the reference ids, series, COSO principles and points-of-focus counts', () => {
    expect(catalog.criteria.size).toBe(61)
    for (const ref of reference.criteria) {
      const criterion = catalog.criteria.get(ref.id)
      expect(criterion, ref.id).toBeDefined()
      expect(criterion?.series).toBe(ref.series)
      expect(criterion?.pointsOfFocus).toBe(ref.pointsOfFocus2022)
      expect(criterion?.cosoPrinciple ?? null).toBe(ref.cosoPrinciple)
    }
    const byCategory: Record<string, number> = {}
    for (const c of catalog.criteria.values()) byCategory[c.category] = (byCategory[c.category] ?? 0) + 1
    expect(byCategory).toEqual({
      security: 33,
      availability: 3,
      confidentiality: 2,
      'processing-integrity': 5,
      privacy: 18,
    })
  })

  it('meets every criterion with at least one control', () => {
    const met = new Set(catalog.controls.flatMap((c) => c.satisfies.soc2))
    expect([...catalog.criteria.keys()].filter((id) => !met.has(id))).toEqual([])
  })

  it('has a library of roughly 80–120 controls, and uses every check', () => {
    expect(catalog.controls.length).toBeGreaterThanOrEqual(80)
    expect(catalog.controls.length).toBeLessThanOrEqual(120)
    const used = new Set(catalog.controls.flatMap((c) => c.testedBy))
    expect([...checkIds].filter((id) => !used.has(id))).toEqual([])
  })

  it('explains every cloud-native control to an auditor: analogy and two or three questions', () => {
    for (const control of catalog.controls.filter((c) => c.testedBy.length > 0)) {
      expect(control.analogy, control.id).toBeDefined()
      expect(control.auditorQuestions.length, control.id).toBeGreaterThanOrEqual(2)
    }
  })

  // Canned answers that describe what an automated test shows name that test, so the package can cite
  // its result; the rest (manual reviews, processes, definitions) stay for management to confirm.
  it('has the answers that describe an automated test cite it (a third of them, not 3 of 104)', () => {
    const questions = catalog.controls.filter((c) => c.testedBy.length > 0).flatMap((c) => c.auditorQuestions)
    const citing = questions.filter((q) => (q.evidence ?? []).length > 0)
    expect(citing.length).toBeGreaterThanOrEqual(34)
  })

  it('supports a cited answer only while every test it cites passed', () => {
    const control = catalog.controls.find((c) => c.id === 'data-protection.data-encrypted-at-rest')
    const question = control?.auditorQuestions.find((q) =>
      q.question.startsWith('How do you know every database'),
    )
    expect(question?.evidence).toEqual(['aws/database-storage-encrypted', 'aws/bucket-encrypted'])
    const test = (check: string, status: 'pass' | 'fail') => ({ check, title: check, status, population: 3 })
    const passing = [test('aws/database-storage-encrypted', 'pass'), test('aws/bucket-encrypted', 'pass')]
    expect(answerSupport(question ?? {}, passing)).toMatch(
      /^Evidence: .*aws\/bucket-encrypted, passed on 3 subjects/,
    )
    const oneFails = [test('aws/database-storage-encrypted', 'pass'), test('aws/bucket-encrypted', 'fail')]
    expect(answerSupport(question ?? {}, oneFails)).toBe(
      'Management to confirm: the test aws/bucket-encrypted was fail in this assessment.',
    )
    expect(answerSupport(question ?? {}, [])).toMatch(/^Management to confirm: .*did not run/)
  })

  it('words criteria in its own words, not the reference subjects', () => {
    for (const ref of reference.criteria) {
      expect(catalog.criteria.get(ref.id)?.summary).not.toContain(ref.subject)
    }
  })
})

describe('catalog validation', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-catalog-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function copyCatalog(name: string): string {
    const root = path.join(dir, name)
    cpSync(catalogRoot(), root, { recursive: true })
    return root
  }

  it('names the file and key path of a bad field', async () => {
    const root = copyCatalog('bad-field')
    const file = path.join(root, 'controls', 'access', 'production-access-restricted.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^type: \w+/m, 'type: sometimes'))
    await expect(loadCatalog(checkIds, root)).rejects.toThrow(
      /catalog\/controls\/access\/production-access-restricted\.yaml: type: /,
    )
  })

  it('rejects a control whose id is not its path, and unknown criteria and checks', async () => {
    const root = copyCatalog('bad-refs')
    const file = path.join(root, 'controls', 'access', 'production-access-restricted.yaml')
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, original.replace(/^id: .*/m, 'id: access.somewhere-else'))
    await expect(loadCatalog(checkIds, root)).rejects.toThrow(
      /must be 'access\.production-access-restricted'/,
    )
    writeFileSync(file, original.replace(/soc2: \[/, 'soc2: [CC9.9, '))
    await expect(loadCatalog(checkIds, root)).rejects.toThrow(/unknown criterion CC9\.9/)
    await expect(loadCatalog(new Set(), copyCatalog('no-checks'))).rejects.toBeInstanceOf(CatalogError)
  })

  it('joins a rule into the controls its rule.yaml names, and refuses an unknown control', async () => {
    const rule = checks.find((c) => c.controls !== undefined)
    expect(rule, 'at least one declarative rule ships').toBeDefined()
    for (const controlId of rule?.controls ?? [])
      expect(catalog.controls.find((c) => c.id === controlId)?.testedBy).toContain(rule?.id)
    const stray = [...checks, { id: 'aws/stray-rule', controls: ['access.no-such-control'] }]
    await expect(loadCatalog(stray)).rejects.toThrow(
      'checks/aws/stray-rule/rule.yaml: controls[0]: unknown control access.no-such-control',
    )
  })

  it('reports invalid YAML with file and line', async () => {
    const root = copyCatalog('bad-yaml')
    writeFileSync(
      path.join(root, 'controls', 'access', 'broken.yaml'),
      'id: access.broken\ntitle: [unclosed\n',
    )
    await expect(loadCatalog(checkIds, root)).rejects.toThrow(
      /catalog\/controls\/access\/broken\.yaml:\d+: invalid YAML/,
    )
  })
})
