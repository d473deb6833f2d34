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
 * The stand-in forwards property reads, `in` and the prototype (zod's `instanceof` looks at
 * `_zod.traits`, a property read). It is not the schema itself: code that keys on a schema's
 * identity (zod's metadata registries, JSON Schema generation with `.meta()` ids) must be given
 * schemas built directly, which is why only the evidence schemas, which carry no metadata and are
 * never turned into JSON Schema, are deferred.
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
