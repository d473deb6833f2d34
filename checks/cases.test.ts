import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { collectFiles } from '../src/collectors/files/collect-files.js'
import { findingStatuses } from '../src/core/check.js'
import { evaluateCheck } from '../src/core/engine.js'
import { groupEvidence } from '../src/core/evidence.js'
import { checksRoot, listCheckFolders, loadChecks } from './load-checks.js'

const expectedFile = z.object({
  params: z.record(z.string(), z.unknown()).optional(),
  findings: z
    .array(
      z.object({
        status: z.enum(findingStatuses),
        kind: z.string().optional(),
        name: z.string().optional(),
        namespace: z.string().optional(),
      }),
    )
    .min(1),
})

const checks = await loadChecks()
const folders = await listCheckFolders()

async function listCases(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(checksRoot, folder, 'cases'), { withFileTypes: true })
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}

const suites = await Promise.all(checks.map(async (check) => ({ check, cases: await listCases(check.id) })))

async function readExpected(id: string, name: string): Promise<z.infer<typeof expectedFile>> {
  const file = path.join(checksRoot, id, 'cases', name, 'expected.yaml')
  return expectedFile.parse(yaml.load(await readFile(file, 'utf8')))
}

describe.each(suites.map((s) => [s.check.id, s] as const))('%s', (id, { check, cases }) => {
  it('has a case with a pass finding and a case with a fail finding', async () => {
    const statuses = new Set<string>()
    for (const name of cases) for (const f of (await readExpected(id, name)).findings) statuses.add(f.status)
    expect([...statuses]).toEqual(expect.arrayContaining(['pass', 'fail']))
  })

  it.each(cases)('case %s', async (name) => {
    const caseDir = path.join(checksRoot, id, 'cases', name)
    const expected = await readExpected(id, name)
    const collection = await collectFiles(caseDir, [{ path: '.', type: 'auto', exclude: ['expected.yaml'] }])
    expect(collection.errors).toEqual([])
    const params = check.params.parse(expected.params ?? {})
    const findings = evaluateCheck({ check, params }, groupEvidence(collection.evidence))
    // Compare on the fields the case names (status always; kind, name, namespace where given).
    const keys = ['status', 'kind', 'name', 'namespace'] as const
    const used = keys.filter((k) => expected.findings.some((f) => f[k] !== undefined))
    const project = (f: Partial<Record<(typeof keys)[number], string | undefined>>): string =>
      JSON.stringify(used.map((k) => f[k] ?? null))
    const actual = findings.map((f) =>
      project({
        status: f.status,
        kind: f.subject.kind,
        name: f.subject.name,
        namespace: f.subject.namespace,
      }),
    )
    const detail = findings
      .map((f) => `${f.status} ${f.subject.kind}/${f.subject.name}: ${f.message}`)
      .join('\n')
    expect(actual.sort(), `actual findings:\n${detail}`).toEqual(expected.findings.map(project).sort())
  })
})

describe('check folders', () => {
  it('every check folder exports a check whose id is its path', () => {
    expect(checks.map((c) => c.id)).toEqual(folders)
  })

  it('no check is without cases', async () => {
    for (const folder of folders) expect(await listCases(folder), folder).not.toEqual([])
  })
})
