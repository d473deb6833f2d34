import { type FormEvent, useState } from 'react'
import type { AccessReviewCampaign } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { useSession } from '../session'
import { useApi } from '../use-api'

type Account = AccessReviewCampaign['accounts'][number]

/** One account's decision form: keep, revoke or change, always with a reason (it is signed as written). */
function DecideForm({
  campaign,
  account,
  onSaved,
}: {
  campaign: AccessReviewCampaign
  account: Account
  onSaved: () => void
}) {
  const [decision, setDecision] = useState<'keep' | 'revoke' | 'change'>('keep')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const idBase = `decide-${account.accountId.replace(/[^a-zA-Z0-9-]/g, '-')}`
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    setBusy(true)
    request(`/api/access-reviews/${encodeURIComponent(campaign.id)}/decisions`, {
      method: 'POST',
      body: { accountId: account.accountId, decision, reason: reason.trim() },
    }).then(
      () => {
        setBusy(false)
        onSaved()
      },
      (failure: unknown) => {
        setBusy(false)
        setError(failure)
      },
    )
  }
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      aria-label={`Decision on ${account.label ?? account.accountId}`}
    >
      <label htmlFor={`${idBase}-decision`}>Decision</label>
      <select
        id={`${idBase}-decision`}
        value={decision}
        onChange={(e) => setDecision(e.target.value as 'keep' | 'revoke' | 'change')}
      >
        <option value="keep">Keep</option>
        <option value="revoke">Revoke</option>
        <option value="change">Change</option>
      </select>
      <label htmlFor={`${idBase}-reason`}>Reason</label>
      <input
        id={`${idBase}-reason`}
        required
        minLength={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Record decision
      </button>
    </form>
  )
}

function Campaign({ campaign, onSaved }: { campaign: AccessReviewCampaign; onSaved: () => void }) {
  const session = useSession()
  const decided = new Map(campaign.decisions.map((d) => [d.accountId, d]))
  // Only the reviewer the campaign names records decisions; the server enforces it too.
  const mine =
    campaign.closedAt === undefined &&
    session.can('evidence:write') &&
    session.me.user.email.toLowerCase() === campaign.reviewer.toLowerCase()
  return (
    <section aria-label={`Access review ${campaign.id}`}>
      <h2>
        {campaign.id} · {campaign.system}
      </h2>
      <p className="muted">
        Reviewer {campaign.reviewer} · opened {campaign.openedAt.slice(0, 10)}
        {campaign.due === undefined ? '' : ` · due ${campaign.due}`} ·{' '}
        {campaign.closedAt === undefined
          ? `open, ${campaign.undecided} of ${campaign.accounts.length} undecided`
          : `closed ${campaign.closedAt.slice(0, 10)}`}
      </p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Active</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {campaign.accounts.map((account) => {
            const d = decided.get(account.accountId)
            return (
              <tr key={account.accountId}>
                <th scope="row">{account.label ?? account.accountId}</th>
                <td>{account.active ? 'yes' : 'no'}</td>
                <td>
                  {d !== undefined ? (
                    <span>
                      {d.decision}: {d.reason}
                      <span className="muted small"> ({d.decidedBy ?? 'reviewer'})</span>
                    </span>
                  ) : mine ? (
                    <DecideForm campaign={campaign} account={account} onSaved={onSaved} />
                  ) : (
                    <span className="muted">undecided</span>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}

export function AccessReviewsPage() {
  const reviews = useApi<{ items: AccessReviewCampaign[] }>('/api/access-reviews')
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const saved = () => {
    setNotice('Decision signed into the ledger.')
    reviews.reload()
  }
  return (
    <>
      <PageTitle title="Access reviews">Access reviews</PageTitle>
      <ErrorMessage error={reviews.error} />
      <Notice text={notice} />
      {reviews.loading && reviews.data === undefined ? <Loading /> : null}
      {reviews.data === undefined ? null : reviews.data.items.length === 0 ? (
        <p className="muted">No access review recorded: start one with trustctl access-review start.</p>
      ) : (
        reviews.data.items.map((c) => <Campaign key={c.id} campaign={c} onSaved={saved} />)
      )}
    </>
  )
}
