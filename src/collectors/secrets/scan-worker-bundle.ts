/**
 * The secrets scan's worker as one self-contained script, when this module runs from the CLI bundle:
 * scripts/bundle-cli.mjs builds that script (dist/cli/scan-worker.cjs) beside the bundle, from the
 * same compiled modules, and gives the bundle its own version of this module naming it. The compiled
 * modules (dist/src) and the TypeScript sources keep this one: they run the compiled worker, never a
 * script built from other sources. A worker started from the script loads one file through the
 * CommonJS loader instead of seven ES modules and picomatch's files through the ES module loader: it
 * was ready 5-10 ms sooner and spent 8 ms less CPU (medians of 15 starts each, alternating, load 5).
 */
export const bundledScanWorker: URL | undefined = undefined
