import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../core/assessment.js'
import { FindingsColumns, lazyFindings } from '../core/findings-columns.js'
import { ciFilePath, gateFailures, githubAnnotations, gitlabCodeQuality } from './gate-report.js'

type ModelFinding = AssessmentModel['findings'][number]

const finding = (
  check: string,
  severity: ModelFinding['severity'],
  status: ModelFinding['status'],
  name: string,
): ModelFinding => ({
  check,
  severity,
  status,
  subject: { kind: 'Deployment', name, file: `deploy/${name}.yaml`, line: 3 },
  message: `${check} on ${name}`,
  controls: ['workload.non-root'],
  criteria: ['CC6.1'],
})

const findings = [
  finding('b', 'medium', 'fail', 'api'),
  finding('a', 'high', 'pass', 'web'),
  finding('a', 'high', 'fail', 'web'),
  finding('c', 'low', 'fail', 'db'),
  finding('a', 'high', 'fail', 'cache'),
]

/** A model whose findings are columns, as assess() hands it, read in batches smaller than the list. */
function lazyModel(): AssessmentModel {
  const columns = new FindingsColumns()
  for (const f of findings) columns.push(f)
  const model = {
    checks: [{ id: 'a', title: 'Check A', severity: 'high', description: '', remediation: 'Fix A.' }],
    findings: [],
  }
  return lazyFindings(model as unknown as AssessmentModel, columns)
}

describe('the gate failures', () => {
  it('are the failing findings at the threshold, most severe first, without making every finding', () => {
    const model = lazyModel()
    const failures = gateFailures(model, 'medium', (file) => `repo/${file}`)
    expect(Object.getOwnPropertyDescriptor(model, 'findings')?.get).toBeDefined()
    expect(failures.map((f) => [f.check, f.subject, f.severity])).toEqual([
      ['a', 'Deployment web', 'high'],
      ['a', 'Deployment cache', 'high'],
      ['b', 'Deployment api', 'medium'],
    ])
    expect(failures[0]).toEqual({
      check: 'a',
      checkTitle: 'Check A',
      severity: 'high',
      subject: 'Deployment web',
      file: 'repo/deploy/web.yaml',
      line: 3,
      message: 'a on web',
      fix: 'Fix A.',
    })
    // The same as from the findings as a list.
    expect(gateFailures({ ...lazyModel() }, undefined, () => undefined)).toEqual(
      gateFailures(lazyModel(), undefined, () => undefined),
    )
    expect(gateFailures(lazyModel(), undefined, () => undefined)).toHaveLength(4)
  })
})

describe('where the CI job sees a subject', () => {
  // A commit's subject is the repository (`.`): the gate printed an empty "where:", GitHub got
  // `::error file=,` and GitLab a Code Quality issue with an empty path.
  it('names a file by its path from the working folder, and a folder or no file not at all', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-ci-path-'))
    try {
      const root = path.join(dir, 'service')
      mkdirSync(path.join(root, 'deploy'), { recursive: true })
      writeFileSync(path.join(root, 'deploy', 'web.yaml'), 'kind: Deployment\n')
      const fromRoot = ciFilePath(root, root)
      expect(fromRoot('deploy/web.yaml')).toBe('deploy/web.yaml')
      expect(ciFilePath(root, dir)('deploy/web.yaml')).toBe('service/deploy/web.yaml')
      expect(fromRoot('.')).toBeUndefined()
      expect(fromRoot('deploy')).toBeUndefined()
      expect(fromRoot('')).toBeUndefined()
      expect(fromRoot('deploy/gone.yaml')).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('leaves a folder subject out of the annotation and points Code Quality at the configuration', () => {
    const model = lazyModel()
    const [failure] = gateFailures(model, 'high', () => undefined)
    expect(githubAnnotations(failure === undefined ? [] : [failure])).toMatch(/^::error title=a \(high\)::/)
    const [issue] = JSON.parse(gitlabCodeQuality(failure === undefined ? [] : [failure], 'trustctl.yaml'))
    expect(issue.location).toEqual({ path: 'trustctl.yaml', lines: { begin: 1 } })
  })
})
