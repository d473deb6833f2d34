/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  cwd: string
  out: (text: string) => void
  /**
   * Writes text made a piece at a time (the JSON result of a large estate, half a gigabyte) to
   * standard output, waiting while the reader catches up, so it is never held whole. Without one,
   * each piece goes to `out` (writeOut).
   */
  outChunks?: (chunks: Iterable<string>) => Promise<void>
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

/** Writes text made a piece at a time to standard output: through `outChunks`, else a piece per `out`. */
export async function writeOut(io: CliIo, chunks: Iterable<string>): Promise<void> {
  if (io.outChunks !== undefined) await io.outChunks(chunks)
  else for (const chunk of chunks) io.out(chunk)
}
