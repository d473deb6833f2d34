/** Adds an ISO 8601 duration (P1Y, P3M, P2W, P30D) to a YYYY-MM-DD date, in UTC. */
export function addDuration(date: string, duration: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration)
  if (match === null) throw new RangeError(`not an ISO 8601 duration: ${duration}`)
  const [, years, months, weeks, days] = match
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCFullYear(d.getUTCFullYear() + Number(years ?? 0), d.getUTCMonth() + Number(months ?? 0))
  d.setUTCDate(d.getUTCDate() + Number(weeks ?? 0) * 7 + Number(days ?? 0))
  return d.toISOString().slice(0, 10)
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return addDuration(date, `P${days}D`)
}
