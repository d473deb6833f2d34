import { execFile } from 'node:child_process'

/** Runs git in a repository and returns its stdout; a failure names the command and git's message. */
export function runGit(repository: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', repository, ...args],
      { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout)
        else reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`))
      },
    )
  })
}
