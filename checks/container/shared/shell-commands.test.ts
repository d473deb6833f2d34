import { describe, expect, it } from 'vitest'
import { parseInstructionScript } from '../../../src/collectors/dockerfile/instruction-script.js'
import { parseShell } from '../../../src/collectors/shell/parse-shell.js'
import { packageOperation, removedPaths, targetRemoves, wordsOf } from './shell-commands.js'

/** The words of every command the collector's parser finds, as the check reads them. */
function commandsOf(script: string, dockerfile = true): string[][] {
  const parsed = dockerfile ? parseInstructionScript(script, { program: 'sh' }, '\\') : parseShell(script)
  if (!parsed.parsed) throw new Error(parsed.reason)
  return parsed.commands.map(wordsOf).filter((words) => words.length > 0)
}

describe('wordsOf parsed RUN commands', () => {
  it('splits on separators and joins continuations, dropping comment lines inside them', () => {
    const script =
      'apt-get update \\\n  # then install\n  && sudo -E apt-get install -y curl; rm -rf /var/lib/apt/lists/*'
    expect(commandsOf(script)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
      ['rm', '-rf', '/var/lib/apt/lists/*'],
    ])
  })

  it('reads a heredoc RUN as the script it is, without its delimiter', () => {
    expect(commandsOf('<<EOT\nset -eux\n# install\napk add --no-cache gcc\nEOT')).toEqual([
      ['set', '-eux'],
      ['apk', 'add', '--no-cache', 'gcc'],
    ])
  })

  it('reduces exec form to words, and parses a shell it runs with -c', () => {
    expect(commandsOf('["sh", "-c", "apk add gdb && rm -rf /bin/sh"]')).toEqual([
      ['sh', '-c', 'apk add gdb && rm -rf /bin/sh'],
      ['apk', 'add', 'gdb'],
      ['rm', '-rf', '/bin/sh'],
    ])
  })

  it('keeps a quoted && inside its word', () => {
    expect(commandsOf('echo "apt-get install curl && done"')).toEqual([
      ['echo', 'apt-get install curl && done'],
    ])
  })
})

describe('packageOperation', () => {
  it('strips version pins and skips option values', () => {
    expect(
      packageOperation([
        'apt-get',
        'install',
        '-y',
        '-o',
        'Dpkg::Options::=--force-confold',
        'curl=7.88.1-10',
      ]),
    ).toEqual({ manager: 'apt-get', action: 'install', packages: ['curl'] })
  })

  it('records apk virtual groups', () => {
    expect(packageOperation(['apk', 'add', '--virtual', '.build-deps', 'gcc', 'musl-dev'])).toEqual({
      manager: 'apk',
      action: 'install',
      packages: ['gcc', 'musl-dev'],
      group: '.build-deps',
    })
  })

  it('reads removals and ignores other subcommands', () => {
    expect(packageOperation(['dnf', 'remove', '-y', 'gcc'])?.action).toBe('remove')
    expect(packageOperation(['apt-get', 'update'])).toBeUndefined()
    expect(packageOperation(['npm', 'install', 'curl'])).toBeUndefined()
  })
})

describe('removedPaths and targetRemoves', () => {
  it('matches globs, directories and merged /usr', () => {
    expect(removedPaths(['rm', '-rf', '/usr/bin/apt*', '/sbin/apk'])).toEqual(['/usr/bin/apt*', '/sbin/apk'])
    expect(targetRemoves('/usr/bin/apt*', '/bin/apt-get')).toBe(true)
    expect(targetRemoves('/bin/*sh', '/bin/bash')).toBe(true)
    expect(targetRemoves('/busybox', '/busybox/sh')).toBe(true)
    expect(targetRemoves('/bin/sh', '/bin/bash')).toBe(false)
    expect(targetRemoves('/', '/bin/sh')).toBe(false)
  })
})
