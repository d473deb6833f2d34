#!/usr/bin/env node
// The CLI runs from the build (npm install builds it through the prepare script): the bundle in
// dist/cli (scripts/bundle-cli.mjs) loads a few dozen files where the compiled modules are ~460.
// A build without the bundle (tsc alone) still runs, from the compiled modules.
import { existsSync } from 'node:fs'
import module from 'node:module'

// Node 22.1+ keeps V8's compiled code of the modules between runs (in the OS temporary folder, or
// NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a command does not parse and
// compile the same bundle again each time. Node 20 has no such cache: nothing changes there.
module.enableCompileCache?.()

const bundle = new URL('../dist/cli/trustctl.js', import.meta.url)
await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/run.js')
