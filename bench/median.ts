/**
 * Times `fn` `runs` times after a GC each (when run with --expose-gc), prints the median with its
 * spread, and returns the median in milliseconds. Every benchmark reports its timings this way.
 */
export async function timeMedian(
  label: string,
  runs: number,
  fn: () => Promise<unknown> | unknown,
): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.()
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  const mid = times[Math.floor(times.length / 2)] ?? 0
  console.log(
    `  ${label.padEnd(44)} median ${mid.toFixed(0).padStart(6)} ms  (min ${times[0]?.toFixed(0)}, max ${times.at(-1)?.toFixed(0)}, n=${runs})`,
  )
  return mid
}
