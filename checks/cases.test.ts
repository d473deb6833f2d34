import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { collectSources, type SourceEntry } from '../src/collectors/registry.js'
import { findingStatuses } from '../src/core/check.js'
import { evaluateCheck } from '../src/core/engine.js'
import { groupEvidence } from '../src/core/evidence.js'
import { checksRoot, listCheckFolders, loadChecks } from './load-checks.js'

const expectedFile = z.object({
  /**
   * The sources to read, as in trustctl.yaml (paths relative to the case folder). Without it the
   * case folder is read as repository files (`type: auto`).
   */
  sources: z.array(z.looseObject({ type: z.string() })).optional(),
  /** The run's clock for collectors that compute ages (`2026-06-30T00:00:00Z`). */
  now: z.string().optional(),
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
    const sources: SourceEntry[] = (expected.sources as SourceEntry[] | undefined) ?? [
      { path: '.', type: 'auto', exclude: ['expected.yaml'] },
    ]
    const now = new Date(expected.now ?? '2026-06-30T00:00:00Z')
    const collection = await collectSources(sources, { root: caseDir, now, env: {} })
    expect(collection.errors).toEqual([])
    const params = check.params.parse(expected.params ?? {})
    const findings = evaluateCheck({ check, params }, groupEvidence(collection.evidence))
    // Each expected finding must match one actual finding on the fields it names (status always;
    // kind, name, namespace where given), and no actual finding may be left over.
    const remaining = findings.map((f) => ({
      status: f.status,
      kind: f.subject.kind,
      name: f.subject.name,
      namespace: f.subject.namespace,
    }))
    const unmatched = expected.findings.filter((want) => {
      const index = remaining.findIndex((got) =>
        (['status', 'kind', 'name', 'namespace'] as const).every(
          (k) => want[k] === undefined || want[k] === got[k],
        ),
      )
      if (index >= 0) remaining.splice(index, 1)
      return index < 0
    })
    const detail = findings
      .map((f) => `${f.status} ${f.subject.kind}/${f.subject.name}: ${f.message}`)
      .join('\n')
    expect({ unmatched, unexpected: remaining }, `actual findings:\n${detail}`).toEqual({
      unmatched: [],
      unexpected: [],
    })
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
