/**
 * A zod schema built the first time it is used rather than when its module loads.
 *
 * The evidence registry declares some two hundred schemas for about fifty kinds, and building them
 * all was a good part of every command's start-up, though a run validates only the kinds its
 * sources produce (a repository of manifests never meets an AWS or a people kind). Each schema is
 * declared as before, wrapped in `deferredSchema(() => …)`: its type is the built schema's, every
 * use (parse, safeParse, extend, a place in another schema's shape) reaches the one built schema,
 * and so validation is exactly that schema's.
 *
 * The same holds for the schemas of what most commands never read, or read only when something
 * changed: rules (built rules come from the build's snapshot), the catalog's controls and frameworks,
 * provider profiles, crosswalks, policy front matter, IAM policy documents, shell scripts, access
 * reviews and policy acceptances. Deferring them and the evidence schemas took a repeated `assess`
 * from some 1,300 schemas built at start-up to some 730 (the config's, which every run parses, stay).
 *
 * The stand-in forwards property reads, `in` and the prototype (zod's `instanceof` looks at
 * `_zod.traits`, a property read). It is not the schema itself: code that keys on a schema's
 * identity (zod's metadata registries, JSON Schema generation with `.meta()` ids) must be given
 * schemas built directly, so a deferred schema carries no metadata of its own. Some deferred ones are
 * turned into JSON Schema (dist/schemas, the server's OpenAPI document): none has metadata, each
 * stand-in is one object wherever it is used, and the documents are byte for byte those the schemas
 * built directly gave.
 */
export function deferredSchema<T extends object>(build: () => T): T {
  let built: T | undefined
  const schema = (): T => {
    built ??= build()
    return built
  }
  return new Proxy({} as T, {
    get: (_target, key) => {
      const real = schema()
      return Reflect.get(real, key, real)
    },
    has: (_target, key) => Reflect.has(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
    set: (_target, key, value) => Reflect.set(schema(), key, value),
  })
}
