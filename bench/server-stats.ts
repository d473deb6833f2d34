// Small figures helpers of the server bench: percentiles, sequential medians, and a proof that the
// ledger holds exactly the evidence the collectors sent.
import pg from 'pg'

/** The p-th percentile (0–100) of values, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? 0
}

/**
 * Runs `fn` up to `runs` times one after the other (after a few untimed warm-up runs), stopping early
 * once `budgetSeconds` have passed with at least three samples; returns the median ms and the count.
 */
export async function sequentialMedian(
  runs: number,
  fn: () => Promise<unknown>,
  budgetSeconds = 15,
): Promise<{ median: number; n: number }> {
  // Warm-up: three runs, or fewer when one run alone takes seconds.
  const warmupEnd = Date.now() + 2000
  for (let i = 0; i < 3 && (i === 0 || Date.now() < warmupEnd); i++) await fn()
  const times: number[] = []
  const deadline = Date.now() + budgetSeconds * 1000
  while (times.length < runs && (times.length < 3 || Date.now() < deadline)) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return { median: percentile(times, 50), n: times.length }
}

/** A statement as a pg client was asked to run it. */
export interface CapturedQuery {
  text: string
  values: unknown[]
}

/**
 * Runs `fn` while recording every statement any pg client sends, so the bench can replay exactly
 * what the store asked PostgreSQL (the floor of a query, without the store or the server around it).
 */
export async function captureQueries(fn: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = []
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }
  const original = prototype.query
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const [first, second] = args
    if (typeof first === 'string')
      captured.push({ text: first, values: Array.isArray(second) ? [...(second as unknown[])] : [] })
    else if (typeof first === 'object' && first !== null && 'text' in first) {
      const config = first as { text: string; values?: unknown[] }
      captured.push({
        text: config.text,
        values: [...(config.values ?? (Array.isArray(second) ? second : []))],
      })
    }
    return original.apply(this, args)
  }
  try {
    await fn()
  } finally {
    prototype.query = original
  }
  return captured
}

/** The evidence a collector's name holds in the ledger: content hashes of its evidence records. */
export async function ledgerHashesByCollector(
  url: string,
  schema: string,
  collectors: readonly string[],
): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ collector: string; content_hash: string }>(
      `SELECT collector, content_hash FROM ${schema}.ledger_record WHERE kind = 'evidence' AND collector = ANY($1::text[])`,
      [[...collectors]],
    )
    const out = new Map<string, string[]>(collectors.map((c) => [c, []]))
    for (const row of rows) out.get(row.collector)?.push(row.content_hash)
    return out
  } finally {
    await client.end()
  }
}

/** Whether two lists hold the same values the same number of times. */
export function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const left = [...a].sort()
  const right = [...b].sort()
  return left.every((value, i) => value === right[i])
}
