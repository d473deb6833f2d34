import type { RunEnvironment } from '../app/run-assessment.js'

/**
 * The process's environment and standard error, as the use cases take them: the CLI is the edge where
 * process.env is read, so tests and the server can hand over their own.
 */
export function processRun(): RunEnvironment {
  return { env: process.env, notify: (text) => void process.stderr.write(text) }
}
