import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isMap, isNode, isScalar, parseDocument } from 'yaml'
import { main } from '../src/cli/main.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs the CLI in-process, as a user would from `cwd`, capturing its output and exit code. The
 * environment is the test's own without GitHub Actions' variables, so a test run in CI does not
 * annotate the job or write its summary; `trustctlWithEnv` hands over an environment of its own.
 */
export function trustctl(cwd: string, ...argv: string[]): Promise<CliRun> {
  const { GITHUB_ACTIONS: _actions, GITHUB_STEP_SUMMARY: _summary, ...env } = process.env
  return trustctlWithEnv(env, cwd, ...argv)
}

/** Runs the CLI in-process with the given environment (see trustctl). */
export async function trustctlWithEnv(
  env: NodeJS.ProcessEnv,
  cwd: string,
  ...argv: string[]
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    cwd,
    out: (t) => {
      stdout += t
    },
    err: (t) => {
      stderr += t
    },
    interactive: false,
    env,
  })
  return { code, stdout, stderr }
}

export const demoEstate = path.resolve(import.meta.dirname, '..', 'examples', 'acme-saas')

/**
 * trustctl.yaml without its `ledger.key` pin (the whole `ledger:` section when that is all it holds).
 * The lines are cut out of the text rather than the document written again, which would reformat
 * every other line (`[security, availability]` becomes `[ security, availability ]`) and break the
 * tests that edit the demo's configuration as committed.
 */
export function withoutKeyPin(text: string): string {
  const config = parseDocument(text)
  if (!config.hasIn(['ledger', 'key'])) return text
  const top = config.contents
  const ledgerPair = isMap(top)
    ? top.items.find((p) => isScalar(p.key) && p.key.value === 'ledger')
    : undefined
  const ledger = ledgerPair?.value
  const keyPair = isMap(ledger)
    ? ledger.items.find((p) => isScalar(p.key) && p.key.value === 'key')
    : undefined
  const cut = isMap(ledger) && ledger.items.length > 1 ? keyPair : ledgerPair
  const start = isScalar(cut?.key) ? cut.key.range?.[0] : undefined
  const end = isNode(cut?.value) ? cut.value.range?.[2] : undefined
  if (start === undefined || end === undefined) throw new Error('trustctl.yaml: cannot locate ledger.key')
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const lineEnd = text.indexOf('\n', end - 1)
  return text.slice(0, lineStart) + (lineEnd === -1 ? '' : text.slice(lineEnd + 1))
}

/** A private copy of the demo estate, without any store or report a previous run left. */
export function copyDemo(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-demo-'))
  cpSync(demoEstate, dir, {
    recursive: true,
    // A store, reports or an anchor the user's own `npm run demo` left at the top are not copied.
    filter: (src) =>
      !/(^|[\\/])(\.trustctl|reports|trustctl\.anchor)([\\/]|$)/.test(path.relative(demoEstate, src)),
  })
  // Nor the key pin that demo's first assess wrote into trustctl.yaml: the copy gets a key of its own.
  const configFile = path.join(dir, 'trustctl.yaml')
  const text = readFileSync(configFile, 'utf8')
  const unpinned = withoutKeyPin(text)
  if (unpinned !== text) writeFileSync(configFile, unpinned)
  // The demo's git history is built, never committed (a repository cannot live inside another).
  execFileSync(process.execPath, [path.resolve(demoEstate, '../../scripts/make-demo-git-history.mjs'), dir])
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
