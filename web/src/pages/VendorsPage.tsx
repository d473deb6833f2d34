import { type FormEvent, useState } from 'react'
import type { Vendor } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { labelOf, labels, ownerName } from '../labels'
import { Link } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'

function Period({ vendor }: { vendor: Vendor }) {
  const report = vendor.report
  if (report === undefined) return <>—</>
  return (
    <>
      <span className="nowrap">{report.periodStart ?? '…'}</span> to{' '}
      <span className="nowrap">{report.periodEnd}</span>
    </>
  )
}

function coverageTone(vendor: Vendor): string {
  switch (vendor.coverage) {
    case 'current':
    case 'not-required':
      return 'pass'
    case 'bridged':
    case 'period-gap':
      return 'partial'
    default:
      return 'fail'
  }
}

function ReviewForm({ vendor, onSaved }: { vendor: Vendor; onSaved: () => void }) {
  const { me } = useSession()
  const [reviewedBy, setReviewedBy] = useState(me.user.name || me.user.email)
  const [reviewedAt, setReviewedAt] = useState(new Date().toISOString().slice(0, 10))
  const [exceptionsReviewed, setExceptionsReviewed] = useState(false)
  const [notes, setNotes] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const idBase = `review-${vendor.name.replace(/[^a-zA-Z0-9-]/g, '-')}`

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    const body: Record<string, unknown> = { reviewedBy, reviewedAt, exceptionsReviewed }
    if (notes.trim() !== '') body.notes = notes.trim()
    request(`/api/vendors/${encodeURIComponent(vendor.name)}/review`, { method: 'PATCH', body }).then(() => {
      setNotice(
        'Review recorded in trustctl.yaml and the ledger; the register shows it after the next assessment.',
      )
      onSaved()
    }, setError)
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Review of ${vendor.name}`}>
      <label htmlFor={`${idBase}-by`}>Reviewed by</label>
      <input
        id={`${idBase}-by`}
        required
        value={reviewedBy}
        onChange={(e) => setReviewedBy(e.target.value)}
      />
      <label htmlFor={`${idBase}-at`}>Reviewed on</label>
      <input
        id={`${idBase}-at`}
        type="date"
        required
        value={reviewedAt}
        onChange={(e) => setReviewedAt(e.target.value)}
      />
      <label className="checkbox" htmlFor={`${idBase}-exceptions`}>
        <input
          id={`${idBase}-exceptions`}
          type="checkbox"
          checked={exceptionsReviewed}
          onChange={(e) => setExceptionsReviewed(e.target.checked)}
        />{' '}
        Exceptions in the report reviewed
      </label>
      <label htmlFor={`${idBase}-notes`}>Notes</label>
      <textarea id={`${idBase}-notes`} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      <ErrorMessage error={error} />
      <button type="submit">Record review</button>
      <Notice text={notice} />
    </form>
  )
}

export function VendorsPage() {
  const session = useSession()
  const vendors = useApi<{ items: Vendor[] }>('/api/vendors')
  const canReview = session.can('vendors:write')
  return (
    <>
      <PageTitle title="Vendors">Vendors</PageTitle>
      <ErrorMessage error={vendors.error} />
      {vendors.loading && vendors.data === undefined ? <Loading /> : null}
      {vendors.data === undefined ? null : vendors.data.items.length === 0 ? (
        <p className="muted">No vendors in the register.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Vendor</th>
              <th scope="col">Criticality</th>
              <th scope="col">Report</th>
              <th scope="col">Period</th>
              <th scope="col">Opinion</th>
              <th scope="col">Reviewed</th>
              <th scope="col">Gaps</th>
            </tr>
          </thead>
          <tbody>
            {vendors.data.items.map((vendor) => (
              <tr key={vendor.name}>
                <th scope="row">
                  {vendor.name}
                  <div className="muted small">
                    {vendor.services.join(', ')}
                    {vendor.subprocessor ? ' · subprocessor' : ''} · owner {ownerName(vendor.owner)}
                  </div>
                </th>
                <td>{vendor.criticality}</td>
                <td>
                  <span className={`badge tone-${coverageTone(vendor)}`}>
                    {labelOf(labels().reportCoverage, vendor.coverage)}
                  </span>
                  {vendor.report !== undefined ? (
                    <div className="small">Type {vendor.report.type}</div>
                  ) : null}
                  {vendor.coveredThrough !== undefined ? (
                    <div className="muted small">covers through {vendor.coveredThrough}</div>
                  ) : null}
                </td>
                <td>
                  <Period vendor={vendor} />
                </td>
                <td>
                  {vendor.report?.opinion ?? '—'}
                  {vendor.report !== undefined && vendor.report.exceptions.length > 0 ? (
                    <div className="small">
                      {vendor.report.exceptions.length === 1
                        ? '1 exception noted'
                        : `${vendor.report.exceptions.length} exceptions noted`}
                    </div>
                  ) : null}
                </td>
                <td>
                  {vendor.report?.reviewedOn !== undefined
                    ? `${vendor.report.reviewedOn} by ${vendor.report.reviewedBy ?? '—'}`
                    : 'Not reviewed'}
                  {canReview && vendor.declared && vendor.report !== undefined ? (
                    <details>
                      <summary>Record a review</summary>
                      <ReviewForm vendor={vendor} onSaved={vendors.reload} />
                    </details>
                  ) : null}
                </td>
                <td>
                  {vendor.gaps.length === 0
                    ? 'None'
                    : vendor.gaps.map((gap) =>
                        session.can('gaps:read') ? (
                          <div key={gap}>
                            <Link to={`/gaps?gap=${encodeURIComponent(gap)}`}>{gap}</Link>
                          </div>
                        ) : (
                          <div key={gap}>{gap}</div>
                        ),
                      )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
