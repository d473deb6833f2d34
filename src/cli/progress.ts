import type { CliIo } from './cli-io.js'

/** Standard error as the progress line sees it. */
export const progressStream = (io: CliIo): { write: (text: string) => void; isTerminal: boolean } => ({
  write: io.err,
  isTerminal: io.errIsTerminal === true,
})

/**
 * Runs `work` and, when it takes longer than `delayMs` and standard error is a terminal, keeps one
 * line there saying what is happening and for how long, cleared when the work ends. Nothing is written
 * for quick runs, pipes or files, and nothing ever to standard output.
 */
export async function withProgress<T>(
  label: string,
  stderr: { write: (text: string) => void; isTerminal: boolean },
  work: () => Promise<T>,
  timing: { delayMs: number; everyMs: number } = { delayMs: 1000, everyMs: 1000 },
): Promise<T> {
  if (!stderr.isTerminal) return work()
  const started = Date.now()
  let shown = false
  const draw = (): void => {
    shown = true
    stderr.write(`\r\u001b[K${label}… ${Math.round((Date.now() - started) / 1000)} s`)
  }
  let ticker: NodeJS.Timeout | undefined
  const delay = setTimeout(() => {
    draw()
    ticker = setInterval(draw, timing.everyMs)
  }, timing.delayMs)
  try {
    return await work()
  } finally {
    clearTimeout(delay)
    if (ticker !== undefined) clearInterval(ticker)
    if (shown) stderr.write('\r\u001b[K')
  }
}
