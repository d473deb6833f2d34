import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { crosswalkFileSchema } from '../core/third-parties/crosswalk.js'
import { catalogRoot } from './load-catalog.js'
import { loadShippedCrosswalks } from './load-crosswalks.js'
import { parseYaml } from './read-data-file.js'
import { yamlSnapshotText } from './yaml-snapshot.js'

const root = catalogRoot()
const files = ['ccm.yaml', 'iso27001.yaml', 'nist80053.yaml'].map((f) => path.join(root, 'crosswalks', f))
const texts = files.map((f) => readFileSync(f, 'utf8'))
const criteria = new Set(
  texts.flatMap((t) =>
    crosswalkFileSchema.parse(parseYaml(t, 'test', 'user')).mappings.map((m) => m.criterion),
  ),
)

/** The snapshot as the build writes it (scripts/build-catalog-snapshot.ts), read back as a run does. */
function buildSnapshot(validate: (text: string) => unknown): Map<string, string> {
  const outer = JSON.parse(yamlSnapshotText(texts, validate)) as { body: string }
  return new Map(Object.entries(JSON.parse(outer.body) as Record<string, string>))
}
const asBuilt = (text: string) => crosswalkFileSchema.parse(parseYaml(text, 'snapshot', 'user'))

describe('the shipped crosswalks from the build snapshot', () => {
  it('are the crosswalks validating every file gives', async () => {
    const snapshot = buildSnapshot(asBuilt)
    expect(snapshot.size).toBe(texts.length)
    const fromSnapshot = await loadShippedCrosswalks(root, criteria, snapshot)
    expect(fromSnapshot).toEqual(await loadShippedCrosswalks(root, criteria, new Map()))
    expect(fromSnapshot.map((c) => c.id).sort()).toEqual(['ccm', 'iso27001', 'nist80053'])
  })

  it('are taken from the snapshot for an unchanged text (not validated again)', async () => {
    const snapshot = buildSnapshot((text) => ({ ...asBuilt(text), framework: 'From the snapshot' }))
    const loaded = await loadShippedCrosswalks(root, criteria, snapshot)
    expect(new Set(loaded.map((c) => c.framework))).toEqual(new Set(['From the snapshot']))
  })

  it('still check every criterion against the catalog at load', async () => {
    const snapshot = buildSnapshot(asBuilt)
    await expect(loadShippedCrosswalks(root, new Set(['CC1.1']), snapshot)).rejects.toThrow(
      /unknown criterion/,
    )
  })
})
