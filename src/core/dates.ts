/** Adds an ISO 8601 duration (P1Y, P3M, P2W, P30D) to a YYYY-MM-DD date, in UTC. */
export function addDuration(date: string, duration: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration)
  if (match === null) throw new RangeError(`not an ISO 8601 duration: ${duration}`)
  const [, years, months, weeks, days] = match
  const start = new Date(`${date}T00:00:00Z`)
  const monthIndex =
    start.getUTCFullYear() * 12 + start.getUTCMonth() + Number(years ?? 0) * 12 + Number(months ?? 0)
  const year = Math.floor(monthIndex / 12)
  const month = monthIndex % 12
  // Month arithmetic clamps to the end of a shorter month (31 January + 1 month = 28 February), as
  // calendars and review cycles do; rolling over into March would make evidence look current too long.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const d = new Date(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay)))
  d.setUTCDate(d.getUTCDate() + Number(weeks ?? 0) * 7 + Number(days ?? 0))
  return d.toISOString().slice(0, 10)
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return addDuration(date, `P${days}D`)
}

/** A review cycle in words: P1M → "monthly", P3M → "quarterly", P2W → "every 2 weeks". */
export function describeDuration(duration: string): string {
  const named: Record<string, string> = {
    P1D: 'daily',
    P1W: 'weekly',
    P7D: 'weekly',
    P1M: 'monthly',
    P3M: 'quarterly',
    P6M: 'every six months',
    P1Y: 'yearly',
    P12M: 'yearly',
  }
  const known = named[duration]
  if (known !== undefined) return known
  return `every ${durationInWords(duration)}`
}

/** An ISO 8601 duration of whole units in words: `P3M` → "3 months", `P1Y6M` → "1 year 6 months". */
export function durationInWords(duration: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration)
  if (match === null || duration === 'P') return duration
  const units = ['year', 'month', 'week', 'day']
  return match
    .slice(1)
    .map((n, i) => (n === undefined ? '' : `${Number(n)} ${units[i]}${Number(n) === 1 ? '' : 's'}`))
    .filter(Boolean)
    .join(' ')
}
