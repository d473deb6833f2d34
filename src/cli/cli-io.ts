/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
  /** True when a person is at the terminal (init may prompt). */
  interactive: boolean
  /** The environment commands read (CI detection); the process's own when not given. */
  env?: NodeJS.ProcessEnv
  /** Colour standard output and standard error (a terminal or FORCE_COLOR, never NO_COLOR). */
  colour?: { out: boolean; err: boolean }
  /** Standard error is a terminal: a run longer than a second shows a progress line there. */
  errIsTerminal?: boolean
}
