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
    module.enableCompileCache(process.env.NODE_COMPILE_CACHE || userCacheFolder())
  } catch {
    // No home folder (an account without one): the command runs without the cache.
  }
}

/** ~/.cache/trustctl/node-compile-cache, or under XDG_CACHE_HOME; never a path relative to the working folder. */
function userCacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME ?? ''
  const home = os.homedir()
  const base = path.isAbsolute(xdg) ? xdg : path.isAbsolute(home) ? path.join(home, '.cache') : undefined
  if (base === undefined) throw new Error('no home folder')
  return path.join(base, 'trustctl', 'node-compile-cache')
}

const bundle = new URL('../dist/cli/trustctl.js', import.meta.url)
await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/run.js')
