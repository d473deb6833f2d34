import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import type { LogEvent, LogSummary } from '../../core/evidence-logs.js'
import { collectors } from './index.js'
import { RecordSplitter } from './read-records.js'

const checksDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../checks/logs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-logs-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const context = { root: tmp, where: 'sources[2]', now: new Date('2026-06-30T00:00:00Z'), env: {} }

function collector(type: string) {
  const found = collectors.find((c) => c.type === type)
  if (found === undefined) throw new Error(type)
  return found
}
async function collect(type: string, file: string) {
  const c = collector(type)
  const collection = await c.collect(c.options.parse({ type, path: file }), context)
  return {
    summary: collection.evidence.find((e): e is LogSummary => e.kind === 'log.summary'),
    events: collection.evidence.filter((e): e is LogEvent => e.kind === 'log.event'),
    errors: collection.errors,
  }
}

describe('k8s-audit-log', () => {
  const sample = readFileSync(
    path.join(checksDir, 'no-exec-into-production-pods/cases/pass/logs/kube-apiserver-audit.log'),
    'utf8',
  )

  it('keeps the events an auditor asks about, once per request, and summarises the file', async () => {
    writeFileSync(path.join(tmp, 'audit.log'), sample)
    const { summary, events, errors } = await collect('k8s-audit-log', 'audit.log')
    expect(errors).toEqual([])
    expect(summary).toMatchObject({
      eventsRead: 8,
      firstEvent: '2026-06-12T10:00:01.180000Z',
      lastEvent: '2026-06-12T10:25:00.180000Z',
      parseErrors: 0,
    })
    expect(events.map((e) => [e.category, e.actor.name, e.target.namespace, e.succeeded])).toEqual([
      ['pod-exec', 'alice@acme-analytics.example.com', 'staging', true],
      ['pod-exec', 'alice@acme-analytics.example.com', 'production', false],
      ['pod-exec', 'marcus@acme-analytics.example.com', 'production', true],
      ['human-change', 'alice@acme-analytics.example.com', 'staging', true],
      ['secret-read', 'alice@acme-analytics.example.com', 'staging', true],
    ])
    expect(events[2]?.actor.groups).toContain('break-glass')
  })

  it('counts bad lines with their line numbers and reads on; EventList lines are read item by item', async () => {
    const lines = sample.trimEnd().split('\n')
    const list = JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [JSON.parse(lines[2] ?? '{}')],
    })
    const text = [lines[0], '{"kind":"Event", truncated', lines[1], '42', list, '', lines[6]].join('\n')
    writeFileSync(path.join(tmp, 'bad.log.gz'), gzipSync(text))
    const { summary, events, errors } = await collect('k8s-audit-log', 'bad.log.gz')
    expect(summary).toMatchObject({ eventsRead: 4, parseErrors: 2 })
    expect(errors.map((e) => [e.file, e.line])).toEqual([
      ['bad.log.gz', 2],
      ['bad.log.gz', 4],
    ])
    expect(errors[0]?.message).toMatch(/not valid JSON/)
    expect(events.map((e) => e.line)).toEqual([5, 7])
  })

  it('reports a truncated gzip file without losing the events read before the damage', async () => {
    const gz = gzipSync(sample.repeat(50))
    writeFileSync(path.join(tmp, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.9)))
    const { summary, errors } = await collect('k8s-audit-log', 'cut.log.gz')
    expect(summary?.eventsRead).toBeGreaterThan(0)
    expect(errors.at(-1)?.message).toMatch(/reading stopped after line \d+/)
  })
})

describe('cloudtrail-log', () => {
  const dir = path.join(checksDir, 'no-root-account-use/cases/fail/cloudtrail')

  it('streams the records and keeps root use, console logins, trail changes and IAM changes', async () => {
    const { summary, events, errors } = await collect('cloudtrail-log', dir)
    expect(errors).toEqual([])
    expect(summary).toMatchObject({
      resourceKind: 'CloudTrailLog',
      eventsRead: 15,
      firstEvent: '2026-06-10T07:59:00Z',
      lastEvent: '2026-06-11T09:45:00Z',
    })
    expect(events.map((e) => `${e.category} ${e.action} ${e.succeeded ? 'ok' : 'refused'}`)).toEqual([
      'console-login ConsoleLogin ok',
      'iam-change AttachRolePolicy ok',
      'audit-logging-change UpdateTrail ok',
      'audit-logging-change StopLogging refused',
      'console-login ConsoleLogin refused',
      'console-login ConsoleLogin ok',
      'console-login ConsoleLogin ok',
      'root-use CreateAccessKey ok',
      'console-login ConsoleLogin ok',
      'audit-logging-change StopLogging ok',
    ])
    const logins = events.filter((e) => e.category === 'console-login' && e.succeeded)
    expect(logins.map((e) => [e.actor.type, e.mfa, e.federated])).toEqual([
      ['AssumedRole', false, true],
      ['IAMUser', true, false],
      ['Root', false, false],
      ['IAMUser', false, false],
    ])
    expect(events[0]?.at).toBe('Records[0]')
  })

  it('reports a damaged record by its index and a file that is not CloudTrail', async () => {
    mkdirSync(path.join(tmp, 'ct'))
    writeFileSync(
      path.join(tmp, 'ct/a.json'),
      '{"Records":[{"eventName":"ConsoleLogin","eventTime":"2026-01-01T00:00:00Z"},{"eventName": tru},{"eventTime":"2026-01-02T00:00:00Z"}]}',
    )
    writeFileSync(path.join(tmp, 'ct/b.json'), '{"Events":[]}')
    writeFileSync(
      path.join(tmp, 'ct/c.json'),
      '{"Records":[{"eventName":"ConsoleLogin","eventTime":"2026-01-01T00:00:00Z"},{"event',
    )
    const c = collector('cloudtrail-log')
    const collection = await c.collect(c.options.parse({ type: 'cloudtrail-log', path: 'ct' }), context)
    expect(collection.errors.map((e) => `${e.file}: ${e.message.slice(0, 40)}`)).toEqual([
      'ct/a.json: Records[1]: not valid JSON: Unexpected t',
      'ct/b.json: no "Records" array: not a CloudTrail log',
      'ct/c.json: the file ends inside the records (trunca',
    ])
    const summaries = collection.evidence.filter((e): e is LogSummary => e.kind === 'log.summary')
    expect(summaries.map((s) => [s.name, s.eventsRead, s.parseErrors])).toEqual([
      ['ct/a.json', 2, 1],
      ['ct/b.json', 0, 1],
      ['ct/c.json', 1, 1],
    ])
  })
})

describe('RecordSplitter', () => {
  it('splits the same records wherever the chunks break, strings with braces and escapes included', () => {
    const records = [{ a: 1, s: 'x}{]["\\"' }, { b: [1, { c: 2 }], d: null }, { e: 'Records' }]
    const text = JSON.stringify({ Other: [{ no: 1 }], Records: records, After: [{ no: 2 }] })
    for (let cut = 0; cut <= text.length; cut++) {
      const out: string[] = []
      const splitter = new RecordSplitter()
      splitter.push(text.slice(0, cut), (r) => out.push(r))
      splitter.push(text.slice(cut), (r) => out.push(r))
      expect(
        out.map((r) => JSON.parse(r)),
        `cut at ${cut}`,
      ).toEqual(records)
      expect(splitter.truncated).toBe(false)
    }
  })
})
