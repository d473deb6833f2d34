import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import {
  cloudFormationAttributeMaps,
  mapTemplateAttributes,
  type TemplateValue,
} from './cloudformation-attributes.js'

/**
 * A rule on a Terraform type judges the CloudFormation types mapped to it. An attribute the map
 * leaves out reads as unset and is judged by the rule's default: a template that set it in a way we
 * did not read would then pass or fail on a value it never chose. So every attribute a rule reads
 * must be mapped, or listed as unknown (no-evidence), for every mapped type.
 */
const checksRoot = path.resolve(import.meta.dirname, '../../../checks/aws')

/** The top-level attribute paths a rule's conditions read, with the Terraform types it covers. */
function ruleAttributes(): { id: string; types: string[]; paths: string[] }[] {
  const rules: { id: string; types: string[]; paths: string[] }[] = []
  for (const folder of readdirSync(checksRoot)) {
    let text: string
    try {
      text = readFileSync(path.join(checksRoot, folder, 'rule.yaml'), 'utf8')
    } catch {
      continue
    }
    const rule = yaml.load(text) as { resource: string | string[]; when?: unknown; assert: unknown }
    const paths = new Set<string>()
    const walk = (c: unknown): void => {
      if (Array.isArray(c)) {
        for (const x of c) walk(x)
        return
      }
      if (c === null || typeof c !== 'object') return
      const o = c as Record<string, unknown>
      if (typeof o.attribute === 'string') paths.add(o.attribute)
      for (const key of ['someOf', 'everyOf']) if (typeof o[key] === 'string') paths.add(o[key] as string)
      if (o.refersTo !== undefined) paths.add((o.refersTo as { attribute: string }).attribute)
      if (o.portInRange !== undefined) {
        const r = o.portInRange as { from: string; to: string }
        paths.add(r.from)
        paths.add(r.to)
      }
      // Inside a list or a related resource, paths are the element's or the other resource's.
      for (const key of ['all', 'any', 'not']) walk(o[key])
    }
    walk(rule.when)
    walk(rule.assert)
    rules.push({
      id: folder,
      types: typeof rule.resource === 'string' ? [rule.resource] : rule.resource,
      paths: [...paths],
    })
  }
  return rules
}

describe('CloudFormation attribute maps', () => {
  const rules = ruleAttributes()

  it.each(Object.entries(cloudFormationAttributeMaps))(
    '%s: every attribute its rules read is mapped or unknown',
    (_, map) => {
      const covered = [...Object.keys(map.attributes), ...(map.unknown ?? []), ...(map.unset ?? [])]
      const missing = rules
        .filter((r) => r.types.includes(map.terraformType))
        .flatMap((r) =>
          r.paths
            // A rule's `tags.Name` is read from the tags map; a path is covered by itself or a block above it.
            .filter((p) => !covered.some((c) => p === c || p.startsWith(`${c}.`) || c.startsWith(`${p}.`)))
            .map((p) => `${r.id}: ${p}`),
        )
      expect(missing).toEqual([])
    },
  )

  it('reads lists of blocks element by element: an unknown field leaves the rest known', () => {
    const values: Record<string, TemplateValue> = {
      'LaunchTemplateData.BlockDeviceMappings': { state: 'unknown', length: 2 },
      'LaunchTemplateData.BlockDeviceMappings.0.Ebs.Encrypted': { state: 'known', value: true },
      'LaunchTemplateData.BlockDeviceMappings.1.Ebs.Encrypted': { state: 'reference', logicalId: 'Flag' },
    }
    const map = cloudFormationAttributeMaps['AWS::EC2::LaunchTemplate']
    if (map === undefined) throw new Error('no launch template map')
    const mapped = mapTemplateAttributes(map, (p) => values[p] ?? { state: 'unset' })
    expect(mapped.attributes.block_device_mappings).toEqual([{ ebs: { encrypted: true } }, {}])
    expect(mapped.unknownAttributes).toContain('block_device_mappings.1.ebs.encrypted')
  })

  it('leaves a list whose length the template does not tell unknown as a whole', () => {
    const map = cloudFormationAttributeMaps['AWS::EC2::LaunchTemplate']
    if (map === undefined) throw new Error('no launch template map')
    const mapped = mapTemplateAttributes(map, (p) =>
      p === 'LaunchTemplateData.BlockDeviceMappings' ? { state: 'unknown' } : { state: 'unset' },
    )
    expect(mapped.unknownAttributes).toContain('block_device_mappings')
    expect(mapped.attributes.block_device_mappings).toBeUndefined()
  })
})
