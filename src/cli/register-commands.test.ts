import { Command, Option } from 'commander'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './cli-io.js'
import { buildProgram } from './main.js'
import { commandRegistrations, type Registration, registrationsFor } from './register-commands.js'

const io: CliIo = {
  cwd: '/',
  out: () => undefined,
  outChunks: async () => undefined,
  err: () => undefined,
  interactive: false,
  env: {},
  colour: { out: false, err: false },
  errIsTerminal: false,
}
const registration: Registration = {
  io,
  setExit: () => undefined,
  configOption: new Option('-c, --config <file>'),
}

/** The top-level command names a registration adds, as commander sees them. */
function namesAdded(register: (program: Command, registration: Registration) => void): string[] {
  const program = new Command('trustctl')
  register(program, registration)
  return program.commands.map((command) => command.name())
}

/** The help text of the command `path` names, from a program built for `argv`. */
function helpOf(argv: readonly string[], path: readonly string[]): string {
  let command = buildProgram(io, () => undefined, argv)
  for (const name of path) {
    const sub = command.commands.find((c) => c.name() === name)
    if (sub === undefined) throw new Error(`no command ${path.join(' ')}`)
    command = sub
  }
  return command.helpInformation()
}

describe('command registrations', () => {
  it('name exactly the commands each one adds, every name once', () => {
    for (const entry of commandRegistrations) expect(namesAdded(entry.register)).toEqual([...entry.names])
    const names = commandRegistrations.flatMap((entry) => entry.names)
    expect(new Set(names).size).toBe(names.length)
  })

  it('build only the command a command line names first', () => {
    expect(registrationsFor(['assess', '--format', 'json']).flatMap((e) => e.names)).toEqual(['assess'])
    expect(registrationsFor(['controls', 'list']).flatMap((e) => e.names)).toEqual(['checks', 'controls'])
    expect(buildProgram(io, () => undefined, ['gaps']).commands.map((c) => c.name())).toEqual(['gaps'])
  })

  it('build every command for anything else: no command, --help, help <command>, a misspelt name', () => {
    for (const argv of [[], ['--help'], ['help', 'assess'], ['asess'], ['--version']])
      expect(registrationsFor(argv)).toBe(commandRegistrations)
  })

  it('give every command and subcommand the same help alone as among all of them', () => {
    for (const entry of commandRegistrations)
      for (const name of entry.names) {
        const whole = buildProgram(io, () => undefined, []).commands.find((c) => c.name() === name)
        const paths = [[name], ...(whole?.commands ?? []).map((sub) => [name, sub.name()])]
        for (const path of paths) expect(helpOf([name], path)).toBe(helpOf([], path))
      }
  })
})
