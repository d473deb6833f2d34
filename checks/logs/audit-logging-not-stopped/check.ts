import { defineCheck } from '../../../src/core/check.js'
import { judgeLogs } from '../shared/logs.js'

const blinding = new Set(['StopLogging', 'DeleteTrail'])

export default defineCheck({
  id: 'logs/audit-logging-not-stopped',
  title: 'CloudTrail logging is never stopped or its trail deleted',
  description:
    'Stopping a trail or deleting it is the first thing an intruder does to hide, and it blinds every ' +
    'other detective control for as long as it lasts. Every successful StopLogging or DeleteTrail in ' +
    'the CloudTrail logs read is an exception to explain.',
  remediation:
    'Deny cloudtrail:StopLogging and cloudtrail:DeleteTrail to everyone through a service control policy ' +
    '(an organization trail cannot be stopped from member accounts), alert on both events, and review each ' +
    'listed one with whoever made it.',
  severity: 'critical',
  reads: ['log.summary', 'log.event'],
  evaluate({ evidence, result }) {
    return judgeLogs(
      evidence['log.summary'],
      evidence['log.event'],
      'cloudtrail',
      ['audit-logging-change'],
      result,
      (event) =>
        event.category === 'audit-logging-change' && event.succeeded && blinding.has(event.action)
          ? `${event.actor.name} called ${event.action}${event.target.name === undefined ? '' : ` on ${event.target.name}`}`
          : undefined,
      'no trail was stopped or deleted',
    )
  },
})
