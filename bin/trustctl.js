#!/usr/bin/env node
// The CLI runs from the compiled build (npm install builds it through the prepare script).
import '../dist/src/cli/run.js'
