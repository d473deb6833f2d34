// Module loader hooks for the start-up bench (bench/record-modules.ts registers them): each module a
// command loads is appended to the file TRUSTCTL_BENCH_MODULES names, so the bench can load exactly
// those modules in a process of their own and time that alone (the module load floor).
import { appendFileSync } from 'node:fs'

type NextLoad = (url: string, context: unknown) => Promise<unknown>

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  const file = process.env.TRUSTCTL_BENCH_MODULES
  if (file !== undefined && file !== '') appendFileSync(file, `${url}\n`)
  return nextLoad(url, context)
}
