import { type FormEvent, useEffect, useState } from 'react'
import type { FindingPage, IndexedFinding } from '../../../src/server/contract/types'
import { withQuery } from '../api'
import { FindingStatusBadge, SeverityBadge } from '../components/Badge'
import { ErrorMessage, Loading } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { Prose } from '../components/Prose'
import { findingStatuses, labels, severities } from '../labels'
import { Link, navigate, useLocation } from '../router'
import { useApi } from '../use-api'

const filterKeys = [
  'status',
  'severity',
  'check',
  'namespace',
  'subject',
  'control',
  'sort',
  'order',
] as const
type FilterKey = (typeof filterKeys)[number]
type Filters = Record<FilterKey, string>

const pageSize = 50

function filtersFrom(query: URLSearchParams): Filters {
  const filters = {} as Filters
  for (const key of filterKeys) filters[key] = query.get(key) ?? ''
  return filters
}

function addressOf(filters: Filters): string {
  return withQuery('/findings', filters)
}

/**
 * What the API is asked: by default what needs fixing (failures and missing evidence), the way an
 * engineer opens this page; "any" asks for every status.
 */
export function findingsQuery(filters: Filters, after: string | undefined, limit: number) {
  const status =
    filters.status === '' ? 'fail,no-evidence' : filters.status === 'any' ? undefined : filters.status
  return { ...filters, status, after, limit }
}

function location(finding: IndexedFinding): string {
  return finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`
}

export function FindingsPage() {
  const { query } = useLocation()
  const applied = filtersFrom(query)
  const [draft, setDraft] = useState<Filters>(applied)
  // Keyset pagination: the cursors of the pages before this one, so "Previous page" can go back.
  const [cursors, setCursors] = useState<string[]>([])
  const after = cursors[cursors.length - 1]
  const appliedKey = addressOf(applied)

  // A new filter starts again from the first page.
  useEffect(() => {
    setCursors([])
    setDraft(filtersFrom(new URL(appliedKey, window.location.origin).searchParams))
  }, [appliedKey])

  const page = useApi<FindingPage>(withQuery('/api/findings', findingsQuery(applied, after, pageSize)))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    navigate(addressOf(draft))
  }
  const field = (key: FilterKey) => ({
    id: `findings-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  })

  const items = page.data?.items ?? []
  const firstIndex = cursors.length * pageSize + 1
  return (
    <>
      <PageTitle title="Findings">Findings</PageTitle>
      <form className="filters" onSubmit={submit} aria-label="Filter findings">
        <div>
          <label htmlFor="findings-status">Status</label>
          <select {...field('status')}>
            <option value="">Fail or no evidence</option>
            <option value="any">Any</option>
            {findingStatuses().map((s) => (
              <option key={s} value={s}>
                {labels().findingStatus[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="findings-severity">Severity</label>
          <select {...field('severity')}>
            <option value="">Any</option>
            {severities().map((s) => (
              <option key={s} value={s}>
                {labels().severity[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="findings-check">Check</label>
          <input {...field('check')} placeholder="kubernetes/…" />
        </div>
        <div>
          <label htmlFor="findings-namespace">Namespace</label>
          <input {...field('namespace')} />
        </div>
        <div>
          <label htmlFor="findings-subject">Subject starts with</label>
          <input {...field('subject')} />
        </div>
        <div>
          <label htmlFor="findings-sort">Sort by</label>
          <select {...field('sort')}>
            <option value="">Severity</option>
            <option value="check">Check</option>
            <option value="subject">Subject</option>
            <option value="file">File</option>
          </select>
        </div>
        <div>
          <label htmlFor="findings-order">Order</label>
          <select {...field('order')}>
            <option value="">Default</option>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={() => navigate('/findings')}>
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage error={page.error} />
      {page.loading ? <Loading /> : null}
      {page.data === undefined ? null : (
        <>
          <p className="muted" role="status">
            {items.length === 0
              ? 'No findings match.'
              : `Showing ${firstIndex}–${firstIndex + items.length - 1}${page.data.total !== undefined ? ` of ${page.data.total}` : ''} findings`}
          </p>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Severity</th>
                <th scope="col">Check</th>
                <th scope="col">Subject</th>
                <th scope="col">Location</th>
                <th scope="col">Message</th>
                <th scope="col">Controls</th>
              </tr>
            </thead>
            <tbody>
              {items.map((finding) => (
                <tr key={`${finding.runId}-${finding.ordinal}`}>
                  <td>
                    <FindingStatusBadge status={finding.status} />
                  </td>
                  <td>
                    <SeverityBadge severity={finding.severity} />
                  </td>
                  <td>{finding.check}</td>
                  <th scope="row">
                    {finding.namespace !== undefined ? `${finding.namespace}/` : ''}
                    {finding.subjectName}
                    <div className="muted small">{finding.subjectKind}</div>
                  </th>
                  <td className="break">{location(finding)}</td>
                  <td>
                    <Prose text={finding.message} />
                  </td>
                  <td>
                    {finding.controls.map((control) => (
                      <span key={control}>
                        <Link to={`/controls/${encodeURIComponent(control)}`}>{control}</Link>{' '}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Findings pages">
            <button
              type="button"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={page.data.next === undefined}
              onClick={() => {
                const next = page.data?.next
                if (next !== undefined) setCursors([...cursors, next])
              }}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  )
}
