import { type FormEvent, useEffect, useRef, useState } from 'react'
import type { GapDetail, GapRow, RemediationStatus } from '../../../src/server/contract/types'
import { request, withQuery } from '../api'
import { RemediationBadge, SeverityBadge } from '../components/Badge'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { Prose } from '../components/Prose'
import { formatTime, labels, ownerName, remediationStatuses, severities } from '../labels'
import { Link, navigate, useLocation } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'

/** The gaps in one board column, most severe first, then by due date. */
export function column(gaps: readonly GapRow[], status: RemediationStatus): GapRow[] {
  const rank = (g: GapRow) => severities().indexOf(g.severity)
  return gaps
    .filter((g) => g.remediation.status === status)
    .sort((a, b) => rank(a) - rank(b) || dueOf(a).localeCompare(dueOf(b)) || a.id.localeCompare(b.id))
}

function dueOf(gap: GapRow): string {
  return gap.remediation.dueDate ?? gap.dueDate
}

function ownerOf(gap: GapRow): string {
  return gap.remediation.owner ?? gap.owner
}

function GapCard({ gap, onOpen }: { gap: GapRow; onOpen: () => void }) {
  return (
    <li className="gap-card">
      <button type="button" className="card-title" onClick={onOpen} aria-haspopup="dialog">
        {gap.title}
      </button>
      <div className="card-meta">
        <SeverityBadge severity={gap.severity} />{' '}
        {gap.controls.map((control) => (
          <Link key={control} to={`/controls/${encodeURIComponent(control)}`}>
            {control}
          </Link>
        ))}
      </div>
      <dl className="card-facts">
        <dt>Owner</dt>
        <dd title={ownerOf(gap)}>{ownerName(ownerOf(gap))}</dd>
        <dt>Due</dt>
        <dd className="nowrap">{dueOf(gap)}</dd>
        {gap.comments > 0 ? (
          <>
            <dt>Comments</dt>
            <dd>{gap.comments}</dd>
          </>
        ) : null}
      </dl>
    </li>
  )
}

function GapDialog({
  id,
  canWrite,
  onClose,
  onSaved,
}: {
  id: string
  canWrite: boolean
  onClose: () => void
  onSaved: () => void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const detail = useApi<GapDetail>(`/api/gaps/${encodeURIComponent(id)}`)
  const [owner, setOwner] = useState('')
  const [dueDate, setDueDate] = useState('')
  const [status, setStatus] = useState<RemediationStatus>('open')
  const [comment, setComment] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    const element = dialog.current
    if (element !== null && !element.open) element.showModal()
  }, [])

  const data = detail.data
  useEffect(() => {
    if (data === undefined) return
    setOwner(data.remediation.owner ?? data.gap.owner)
    setDueDate(data.remediation.dueDate ?? data.gap.dueDate)
    setStatus(data.remediation.status)
  }, [data])

  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (data === undefined) return
    setBusy(true)
    setError(undefined)
    setNotice(undefined)
    try {
      // Send only what changed, so the ledger's change record says exactly what was done.
      const change: { owner?: string; dueDate?: string; status?: RemediationStatus } = {}
      if (owner !== (data.remediation.owner ?? data.gap.owner)) change.owner = owner
      if (dueDate !== (data.remediation.dueDate ?? data.gap.dueDate)) change.dueDate = dueDate
      if (status !== data.remediation.status) change.status = status
      if (Object.keys(change).length > 0) {
        await request(`/api/gaps/${encodeURIComponent(id)}`, { method: 'PATCH', body: change })
      }
      if (comment.trim() !== '') {
        await request(`/api/gaps/${encodeURIComponent(id)}/comments`, {
          method: 'POST',
          body: { body: comment.trim() },
        })
        setComment('')
      }
      setNotice('Saved.')
      detail.reload()
      onSaved()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="gap-dialog-title" onClose={onClose}>
      <h2 id="gap-dialog-title">{data?.gap.title ?? `Gap ${id}`}</h2>
      <ErrorMessage error={detail.error} />
      {data === undefined ? (
        detail.loading ? (
          <Loading />
        ) : null
      ) : (
        <>
          <p>
            <SeverityBadge severity={data.gap.severity} />{' '}
            <RemediationBadge status={data.remediation.status} /> · criteria{' '}
            {data.gap.criteria.join(', ') || '—'} · controls{' '}
            {data.gap.controls.map((control) => (
              <Link key={control} to={`/controls/${encodeURIComponent(control)}`}>
                {control}{' '}
              </Link>
            ))}
          </p>
          <p>
            <Prose text={data.gap.remediation} />
          </p>
          {data.gap.subjects !== undefined && data.gap.subjects.length > 0 ? (
            <details>
              <summary>{data.gap.subjects.length} failing subjects</summary>
              <ul>
                {data.gap.subjects.map((s) => (
                  <li key={`${s.kind}-${s.namespace ?? ''}-${s.name}-${s.file}`}>
                    {s.kind} {s.namespace !== undefined ? `${s.namespace}/` : ''}
                    {s.name} ({s.file}
                    {s.line !== undefined ? `:${s.line}` : ''})
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {canWrite ? (
            <form className="stack" onSubmit={save}>
              <label htmlFor="gap-owner">Owner</label>
              <input id="gap-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
              <label htmlFor="gap-due">Due date</label>
              <input id="gap-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
              <label htmlFor="gap-status">Status</label>
              <select
                id="gap-status"
                value={status}
                onChange={(e) => setStatus(e.target.value as RemediationStatus)}
              >
                {remediationStatuses().map((s) => (
                  <option key={s} value={s}>
                    {labels().remediationStatus[s]}
                  </option>
                ))}
              </select>
              <label htmlFor="gap-comment">Comment</label>
              <textarea
                id="gap-comment"
                rows={3}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
              <ErrorMessage error={error} />
              <Notice text={notice} />
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  Save
                </button>
                <button type="button" onClick={() => dialog.current?.close()}>
                  Close
                </button>
              </div>
            </form>
          ) : (
            <div className="actions">
              <button type="button" onClick={() => dialog.current?.close()}>
                Close
              </button>
            </div>
          )}
          <h3>Comments</h3>
          {data.comments.length === 0 ? (
            <p className="muted">No comments yet.</p>
          ) : (
            <ol className="comments">
              {data.comments.map((c) => (
                <li key={c.id}>
                  <p className="muted small">
                    {c.author} · <time className="nowrap">{formatTime(c.createdAt)}</time>
                  </p>
                  <p>{c.body}</p>
                </li>
              ))}
            </ol>
          )}
          {data.remediation.updatedBy !== undefined ? (
            <p className="muted small">
              Last changed by {data.remediation.updatedBy} ·{' '}
              <time className="nowrap">{formatTime(data.remediation.updatedAt)}</time>
            </p>
          ) : null}
        </>
      )}
    </dialog>
  )
}

export function GapsPage() {
  const session = useSession()
  const { query } = useLocation()
  const severity = query.get('severity') ?? ''
  const owner = query.get('owner') ?? ''
  const open = query.get('gap') ?? undefined
  const gaps = useApi<{ items: GapRow[] }>(withQuery('/api/gaps', { severity, owner }))
  const items = gaps.data?.items ?? []
  const owners = [...new Set(items.map(ownerOf))].sort()

  const setQuery = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(query)
    if (value === undefined || value === '') next.delete(key)
    else next.set(key, value)
    const text = next.toString()
    navigate(text === '' ? '/gaps' : `/gaps?${text}`, { replace: key !== 'gap' })
  }

  return (
    <>
      <PageTitle title="Gaps">Gaps</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter gaps">
        <div>
          <label htmlFor="gaps-severity">Severity</label>
          <select id="gaps-severity" value={severity} onChange={(e) => setQuery('severity', e.target.value)}>
            <option value="">Any</option>
            {severities().map((s) => (
              <option key={s} value={s}>
                {labels().severity[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="gaps-owner">Assigned to</label>
          <select id="gaps-owner" value={owner} onChange={(e) => setQuery('owner', e.target.value)}>
            <option value="">Anyone</option>
            {owner !== '' && !owners.includes(owner) ? <option>{owner}</option> : null}
            {owners.map((o) => (
              <option key={o} value={o}>
                {ownerName(o)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorMessage error={gaps.error} />
      {gaps.loading && gaps.data === undefined ? <Loading /> : null}
      {gaps.data === undefined ? null : (
        <div className="board">
          {remediationStatuses().map((status) => {
            const cards = column(items, status)
            return (
              <section key={status} className="board-column" aria-labelledby={`col-${status}`}>
                <h2 id={`col-${status}`}>
                  {labels().remediationStatus[status]} <span className="count">({cards.length})</span>
                </h2>
                {cards.length === 0 ? (
                  <p className="muted">None.</p>
                ) : (
                  <ul className="cards-list">
                    {cards.map((gap) => (
                      <GapCard key={gap.id} gap={gap} onOpen={() => setQuery('gap', gap.id)} />
                    ))}
                  </ul>
                )}
              </section>
            )
          })}
        </div>
      )}
      {open !== undefined ? (
        <GapDialog
          key={open}
          id={open}
          canWrite={session.can('gaps:write')}
          onClose={() => setQuery('gap', undefined)}
          onSaved={gaps.reload}
        />
      ) : null}
    </>
  )
}
