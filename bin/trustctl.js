#!/usr/bin/env node
// The CLI runs from the build (npm install builds it through the prepare script): the bundle in
// dist/cli (scripts/bundle-cli.mjs) loads a few dozen files where the compiled modules are ~460.
// A build without the bundle (tsc alone) still runs, from the compiled modules.
import { existsSync } from 'node:fs'
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'

// Node 22.1+ keeps V8's compiled code of the modules between runs, so a command does not parse and
// compile the same bundle again each time; Node 20 has no such cache and runs as before. The cache
// is the user's own (NODE_COMPILE_CACHE, else ~/.cache/trustctl), not Node's default in the shared
// temporary folder, where another account could plant code for it. NODE_DISABLE_COMPILE_CACHE=1
// turns it off; a folder that cannot be written leaves it off, silently.
if (typeof module.enableCompileCache === 'function') {
  try {
    const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
    module.enableCompileCache(
      process.env.NODE_COMPILE_CACHE || path.join(cache, 'trustctl', 'node-compile-cache'),
    )
  } catch {
    // No home folder (an account without one): the command runs without the cache.
  }
}

const bundle = new URL('../dist/cli/trustctl.js', import.meta.url)
await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/run.js')
