import { describe, expect, it } from 'vitest'
import { knownSourceTypes, sourceCollectors, validateSources } from './registry.js'
import { collectorModules, loadSourceCollectors, validateNamedSources } from './source-registry.js'

describe('the lazy source registry', () => {
  it('declares every collector the eager registry holds, in the same order', async () => {
    expect(collectorModules.flatMap((m) => m.types)).toEqual(sourceCollectors.map((c) => c.type))
    // Each module gives exactly the types declared for it (a new collector must be declared).
    for (const m of collectorModules) expect((await m.load()).map((c) => c.type)).toEqual(m.types)
    expect((await loadSourceCollectors()).map((c) => c.type)).toEqual(sourceCollectors.map((c) => c.type))
  })

  it('imports only the collectors of the types named', async () => {
    expect((await loadSourceCollectors(['secrets', 'auto', 'kubernetes'])).map((c) => c.type)).toEqual([
      'secrets',
    ])
    expect(await loadSourceCollectors(['auto', 'dockerfile'])).toEqual([])
    expect((await loadSourceCollectors(['okta'])).map((c) => c.type)).toContain('hr-roster')
  })

  it('gives the same errors as the eager registry: a typo in a type names the nearest and lists all', async () => {
    const eager = (sources: Parameters<typeof validateSources>[0]) => {
      try {
        validateSources(sources, 'trustctl.yaml')
        return undefined
      } catch (error) {
        return error
      }
    }
    for (const sources of [
      [{ type: 'terraformm', path: '.' }],
      [{ type: 'scan-report', path: 'x', fromat: 'trivy' }],
      [{ type: 'secrets', path: '.', histroy: true }],
      [{ type: 'auto', path: '.', region: 'eu-west-1' }],
    ]) {
      const expected = eager(sources)
      expect(expected).toBeInstanceOf(Error)
      await expect(validateNamedSources(sources, 'trustctl.yaml')).rejects.toEqual(expected)
    }
    await expect(
      validateNamedSources([{ type: 'secrets', path: '.' }], 'trustctl.yaml'),
    ).resolves.toBeUndefined()
    expect(knownSourceTypes()).toEqual(expect.arrayContaining(['auto', 'secrets', 'okta-api']))
  })
})
