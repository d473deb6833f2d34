import type { LogEvent, LogEventCategory } from '../../core/evidence-logs.js'

/**
 * What the log reader keeps of the events it reads: one sample per group of like events (the first
 * one, with a count and the time of the last), at most `groupsPerCategory` groups per category for
 * one source. A log ten times longer that repeats the same behaviour keeps the same groups, so the
 * reader's memory does not grow with the log; a log of ever-new behaviour stops growing at the cap
 * and counts, per file and category, the events it could not keep, so that no check passes a file
 * on events it never saw.
 */
export interface RetentionLimits {
  groupsPerCategory: number
}

/** Enough for every distinct exec, root action or sign-in a real month of logs holds. */
export const defaultRetentionLimits: RetentionLimits = { groupsPerCategory: 5000 }

/**
 * The facts a check judges an event on: events equal in all of them get the same verdict, so one
 * sample stands for all. Time and place are left out (the sample keeps the first; the group counts
 * the rest). The CloudTrail source address is kept apart because its messages cite it and a new
 * address for the root user is news; a Kubernetes client address is a pod or node IP that changes
 * with every connection and adds nothing to who did what.
 */
function groupKey(event: LogEvent): string {
  const t = event.target
  return JSON.stringify([
    event.file,
    event.source,
    event.category,
    event.actor.name,
    event.actor.type,
    event.actor.groups,
    event.action,
    t.namespace,
    t.resource,
    t.subresource,
    t.name,
    t.service,
    event.namespace,
    event.succeeded,
    event.mfa,
    event.federated,
    event.source === 'cloudtrail' ? event.sourceIp : undefined,
  ])
}

export class EventRetainer {
  /** The open file's groups by key; a key names its file, so it is dropped when the file ends. */
  private readonly groups = new Map<string, LogEvent>()
  private readonly samples = new Map<string, LogEvent[]>()
  private held = 0
  private readonly groupsIn = new Map<LogEventCategory, number>()
  private readonly droppedIn = new Map<string, Map<LogEventCategory, number>>()

  constructor(private readonly limits: RetentionLimits = defaultRetentionLimits) {}

  /** Keeps the event as a new group's sample, counts it in its group, or counts it as not kept. */
  add(event: LogEvent): void {
    const key = groupKey(event)
    const group = this.groups.get(key)
    if (group !== undefined) {
      group.occurrences = (group.occurrences ?? 1) + 1
      if (event.time > (group.lastTime ?? group.time)) group.lastTime = event.time
      return
    }
    const held = this.groupsIn.get(event.category) ?? 0
    if (held >= this.limits.groupsPerCategory) {
      const dropped = this.droppedIn.get(event.file) ?? new Map<LogEventCategory, number>()
      dropped.set(event.category, (dropped.get(event.category) ?? 0) + 1)
      this.droppedIn.set(event.file, dropped)
      return
    }
    this.groupsIn.set(event.category, held + 1)
    this.groups.set(key, event)
    const samples = this.samples.get(event.file)
    if (samples === undefined) this.samples.set(event.file, [event])
    else samples.push(event)
    this.held++
  }

  /** Called when a file ends: its samples stay, the keys that found them go. */
  endFile(): void {
    this.groups.clear()
  }

  /** How many samples are held: bounded by the categories times the limit, whatever the log size. */
  get retained(): number {
    return this.held
  }

  /** The samples of one file, in the order their first event was read. */
  samplesOf(file: string): LogEvent[] {
    return this.samples.get(file) ?? []
  }

  /** Per category, the events of one file that were read but not kept (the cap was reached). */
  notRetainedIn(file: string): { category: LogEventCategory; events: number }[] {
    return [...(this.droppedIn.get(file) ?? [])].map(([category, events]) => ({ category, events }))
  }
}
