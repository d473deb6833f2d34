import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { CompiledRules, RawSecretMatch } from './scan-text.js'
import { scanText } from './scan-text.js'

/** A secret added by a commit, at its line in the file as that commit left it. */
export interface HistoryMatch extends RawSecretMatch {
  commit: string
  file: string
}

const hunkHeader = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/**
 * Scans every line any commit added, on every branch and tag (`git log --all -p -U0`): a secret
 * deleted from the working tree is still in the history, and still usable by whoever clones it.
 * The diff is streamed line by line, so a long history never sits in memory.
 */
export async function scanHistory(
  repository: string,
  compiled: CompiledRules,
): Promise<{ matches: HistoryMatch[]; commits: number; bytes: number }> {
  const args = [
    '-C',
    repository,
    'log',
    '--all',
    '-p',
    '-U0',
    '--no-color',
    '--no-ext-diff',
    '--no-renames',
    '--relative',
    '--format=%x00%H',
  ]
  const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
  const matches: HistoryMatch[] = []
  let commit = ''
  let file: string | undefined
  let commits = 0
  let bytes = 0
  let hunk: string[] = []
  let hunkLine = 0
  const flush = (): void => {
    if (hunk.length > 0 && file !== undefined) {
      for (const match of scanText(hunk.join('\n'), compiled, hunkLine))
        matches.push({ ...match, commit, file })
    }
    hunk = []
  }
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    bytes += line.length + 1
    if (line.startsWith('\0')) {
      flush()
      commit = line.slice(1)
      commits++
      file = undefined
    } else if (line.startsWith('+++ ')) {
      flush()
      file = line === '+++ /dev/null' ? undefined : line.slice(line.startsWith('+++ b/') ? 6 : 4)
    } else if (line.startsWith('@@')) {
      flush()
      hunkLine = Number(hunkHeader.exec(line)?.[1] ?? 0)
    } else if (line.startsWith('+')) {
      hunk.push(line.slice(1))
    } else if (line.startsWith('diff --git')) {
      flush()
      file = undefined
    }
  }
  flush()
  const code = await exited
  if (code !== 0) throw new Error(`git log failed in ${repository}: ${stderr.trim() || `exit code ${code}`}`)
  return { matches, commits, bytes }
}
