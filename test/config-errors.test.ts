import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, validateConfigReferences } from '../src/app/load-config.js'
import { type Library, loadLibrary } from '../src/app/run-assessment.js'
import { ConfigError } from '../src/core/errors.js'

/**
 * Errors in trustctl.yaml as a person meets them: each names the file, line and column, the key
 * path, and for a mistyped name the name that was probably meant.
 */
const valid = `version: 1
organization: Example Co
system:
  name: Widgets
scope:
  categories: [security]
  asOf: 2026-11-30
sources:
  - path: deploy
`

async function configFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustctl-config-errors-'))
  await writeFile(path.join(dir, 'deploy.yaml'), '')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(path.join(dir, 'deploy'))
  const file = path.join(dir, 'trustctl.yaml')
  await writeFile(file, text)
  return { dir, file }
}

/** The message of the ConfigError loading `text` raises (the test fails when none is raised). */
async function loadError(text: string): Promise<{ message: string; file: string }> {
  const { dir, file } = await configFile(text)
  try {
    await loadConfig(undefined, dir)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return { message: (error as ConfigError).message, file }
  }
  throw new Error('expected a configuration error')
}

async function referenceError(text: string, library: Library): Promise<{ message: string; file: string }> {
  const { dir, file } = await configFile(text)
  const loaded = await loadConfig(undefined, dir)
  try {
    validateConfigReferences(loaded, library)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return { message: (error as ConfigError).message, file }
  }
  throw new Error('expected a configuration error')
}

describe('errors in the shape of trustctl.yaml', () => {
  it('loads the valid file', async () => {
    const { dir } = await configFile(valid)
    await expect(loadConfig(undefined, dir)).resolves.toMatchObject({
      config: { organization: 'Example Co' },
    })
  })

  it('names an unknown top-level key with its line, column and the key meant', async () => {
    const { message, file } = await loadError(`${valid}ownres:\n  security: Jane Doe\n`)
    expect(message).toBe(`${file}:10:1: ownres: unknown key (did you mean "owners"?)`)
  })

  it('reports a typo in a required key once, as the typo, not also as the missing key', async () => {
    const { message, file } = await loadError(valid.replace('  asOf: 2026-11-30', '  asof: 2026-11-30'))
    expect(message).toBe(`${file}:7:3: scope.asof: unknown key (did you mean "asOf"?)`)
  })

  it('points a wrong value at its place in a list', async () => {
    const { message, file } = await loadError(
      valid.replace('categories: [security]', 'categories: [security, availabilty]'),
    )
    expect(message).toMatch(
      new RegExp(`^${escapeRegExp(file)}:6:26: scope\\.categories\\[1\\]: Invalid option`),
    )
  })

  it('points a missing required key at the section that lacks it', async () => {
    const { message, file } = await loadError(valid.replace('  name: Widgets\n', '  description: x\n'))
    expect(message).toBe(`${file}:3:1: system.name: required (expected string)`)
  })

  it('lists every problem, top to bottom', async () => {
    const { message, file } = await loadError(
      valid
        .replace('organization: Example Co', 'organisation: Example Co')
        .replace('version: 1', 'version: 2'),
    )
    expect(message.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(file)}:1:10: version: `)),
      `${file}:2:1: organisation: unknown key (did you mean "organization"?)`,
    ])
  })

  it('names a mistyped setting of a check entry', async () => {
    const { message, file } = await loadError(
      `${valid}checks:\n  kubernetes/workload-is-not-privileged:\n    enable: false\n`,
    )
    expect(message).toBe(
      `${file}:12:5: checks.kubernetes/workload-is-not-privileged.enable: unknown key (did you mean "enabled"?)`,
    )
  })

  it('names an unknown owner role with the roles that exist', async () => {
    const { message, file } = await loadError(`${valid}owners:\n  secruity: Jane Doe\n`)
    expect(message).toBe(`${file}:11:3: owners.secruity: unknown key (did you mean "security"?)`)
  })

  it('names a mistyped source type and setting with line and column', async () => {
    const type = await loadError(valid.replace('  - path: deploy', '  - path: deploy\n    type: kubernets'))
    expect(type.message).toBe(
      `${type.file}:10:11: sources[0].type: unknown source type "kubernets" (did you mean "kubernetes"?)`,
    )
    const setting = await loadError(valid.replace('  - path: deploy', '  - path: deploy\n    exlude: [a]'))
    expect(setting.message).toBe(
      `${setting.file}:10:5: sources[0].exlude: unknown setting for type auto (did you mean "exclude"?)`,
    )
  })

  it('names a source path that does not exist with its line', async () => {
    const { message, file } = await loadError(valid.replace('path: deploy', 'path: deploi'))
    expect(message).toBe(`${file}:9:11: sources[0].path: no such file or folder: deploi`)
  })

  // Each of these took a round of its own: the first missing path stopped the check of the next.
  it('names every missing source path and source type mistake at once, in file order', async () => {
    const sources =
      '  - path: deploy\n  - path: manifests\n  - { type: kubernets, path: deploy }\n  - path: terraform\n'
    const { message, file } = await loadError(valid.replace('  - path: deploy\n', sources))
    expect(message.split('\n')).toEqual([
      `${file}:10:11: sources[1].path: no such file or folder: manifests`,
      `${file}:11:13: sources[2].type: unknown source type "kubernets" (did you mean "kubernetes"?)`,
      `${file}:12:11: sources[3].path: no such file or folder: terraform`,
    ])
  })

  it('gives line and column of a YAML syntax error', async () => {
    const { message, file } = await loadError(`${valid}checks: {a: [}\n`)
    expect(message).toMatch(new RegExp(`^${escapeRegExp(file)}:10:\\d+: invalid YAML`))
  })
})

describe('errors in the ids trustctl.yaml names', () => {
  let library: Library
  beforeAll(async () => {
    library = await loadLibrary()
  })

  it('accepts known check ids, parameters and control ids', async () => {
    const { dir } = await configFile(`${valid}checks:
  kubernetes/workload-image-from-allowed-registry:
    params: { allowedRegistries: [ghcr.io/acme] }
controls:
  physical.facilities-access-controlled:
    notApplicable: Fully remote company.
`)
    const loaded = await loadConfig(undefined, dir)
    expect(() => validateConfigReferences(loaded, library)).not.toThrow()
  })

  it('names an unknown check id with the check meant', async () => {
    const { message, file } = await referenceError(
      `${valid}checks:\n  kubernetes/workload-is-not-priviliged:\n    enabled: false\n`,
      library,
    )
    expect(message).toBe(
      `${file}:11:3: checks.kubernetes/workload-is-not-priviliged: no such check (did you mean "kubernetes/workload-is-not-privileged"?)`,
    )
  })

  it('finds the check when its source folder was left out', async () => {
    const { message } = await referenceError(
      `${valid}checks:\n  workload-is-not-privileged:\n    enabled: false\n`,
      library,
    )
    expect(message).toContain('(did you mean "kubernetes/workload-is-not-privileged"?)')
  })

  it('names a mistyped check parameter with the parameter meant', async () => {
    const { message, file } = await referenceError(
      `${valid}checks:\n  kubernetes/workload-image-from-allowed-registry:\n    params:\n      allowedRegistry: [ghcr.io/acme]\n`,
      library,
    )
    expect(message).toBe(
      `${file}:13:7: checks.kubernetes/workload-image-from-allowed-registry.params.allowedRegistry: unknown key (did you mean "allowedRegistries"?)`,
    )
  })

  it('names a wrongly typed check parameter', async () => {
    const { message, file } = await referenceError(
      `${valid}checks:\n  kubernetes/workload-image-from-allowed-registry:\n    params:\n      allowedRegistries: ghcr.io/acme\n`,
      library,
    )
    expect(message).toMatch(
      new RegExp(
        `^${escapeRegExp(file)}:13:26: checks\\.kubernetes/workload-image-from-allowed-registry\\.params\\.allowedRegistries: .*expected array`,
      ),
    )
  })

  it('names an unknown control id with the control meant', async () => {
    const { message, file } = await referenceError(
      `${valid}controls:\n  physical.facility-access-controlled:\n    notApplicable: Fully remote.\n`,
      library,
    )
    expect(message).toBe(
      `${file}:11:3: controls.physical.facility-access-controlled: no such control (did you mean "physical.facilities-access-controlled"?)`,
    )
  })

  it('names an unknown check in an exception at the check key', async () => {
    const { message, file } = await referenceError(
      `${valid}exceptions:
  - check: kubernetes/workload-is-privileged
    subject: { kind: DaemonSet, namespace: security, name: falco }
    reason: The runtime sensor needs privileged mode to read kernel events.
    approvedBy: Jane Doe
    expires: 2027-06-30
`,
      library,
    )
    expect(message).toBe(
      `${file}:11:12: exceptions[0].check: no such check 'kubernetes/workload-is-privileged' (did you mean "kubernetes/workload-is-not-privileged"?)`,
    )
  })

  it('names attested evidence no control asks for, with the evidence meant', async () => {
    const { message, file } = await referenceError(
      `${valid}attestations:\n  - evidence: quarterly-access-reviews\n    date: 2026-10-01\n    by: Jane Doe\n`,
      library,
    )
    expect(message).toBe(
      `${file}:11:15: attestations[0].evidence: no control asks for evidence 'quarterly-access-reviews' (did you mean "quarterly-access-review"?)`,
    )
  })

  it('says nothing is near when nothing is', async () => {
    const { message } = await referenceError(`${valid}checks:\n  zzzzzz:\n    enabled: false\n`, library)
    expect(message).toMatch(/checks\.zzzzzz: no such check$/)
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
