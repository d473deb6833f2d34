/**
 * The engine hash (engineCodeHash) of the src/core a CLI bundle was built from, or undefined. The
 * bundle (scripts/bundle-cli.mjs) replaces this module with one that returns that hash: the engine a
 * bundle runs is its own copy of those modules, fixed when it was built, so hashing the compiled
 * files again at every run (a directory walk and ~60 reads) measured nothing the build had not.
 * Unbundled (sources, tsc alone) the engine is those files, and they are hashed at run time. A
 * check a bundled run imports from its own file (edited after the build, or one the bundle lacks)
 * runs on the compiled files instead; it has no code hash, so none of its results is reused.
 */
export function builtEngineHash(): string | undefined {
  return undefined
}
