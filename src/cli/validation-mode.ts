/**
 * Whether a command runs long enough for zod's compiled validators to pay off.
 *
 * zod compiles a validator per object schema (`new Function`) the first time the schema parses. A
 * server parses pushed evidence for hours and gains from it; a CLI command parses a few hundred
 * values once, and compiling the ~100 schemas it touches cost a small repository's `assess` about
 * 70 ms of its ~1 s. Interpreted validation accepts and refuses exactly the same values (zod runs the
 * same checks either way), so only the speed differs.
 */
export function compilesValidators(argv: readonly string[]): boolean {
  const [command, sub] = argv
  return command === 'serve' || (command === 'admission' && sub === 'serve')
}

/**
 * Whether the CLI should set zod's validators up at all before the command runs: not for
 * `--version`, `--help` or `help`, which never validate and must not load zod.
 */
export function runsACommand(argv: readonly string[]): boolean {
  const [command] = argv
  return command !== undefined && !command.startsWith('-') && command !== 'help'
}
