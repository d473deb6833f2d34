import { commandWords, type ShellCommand } from '../../../src/core/shell-command.js'

/**
 * What RUN commands do to an image's packages and files, read from the commands the collector parsed:
 * package installs and removals, and the paths `rm` deletes.
 */

/** A parsed command's words from the program on (`sudo`, `env` and the like dropped), as text. */
export function wordsOf(command: ShellCommand): string[] {
  return commandWords(command).map((word) => word.text)
}

/** The program a command runs, without its directory: `/usr/bin/apt-get` → `apt-get`. */
export function programOf(words: readonly string[]): string {
  const first = words[0] ?? ''
  return first.slice(first.lastIndexOf('/') + 1)
}

export interface PackageOperation {
  manager: string
  action: 'install' | 'remove'
  packages: string[]
  /** apk's `--virtual <name>`: a group name that `apk del <name>` removes in one go. */
  group?: string
}

const subcommands: Record<string, { install: string[]; remove: string[] }> = {
  'apt-get': { install: ['install'], remove: ['remove', 'purge'] },
  apt: { install: ['install'], remove: ['remove', 'purge'] },
  aptitude: { install: ['install'], remove: ['remove', 'purge'] },
  apk: { install: ['add'], remove: ['del'] },
  yum: { install: ['install'], remove: ['remove', 'erase'] },
  dnf: { install: ['install'], remove: ['remove', 'erase'] },
  microdnf: { install: ['install'], remove: ['remove'] },
  tdnf: { install: ['install'], remove: ['remove', 'erase'] },
  zypper: { install: ['install', 'in'], remove: ['remove', 'rm'] },
}

/** Package manager options whose value is the next word. */
const optionsWithValue = new Set([
  '-o',
  '-t',
  '-X',
  '--virtual',
  '--repository',
  '--target-release',
  '--setopt',
  '--enablerepo',
  '--disablerepo',
  '--installroot',
  '--releasever',
])

/** Reads `apt-get install -y --no-install-recommends curl=7.88.1-10 gcc` and the like. */
export function packageOperation(words: readonly string[]): PackageOperation | undefined {
  const manager = programOf(words)
  const known = subcommands[manager]
  if (known === undefined) return undefined
  let action: 'install' | 'remove' | undefined
  let group: string | undefined
  const packages: string[] = []
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? ''
    if (optionsWithValue.has(word)) {
      if (word === '--virtual' || word === '-t') group = words[i + 1]
      i++
      continue
    }
    if (word.startsWith('-')) continue
    if (action === undefined) {
      if (known.install.includes(word)) action = 'install'
      else if (known.remove.includes(word)) action = 'remove'
      else return undefined
      continue
    }
    // Version pins and repository tags are not part of the name; unresolved variables are unknown.
    const name = word.replace(/[=~<>@].*$/, '')
    if (name !== '' && !name.startsWith('$')) packages.push(name)
  }
  if (action === undefined) return undefined
  const operation: PackageOperation = { manager, action, packages }
  if (group !== undefined && manager === 'apk') operation.group = group
  return operation
}

/** The paths an `rm` command removes, as written (globs included). */
export function removedPaths(words: readonly string[]): string[] {
  if (programOf(words) !== 'rm') return []
  return words.slice(1).filter((word) => !word.startsWith('-'))
}

/** `/usr/bin/sh` and `/bin/sh` are the same file on merged-/usr systems; compare without `/usr`. */
function withoutUsr(path: string): string {
  return path.replace(/^\/usr(?=\/s?bin\/)/, '')
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  return new RegExp(`^${escaped}$`)
}

/** True when an `rm` target (a path, glob or directory) removes the given path. */
export function targetRemoves(target: string, path: string): boolean {
  const normalizedTarget = withoutUsr(target.replace(/\/+$/, ''))
  const normalizedPath = withoutUsr(path)
  if (normalizedTarget === '') return false
  return (
    globToRegExp(normalizedTarget).test(normalizedPath) || normalizedPath.startsWith(`${normalizedTarget}/`)
  )
}
