import type { ShellScript } from '../../core/shell-command.js'
import { parseExecForm, parseShell } from '../shell/parse-shell.js'

/** The shell that runs shell-form instructions: `/bin/sh -c` unless a SHELL instruction says otherwise. */
export interface DockerShell {
  program: string
  /** Line of the SHELL instruction that set it, when one did. */
  line?: number
}

export const defaultDockerShell: DockerShell = { program: 'sh' }

const posixShells = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'])

/** Reads `SHELL ["powershell", "-Command"]`; undefined when it is not a JSON list of strings. */
export function readShellInstruction(args: string, line: number): DockerShell | undefined {
  const words = execWords(args)
  const first = words?.[0]
  if (first === undefined) return undefined
  return { program: first.slice(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1), line }
}

/**
 * Parses the commands of a RUN, CMD or ENTRYPOINT. The exec form (`["apt-get", "install", "x"]`) runs
 * no shell; the shell form runs under the stage's SHELL, which must be a POSIX shell to be parsed.
 * `escapeCharacter` is the Dockerfile's escape character (`\`, or a backtick in Windows-style files).
 */
export function parseInstructionScript(
  raw: string,
  shell: DockerShell,
  escapeCharacter: string,
): ShellScript {
  const exec = execWords(raw)
  if (exec !== undefined) return parseExecForm(exec)
  const program = shell.program.toLowerCase().replace(/\.exe$/, '')
  if (!posixShells.has(program)) {
    const where = shell.line === undefined ? '' : ` (SHELL at line ${shell.line})`
    return { parsed: false, reason: `runs under ${shell.program}${where}, which is not a POSIX shell` }
  }
  if (escapeCharacter !== '\\' && shell.line === undefined) {
    return {
      parsed: false,
      reason: `the escape character is ${escapeCharacter}, as in Windows Dockerfiles, whose default shell is cmd`,
    }
  }
  const heredoc = heredocScript(raw)
  if (heredoc !== undefined) return parseShell(heredoc)
  // With a heredoc the shell sees the text as written; otherwise Docker joins continued lines first.
  return parseShell(/<<-?\s*["']?\w/.test(raw) ? raw : joinContinuations(raw, escapeCharacter))
}

/**
 * Docker's line continuation: an escape character ending a line joins it to the next, and comment or
 * empty lines inside a continued instruction are dropped (the shell never sees them).
 */
export function joinContinuations(raw: string, escapeCharacter: string): string {
  let joined = ''
  let continued = false
  for (const line of raw.split(/\r?\n/)) {
    if (continued && (line.trim() === '' || line.trim().startsWith('#'))) continue
    const trimmed = line.trimEnd()
    continued = trimmed.endsWith(escapeCharacter)
    // Docker removes the escape and the newline, so words broken over a continuation join up.
    joined += continued ? trimmed.slice(0, -escapeCharacter.length) : `${line}\n`
  }
  return joined
}

/** `RUN <<EOF` with nothing else on the line: the heredoc's body is the script the shell runs. */
function heredocScript(raw: string): string | undefined {
  const [first = '', ...rest] = raw.split(/\r?\n/)
  const opener = /^<<(-?)\s*(["']?)([A-Za-z_][\w.-]*)\2\s*$/.exec(first.trim())
  if (opener === null) return undefined
  const strip = opener[1] === '-'
  const delimiter = opener[3]
  const body: string[] = []
  for (const line of rest) {
    const text = strip ? line.replace(/^\t+/, '') : line
    if (text === delimiter) break
    body.push(text)
  }
  return body.join('\n')
}

function execWords(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(args)
    return Array.isArray(parsed) && parsed.every((word) => typeof word === 'string') ? parsed : undefined
  } catch {
    return undefined
  }
}
