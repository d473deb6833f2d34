import { useState } from 'react'
import type { PolicyAcceptanceEntry, ServedPolicy } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { useApi } from '../use-api'

interface Listing {
  policies: ServedPolicy[]
  items: PolicyAcceptanceEntry[]
}

/** One policy row: accepted (when) or an Accept button for the signed-in person. */
function PolicyRow({ policy, onAccepted }: { policy: ServedPolicy; onAccepted: () => void }) {
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const accept = () => {
    setError(undefined)
    setBusy(true)
    request(`/api/policies/${encodeURIComponent(policy.id)}/acceptances`, { method: 'POST' }).then(
      () => {
        setBusy(false)
        onAccepted()
      },
      (failure: unknown) => {
        setBusy(false)
        setError(failure)
      },
    )
  }
  return (
    <tr>
      <th scope="row">{policy.title}</th>
      <td>{policy.version}</td>
      <td>
        {policy.acceptedAt !== undefined ? (
          <span>accepted {policy.acceptedAt.slice(0, 10)}</span>
        ) : (
          <>
            <span className="muted">not accepted</span>{' '}
            <button type="button" disabled={busy} onClick={accept} aria-label={`Accept ${policy.title}`}>
              Accept
            </button>
            <ErrorMessage error={error} />
          </>
        )}
      </td>
    </tr>
  )
}

/** My policies: the current version of each policy, whether I accepted it, and everyone's acceptances. */
export function PoliciesPage() {
  const listing = useApi<Listing>('/api/policies/acceptances')
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const accepted = () => {
    setNotice('Acceptance signed into the ledger.')
    listing.reload()
  }
  return (
    <>
      <PageTitle title="Policies">Policies</PageTitle>
      <ErrorMessage error={listing.error} />
      <Notice text={notice} />
      {listing.loading && listing.data === undefined ? <Loading /> : null}
      {listing.data === undefined ? null : (
        <>
          <table className="data" aria-label="My policies">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Version</th>
                <th scope="col">My acceptance</th>
              </tr>
            </thead>
            <tbody>
              {listing.data.policies.map((p) => (
                <PolicyRow key={p.id} policy={p} onAccepted={accepted} />
              ))}
            </tbody>
          </table>
          <h2>Acceptances recorded in trustctl</h2>
          {listing.data.items.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <table className="data" aria-label="Acceptances">
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Version</th>
                  <th scope="col">Accepted</th>
                </tr>
              </thead>
              <tbody>
                {listing.data.items.map((a) => (
                  <tr key={`${a.email}:${a.policyId}:${a.version}:${a.textHash}`}>
                    <td>{a.email}</td>
                    <td>{a.title}</td>
                    <td>{a.version}</td>
                    <td>{a.acceptedAt.slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  )
}
