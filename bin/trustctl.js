#!/usr/bin/env node
// The CLI runs from the build (npm install builds it through the prepare script): the bundle in
// dist/cli (scripts/bundle-cli.mjs) loads a few dozen files where the compiled modules are ~460.
// A build without the bundle (tsc alone) still runs, from the compiled modules.
import { existsSync } from 'node:fs'

const bundle = new URL('../dist/cli/trustctl.js', import.meta.url)
await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/run.js')
