import { describe, expect, it } from 'vitest'
import { packageOperation, removedPaths, splitCommands, targetRemoves } from './shell-commands.js'

describe('splitCommands', () => {
  it('splits on separators, joins continuations and drops RUN flags', () => {
    const script =
      '--mount=type=cache,target=/var/cache/apt apt-get update \\\n  && apt-get install -y curl; rm -rf /var/lib/apt/lists/*'
    expect(splitCommands(script)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
      ['rm', '-rf', '/var/lib/apt/lists/*'],
    ])
  })

  it('reads heredoc bodies line by line and skips comments', () => {
    expect(splitCommands('<<EOT\nset -eux\n# install\napk add --no-cache gcc\nEOT')).toEqual([
      ['set', '-eux'],
      ['apk', 'add', '--no-cache', 'gcc'],
      ['EOT'],
    ])
  })

  it('reduces exec form to words', () => {
    expect(splitCommands('["apt-get", "install", "-y", "gdb"]')).toEqual([
      ['apt-get', 'install', '-y', 'gdb'],
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
