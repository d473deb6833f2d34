import { types } from 'node:util'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { evidenceSchemas } from './evidence.js'

describe('deferredSchema', () => {
  it('builds the schema at its first use, once', () => {
    let builds = 0
    const schema = deferredSchema(() => {
      builds += 1
      return z.strictObject({ name: z.string().min(1) })
    })
    expect(builds).toBe(0)
    expect(schema.parse({ name: 'a' })).toEqual({ name: 'a' })
    expect(schema.safeParse({ name: 'b' }).success).toBe(true)
    expect(builds).toBe(1)
  })

  it('validates exactly as the schema built directly: the same data, the same issues', () => {
    const build = () =>
      z.strictObject({
        name: z.string().min(1),
        port: z.number().int().exactOptional(),
        tags: z.array(z.enum(['a', 'b'])),
      })
    const direct = build()
    const deferred = deferredSchema(build)
    const values: unknown[] = [
      { name: 'x', tags: ['a'] },
      { name: '', tags: ['c'], port: 1.5 },
      { name: 'x', tags: [], extra: true },
      'not an object',
    ]
    for (const value of values) {
      const a = direct.safeParse(value)
      const b = deferred.safeParse(value)
      expect(b.success).toBe(a.success)
      expect(b.data).toEqual(a.data)
      expect(b.error?.issues).toEqual(a.error?.issues)
    }
  })

  it('serves inside other schemas, extended, and as an instance of its zod class', () => {
    const inner = deferredSchema(() => z.strictObject({ id: z.string() }))
    const outer = z.strictObject({ items: z.array(inner), optional: inner.exactOptional() })
    expect(outer.safeParse({ items: [{ id: 'a' }] }).success).toBe(true)
    expect(outer.safeParse({ items: [{ id: 1 }] }).error?.issues[0]?.path).toEqual(['items', 0, 'id'])
    const extended = inner.extend({ count: z.number() })
    expect(extended.parse({ id: 'a', count: 2 })).toEqual({ id: 'a', count: 2 })
    expect(inner instanceof z.ZodObject).toBe(true)
    expect('shape' in inner).toBe(true)
    expect(Object.keys(inner.shape)).toEqual(['id'])
  })

  it('stands in for every schema of the evidence registry: none is built when the module loads', () => {
    // A stand-in is a proxy; a schema built at load would be the zod object itself.
    const kinds = Object.entries(evidenceSchemas)
    expect(kinds.length).toBeGreaterThan(40)
    expect(kinds.filter(([, schema]) => !types.isProxy(schema)).map(([kind]) => kind)).toEqual([])
  })

  it('gives the JSON Schema the schema built directly gives, root or nested, used once or twice', () => {
    const build = () =>
      z.strictObject({ id: z.string().regex(/^[a-z]+$/), refs: z.array(z.string()).default([]) })
    const direct = build()
    const deferred = deferredSchema(build)
    const parent = (child: z.ZodType) =>
      z.strictObject({ first: child, more: z.array(child), maybe: z.union([child, z.null()]) })
    for (const io of ['input', 'output'] as const) {
      expect(z.toJSONSchema(deferred, { io })).toEqual(z.toJSONSchema(direct, { io }))
      expect(z.toJSONSchema(parent(deferred), { io })).toEqual(z.toJSONSchema(parent(direct), { io }))
    }
  })

  it('stands in for the schemas of files and records a repeated assess never reads', async () => {
    const modules = await Promise.all([
      import('./rule.js'),
      import('./catalog.js'),
      import('./iam-policy.js'),
      import('./shell-command.js'),
      import('./access-review.js'),
      import('./policy-acceptance.js'),
      import('./third-parties/provider-profile.js'),
      import('./third-parties/crosswalk.js'),
      import('./third-parties/policies.js'),
    ])
    const schemas = modules.flatMap((module) =>
      Object.entries(module).filter(([name]) => /Schema$/.test(name) && name !== 'conditionSchema'),
    )
    expect(schemas.length).toBeGreaterThan(20)
    expect(schemas.filter(([, schema]) => !types.isProxy(schema)).map(([name]) => name)).toEqual([])
  })
})
