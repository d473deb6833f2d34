// `node --import ./module-trace.mjs …` writes the URL of every module the process loads through the
// ES module loader to the file named by TRUSTCTL_MODULE_TRACE, one a line: the start-up test reads it
// to prove that light commands do not load the heavy libraries.
import { register } from 'node:module'

register('./module-trace-hooks.mjs', import.meta.url)
