// Writes JSON Schemas for trustctl.yaml and the catalog files into dist/schemas, so editors can
// validate and complete them. Generated from the same zod schemas that validate at load time,
// never committed (a generated tree beside its source drifts).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { packageRoot } from '../src/catalog/package-root.js'
import { controlSchema, frameworkSchema } from '../src/core/catalog.js'
import { configSchema } from '../src/core/config.js'
import { ruleSchema } from '../src/core/rule.js'
import { crosswalkFileSchema } from '../src/core/third-parties/crosswalk.js'
import { providerProfileSchema } from '../src/core/third-parties/provider-profile.js'

/** The JSON Schema of each file type, keyed by output file name. */
export function jsonSchemas(): Record<string, unknown> {
  const toSchema = (schema: z.ZodType, title: string): unknown => ({
    title,
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  })
  return {
    'trustctl.schema.json': toSchema(configSchema, 'trustctl.yaml'),
    'control.schema.json': toSchema(
      controlSchema,
      'trustctl control (catalog/controls/<family>/<name>.yaml)',
    ),
    'rule.schema.json': toSchema(
      ruleSchema,
      'trustctl declarative rule (checks/<provider>/<name>/rule.yaml)',
    ),
    'framework.schema.json': toSchema(frameworkSchema, 'trustctl framework (catalog/frameworks/*.yaml)'),
    'provider.schema.json': toSchema(
      providerProfileSchema,
      'trustctl provider profile (catalog/providers/<id>.yaml, or a providerFiles entry)',
    ),
    'crosswalk.schema.json': toSchema(crosswalkFileSchema, 'trustctl crosswalk (catalog/crosswalks/*.yaml)'),
  }
}

const out = path.join(packageRoot(), 'dist', 'schemas')
mkdirSync(out, { recursive: true })
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(path.join(out, file), `${JSON.stringify(schema, null, 2)}\n`)
}
console.log(`schemas written to ${path.relative(process.cwd(), out) || out}`)
