import { Command, CommanderError, Option } from 'commander'
import { toolVersion } from '../app/version.js'
import { writeChunks } from '../app/write-chunks.js'
import type { CliIo } from './cli-io.js'
import { exitCode, presentError } from './exit-codes.js'
import { registrationsFor } from './register-commands.js'
import { wantsColour } from './style.js'

export type { CliIo } from './cli-io.js'

const processIo = (): CliIo => ({
  cwd: process.cwd(),
  out: (text) => void process.stdout.write(text),
  outChunks: (chunks) => writeChunks(process.stdout, chunks),
  err: (text) => void process.stderr.write(text),
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  env: process.env,
  colour: {
    out: wantsColour(process.env, process.stdout.isTTY === true),
    err: wantsColour(process.env, process.stderr.isTTY === true),
  },
  errIsTerminal: process.stderr.isTTY === true,
})

/**
 * Builds the command tree from the registrations `argv` needs (registrationsFor; every command without
 * one); each action only parses, calls one command and records its exit code.
 */
export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  argv: readonly string[] = [],
): Command {
  const program = new Command('trustctl')
    .description(
      'SOC 2 compliance as code: assess repositories, clusters and pipelines against the Trust Services Criteria',
    )
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError()
  const configOption = new Option(
    '-c, --config <file>',
    'trustctl.yaml to use (default: nearest in this folder or a parent)',
  )

  for (const { register } of registrationsFor(argv)) register(program, { io, setExit, configOption })
  return program
}

/** Runs the CLI and returns its exit code: the one place errors become messages and codes. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = exitCode.clean
  const program = buildProgram(
    io,
    (c) => {
      code = c
    },
    argv,
  )
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; any other parse problem is a usage error.
      return error.exitCode === 0 ? exitCode.clean : exitCode.usage
    }
    const presented = presentError(error)
    io.err(`${presented.text}\n`)
    return presented.code
  }
}
