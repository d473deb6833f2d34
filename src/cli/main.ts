import { Command, CommanderError, Option } from 'commander'
import { assessCommand } from './commands/assess.js'
import { explainCommand } from './commands/explain.js'
import { gapsCommand } from './commands/gaps.js'
import { initCommand } from './commands/init.js'
import { reportCommand } from './commands/report.js'
import { exitCode, presentError } from './exit-codes.js'
import { toolVersion } from './version.js'

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
  /** True when a person is at the terminal (init may prompt). */
  interactive: boolean
}

const processIo = (): CliIo => ({
  cwd: process.cwd(),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
})

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Builds the command tree; each action only parses, calls one command and records its exit code. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
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

  program
    .command('init')
    .description('write a commented trustctl.yaml (asks on a terminal; flags otherwise)')
    .option('--dir <dir>', 'folder to write trustctl.yaml in', '.')
    .option('--organization <name>', 'service organization')
    .option('--system <name>', 'system name')
    .option('--description <text>', 'system description')
    .option('--categories <list>', 'categories in scope besides security, comma-separated')
    .option('--as-of <date>', 'as-of date, YYYY-MM-DD (default: today)')
    .option('--source <path>', 'a source path (repeatable)', collect, [])
    .option('--provider <spec>', 'name:model[:services] with model iaas|paas|saas (repeatable)', collect, [])
    .option('--force', 'overwrite an existing trustctl.yaml')
    .option('--no-input', 'never prompt, even on a terminal')
    .action(async (options) => {
      const interactive =
        options.input !== false && process.stdin.isTTY === true && process.stdout.isTTY === true
      setExit(
        await initCommand(
          { ...options, interactive },
          { ...io, today: new Date().toISOString().slice(0, 10) },
        ),
      )
    })

  program
    .command('assess')
    .description('collect evidence, run the tests of controls, store the run and print a summary')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--fail-on <severity>',
      'exit 1 when a test fails at or above this severity (critical, high, medium, low, info)',
    )
    .action(async (options) => setExit(await assessCommand(options, io)))

  program
    .command('gaps')
    .description('list gaps with remediation: what, why, owner, due date, severity')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option('--severity <severity>', 'only gaps at or above this severity')
    .action(async (options) => setExit(await gapsCommand(options, io)))

  program
    .command('report')
    .description('write the readiness report')
    .addOption(configOption)
    .option('--format <list>', 'comma-separated: md, html, json', 'md,html,json')
    .option('--out <dir>', 'output folder (default: report.out in trustctl.yaml, "reports")')
    .action(async (options) => setExit(await reportCommand(options, io)))

  program
    .command('explain <id>')
    .description('explain a criterion (CC6.1), control or check in plain words, with the latest result')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, options) => setExit(await explainCommand(id, options, io)))

  return program
}

/** Runs the CLI and returns its exit code: the one place errors become messages and codes. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = exitCode.clean
  const program = buildProgram(io, (c) => {
    code = c
  })
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
