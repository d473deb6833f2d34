import { useMemo, useState } from 'react'
import type { ControlRow, ControlStatus } from '../../../src/server/contract/types'
import { withQuery } from '../api'
import { ControlStatusBadge } from '../components/Badge'
import { ErrorMessage, Loading } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { nextSort, SortHeader, type SortState } from '../components/SortHeader'
import { controlStatuses, labels, ownerName } from '../labels'
import { Link, navigate, useLocation } from '../router'
import { useApi } from '../use-api'

type Column = 'id' | 'title' | 'family' | 'status' | 'owner' | 'tests'

function compareBy(column: Column): (a: ControlRow, b: ControlRow) => number {
  switch (column) {
    case 'status': {
      // In the order the labels list them; a status they do not know (a newer server) goes last.
      const order = controlStatuses()
      const rank = (row: ControlRow) => (order.includes(row.status) ? order.indexOf(row.status) : 99)
      return (a, b) => rank(a) - rank(b)
    }
    case 'tests':
      return (a, b) => a.tests.failed - b.tests.failed || a.tests.total - b.tests.total
    default:
      return (a, b) => a[column].localeCompare(b[column])
  }
}

export interface ControlFilter {
  status: string
  family: string
  owner: string
  criterion: string
  q: string
}

/** The controls that pass every filter set (empty filters pass everything). */
export function filterControls(rows: readonly ControlRow[], filter: ControlFilter): ControlRow[] {
  const q = filter.q.trim().toLowerCase()
  return rows.filter(
    (row) =>
      (filter.status === '' || row.status === filter.status) &&
      (filter.family === '' || row.family === filter.family) &&
      (filter.owner === '' || row.owner === filter.owner) &&
      (filter.criterion === '' || row.criteria.includes(filter.criterion)) &&
      (q === '' || `${row.id} ${row.title} ${row.owner}`.toLowerCase().includes(q)),
  )
}

export function ControlsPage() {
  const { query } = useLocation()
  // `run`: an older assessment, reached from the runs list; the latest otherwise.
  const run = query.get('run') ?? undefined
  const controls = useApi<{ items: ControlRow[] }>(withQuery('/api/controls', { run }))
  const [sort, setSort] = useState<SortState<Column>>({ key: 'id', order: 'asc' })
  // Filters live in the address, so a heatmap cell or a shared link opens the same view.
  const filter: ControlFilter = {
    status: query.get('status') ?? '',
    family: query.get('family') ?? '',
    owner: query.get('owner') ?? '',
    criterion: query.get('criterion') ?? '',
    q: query.get('q') ?? '',
  }
  const setFilter = (key: keyof ControlFilter, value: string) => {
    const next = new URLSearchParams(query)
    if (value === '') next.delete(key)
    else next.set(key, value)
    const text = next.toString()
    navigate(text === '' ? '/controls' : `/controls?${text}`, { replace: true })
  }

  const rows = controls.data?.items ?? []
  const families = useMemo(() => [...new Set(rows.map((r) => r.family))].sort(), [rows])
  const owners = useMemo(() => [...new Set(rows.map((r) => r.owner))].sort(), [rows])
  const shown = filterControls(rows, filter).sort(compareBy(sort.key))
  if (sort.order === 'desc') shown.reverse()
  const onSort = (key: Column) => setSort(nextSort(sort, key))

  return (
    <>
      <PageTitle title="Controls">Controls</PageTitle>
      {run !== undefined ? (
        <p className="callout">
          Assessment run {run}, not necessarily the latest. <Link to="/controls">Show the latest run</Link>
        </p>
      ) : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter controls">
        <div>
          <label htmlFor="controls-q">Search</label>
          <input
            id="controls-q"
            type="search"
            value={filter.q}
            onChange={(e) => setFilter('q', e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="controls-status">Status</label>
          <select
            id="controls-status"
            value={filter.status}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value="">Any</option>
            {controlStatuses().map((s: ControlStatus) => (
              <option key={s} value={s}>
                {labels().controlStatus[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="controls-family">Family</label>
          <select
            id="controls-family"
            value={filter.family}
            onChange={(e) => setFilter('family', e.target.value)}
          >
            <option value="">Any</option>
            {families.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="controls-owner">Owner</label>
          <select
            id="controls-owner"
            value={filter.owner}
            onChange={(e) => setFilter('owner', e.target.value)}
          >
            <option value="">Any</option>
            {owners.map((o) => (
              <option key={o} value={o}>
                {ownerName(o)}
              </option>
            ))}
          </select>
        </div>
        {filter.criterion !== '' ? (
          <p className="chip">
            Criterion {filter.criterion}{' '}
            <button type="button" className="link-button" onClick={() => setFilter('criterion', '')}>
              Clear criterion filter
            </button>
          </p>
        ) : null}
      </form>
      <ErrorMessage error={controls.error} />
      {controls.loading && controls.data === undefined ? <Loading /> : null}
      {controls.data === undefined ? null : (
        <>
          <p className="muted" role="status">
            {shown.length} of {rows.length} controls
          </p>
          <table className="data">
            <thead>
              <tr>
                <SortHeader label="Control" column="id" sort={sort} onSort={onSort} />
                <SortHeader label="Title" column="title" sort={sort} onSort={onSort} />
                <SortHeader label="Family" column="family" sort={sort} onSort={onSort} />
                <SortHeader label="Status" column="status" sort={sort} onSort={onSort} />
                <SortHeader label="Owner" column="owner" sort={sort} onSort={onSort} />
                <th scope="col">Criteria</th>
                <SortHeader label="Tests" column="tests" sort={sort} onSort={onSort} />
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.id}>
                  <th scope="row">
                    <Link to={withQuery(`/controls/${encodeURIComponent(row.id)}`, { run })}>{row.id}</Link>
                  </th>
                  <td>{row.title}</td>
                  <td>{row.family}</td>
                  <td>
                    <ControlStatusBadge status={row.status} />
                  </td>
                  <td title={row.owner}>{ownerName(row.owner)}</td>
                  <td>{row.criteria.join(', ')}</td>
                  <td>
                    {row.tests.passed} passed, {row.tests.failed} failed
                    {row.tests.noEvidence > 0 ? `, ${row.tests.noEvidence} without evidence` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
