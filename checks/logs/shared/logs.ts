import type { Outcome, ResultBuilder } from '../../../src/core/check.js'
import type { LogEvent, LogEventCategory, LogSource, LogSummary } from '../../../src/core/evidence-logs.js'

/** The span of a log file, for messages: `2026-11-01T00:00:03Z..2026-11-02T00:00:00Z`. */
export function spanOf(summary: LogSummary): string {
  return summary.firstEvent === undefined ? 'no events' : `${summary.firstEvent}..${summary.lastEvent ?? ''}`
}

/** `and 41 more times until …` for an event that stands for several alike. */
function repeats(event: LogEvent): string {
  return event.occurrences === undefined
    ? ''
    : ` and ${event.occurrences - 1} more times until ${event.lastTime ?? event.time}`
}

/** Events of the categories a check judges that the reader counted but did not keep. */
function unexamined(file: LogSummary, categories: readonly LogEventCategory[]): number {
  return (file.notRetained ?? [])
    .filter((n) => categories.includes(n.category))
    .reduce((sum, n) => sum + n.events, 0)
}

/**
 * Fails each offending event (a sample standing for the like events after it), and passes each log
 * file of the right source that held none, naming how many events it read and the period it covers.
 * No log of that source at all cannot tell, nor can a file whose events of the judged `categories`
 * were not all kept.
 */
export function judgeLogs(
  summaries: readonly LogSummary[],
  events: readonly LogEvent[],
  source: LogSource,
  categories: readonly LogEventCategory[],
  result: ResultBuilder,
  offence: (event: LogEvent) => string | undefined,
  clean: string,
): Outcome[] {
  const files = summaries.filter((s) => s.source === source)
  if (files.length === 0) {
    return summaries
      .slice(0, 1)
      .map((s) =>
        result.undetermined(
          s,
          `no ${source === 'cloudtrail' ? 'CloudTrail' : 'Kubernetes audit'} log was read, so this cannot be tested`,
        ),
      )
  }
  const outcomes: Outcome[] = []
  const offending = new Set<string>()
  for (const event of events) {
    if (event.source !== source) continue
    const message = offence(event)
    if (message === undefined) continue
    offending.add(event.file)
    outcomes.push(
      result.fail(
        event,
        `${message} at ${event.time} (${event.file}${event.at === undefined ? `:${event.line ?? ''}` : ` ${event.at}`})${repeats(event)}`,
      ),
    )
  }
  for (const file of files) {
    if (offending.has(file.file)) continue
    if (file.eventsRead === 0) {
      outcomes.push(result.undetermined(file, 'the log file holds no readable events'))
      continue
    }
    const unseen = unexamined(file, categories)
    if (unseen > 0) {
      outcomes.push(
        result.undetermined(
          file,
          `${unseen} events of the kinds this check judges were read but not kept (more distinct ones than the reader holds), so this file cannot pass`,
        ),
      )
      continue
    }
    outcomes.push(
      result.pass(
        file,
        `${clean}: ${file.eventsRead} events, ${spanOf(file)}${file.parseErrors > 0 ? `, ${file.parseErrors} unreadable entries` : ''}`,
      ),
    )
  }
  return outcomes
}
