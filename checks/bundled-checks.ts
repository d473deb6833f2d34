/**
 * The check modules of the CLI bundle, by folder. Unbundled (tsc's output, a run from source) there
 * are none and each check.ts is imported from its file. The bundle (scripts/bundle-cli.mjs) replaces
 * this module with a table of lazy imports of the modules the build's checks manifest describes, so a
 * deferred check is loaded from the bundle, sharing its copy of core and zod, not as ~100 extra files.
 */
export const bundledCheckModules: Readonly<Record<string, () => Promise<unknown>>> | undefined = undefined
