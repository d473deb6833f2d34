import { type FormEvent, useState } from 'react'
import type {
  ControlDetail,
  EvidenceDetail,
  EvidenceMeta,
  ManualEvidenceResult,
  SampleRecord,
} from '../../../src/server/contract/types'
import { request, withQuery } from '../api'
import { ControlStatusBadge, FindingStatusBadge } from '../components/Badge'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { Hash } from '../components/Hash'
import { PageTitle } from '../components/PageTitle'
import { Prose } from '../components/Prose'
import { SamplesTable, Verified } from '../components/SamplesTable'
import { durationInWords, formatBytes, formatTime, labelOf, labels } from '../labels'
import { Link, useLocation } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'

/** ✓ verified / ✗ not verified, from the server re-hashing the stored bytes against the ledger. */
function VerifyStatus({ item }: { item: EvidenceMeta }) {
  // The list says it already when the server sends `verified`; otherwise ask for the one item.
  const detail = useApi<EvidenceDetail>(
    item.verified === undefined ? `/api/evidence/${item.hash}` : undefined,
  )
  if (item.verified !== undefined) return <Verified verified={item.verified} />
  if (detail.error !== undefined) return <span className="tone-fail badge">✗ could not verify</span>
  if (detail.data === undefined) return <span className="muted">checking…</span>
  return <Verified verified={detail.data.verified} />
}

/** Long evidence lists (a cluster's every workload) are shown a hundred rows at a time. */
const evidencePageSize = 100

function EvidenceTable({ items }: { items: EvidenceMeta[] }) {
  const [shown, setShown] = useState(evidencePageSize)
  if (items.length === 0)
    return <p className="muted">No evidence in the ledger for this control in this run.</p>
  return (
    <>
      <p className="muted">
        {Math.min(shown, items.length)} of {items.length} evidence items
      </p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Evidence</th>
            <th scope="col">Kind</th>
            <th scope="col">Collected</th>
            <th scope="col">Hash</th>
            <th scope="col">Record</th>
            <th scope="col">Verify</th>
            <th scope="col">Download</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, shown).map((item) => (
            <tr key={`${item.hash}-${item.recordSeq}`}>
              <th scope="row">
                {item.namespace !== undefined ? `${item.namespace}/` : ''}
                {item.name}
                <div className="muted small">
                  {item.file} · {item.collector} · {formatBytes(item.bytes)}
                </div>
              </th>
              <td>{item.kind}</td>
              <td>
                <time className="nowrap">{formatTime(item.collectedAt)}</time>
              </td>
              <td>
                <Hash value={item.hash} label="evidence hash" />
              </td>
              <td>
                seq {item.recordSeq}
                <div>
                  <Hash value={item.recordHash} label="record hash" />
                </div>
              </td>
              <td>
                <VerifyStatus item={item} />
              </td>
              <td>
                <a
                  href={`/api/evidence/${item.hash}/content`}
                  download
                  aria-label={`Download evidence ${item.name}`}
                >
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown < items.length ? (
        <button type="button" onClick={() => setShown(shown + evidencePageSize)}>
          Show more evidence
        </button>
      ) : null}
    </>
  )
}

function AttestationForm({
  control,
  items,
  onSaved,
}: {
  control: string
  items: ManualEvidenceResult[]
  onSaved: () => void
}) {
  const [evidence, setEvidence] = useState(items[0]?.id ?? '')
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10))
  const [by, setBy] = useState('')
  const [reference, setReference] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    const body: Record<string, string> = { control, evidence, date, by }
    if (reference !== '') body.reference = reference
    request('/api/attestations', { method: 'POST', body }).then(() => {
      setNotice('Attestation recorded.')
      onSaved()
    }, setError)
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Record an attestation">
      <label htmlFor="attest-evidence">Manual evidence</label>
      <select id="attest-evidence" value={evidence} onChange={(e) => setEvidence(e.target.value)}>
        {items.map((item) => (
          <option key={item.id} value={item.id}>
            {item.title}
          </option>
        ))}
      </select>
      <label htmlFor="attest-date">Date performed</label>
      <input id="attest-date" type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
      <label htmlFor="attest-by">Performed by</label>
      <input id="attest-by" required value={by} onChange={(e) => setBy(e.target.value)} />
      <label htmlFor="attest-reference">Reference (ticket or document)</label>
      <input id="attest-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
      <ErrorMessage error={error} />
      <button type="submit">Record attestation</button>
      <Notice text={notice} />
    </form>
  )
}

export function ControlPage({ id }: { id: string }) {
  const session = useSession()
  const run = useLocation().query.get('run') ?? undefined
  const detail = useApi<ControlDetail>(withQuery(`/api/controls/${encodeURIComponent(id)}`, { run }))
  const samples = useApi<{ items: SampleRecord[] }>(`/api/samples?control=${encodeURIComponent(id)}`)
  const data = detail.data
  const control = data?.control

  return (
    <>
      <p className="breadcrumb">
        <Link to={withQuery('/controls', { run })}>Controls</Link> /
        {run !== undefined ? ` assessment run ${run}` : ''}
      </p>
      <PageTitle title={control === undefined ? id : `${control.id} ${control.title}`}>
        {control === undefined ? id : `${control.id} — ${control.title}`}
      </PageTitle>
      <ErrorMessage error={detail.error} />
      {detail.loading && data === undefined ? <Loading /> : null}
      {data === undefined || control === undefined ? null : (
        <>
          <p className="lead">
            <Prose text={control.statement} />
          </p>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <ControlStatusBadge status={control.status} />
            </dd>
            <dt>Owner</dt>
            <dd>
              {control.owner} ({control.ownerRole})
            </dd>
            <dt>Family and type</dt>
            <dd>
              {control.family} · {control.type}
            </dd>
            <dt>Criteria</dt>
            <dd>{control.criteria.join(', ') || '—'}</dd>
          </dl>
          {control.notApplicable !== undefined ? (
            <p className="callout">Not applicable: {control.notApplicable.justification}</p>
          ) : null}

          <section aria-labelledby="tests-heading">
            <h2 id="tests-heading">Tests of controls</h2>
            {control.tests.length === 0 ? (
              <p className="muted">No automated test covers this control.</p>
            ) : (
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Test</th>
                    <th scope="col">Result</th>
                    <th scope="col">Population</th>
                    <th scope="col">Exceptions</th>
                    <th scope="col">Conclusion</th>
                  </tr>
                </thead>
                <tbody>
                  {control.tests.map((test) => (
                    <tr key={test.check}>
                      <th scope="row">
                        {test.title}
                        <div className="muted small">
                          <Link to={`/findings?check=${encodeURIComponent(test.check)}`}>{test.check}</Link>
                        </div>
                      </th>
                      <td>
                        <FindingStatusBadge status={test.status} />
                      </td>
                      <td className="num">{test.population}</td>
                      <td className="num">{test.exceptions}</td>
                      <td>
                        <Prose text={test.conclusion} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          {data.failingTotal > 0 ? (
            <section aria-labelledby="failing-heading">
              <h2 id="failing-heading">Where the tests failed</h2>
              <table className="data">
                <caption className="muted">
                  {data.failingTotal === data.failing.length
                    ? `${data.failingTotal} failing subject${data.failingTotal === 1 ? '' : 's'}`
                    : `The first ${data.failing.length} of ${data.failingTotal} failing subjects`}{' '}
                  ·{' '}
                  <Link to={`/findings?control=${encodeURIComponent(control.id)}&status=fail`}>
                    all findings
                  </Link>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">Where</th>
                    <th scope="col">Test</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {data.failing.map((f) => (
                    <tr key={`${f.check} ${f.kind} ${f.namespace ?? ''} ${f.name} ${f.file}:${f.line ?? ''}`}>
                      <th scope="row">
                        {f.kind}{' '}
                        <code>{f.namespace === undefined ? f.name : `${f.namespace}/${f.name}`}</code>
                      </th>
                      <td className="break">
                        {f.file === '' ? (
                          '—'
                        ) : (
                          <code>{f.line === undefined ? f.file : `${f.file}:${f.line}`}</code>
                        )}
                      </td>
                      <td className="muted small">{f.check}</td>
                      <td>
                        <Prose text={f.message} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          <section aria-labelledby="manual-heading">
            <h2 id="manual-heading">Manual evidence</h2>
            {control.manualEvidence.length === 0 ? (
              <p className="muted">None required.</p>
            ) : (
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Evidence</th>
                    <th scope="col">Every</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last</th>
                    <th scope="col">Due</th>
                    <th scope="col">By</th>
                    <th scope="col">Reference</th>
                  </tr>
                </thead>
                <tbody>
                  {control.manualEvidence.map((item) => (
                    <tr key={item.id}>
                      <th scope="row">{item.title}</th>
                      <td title={item.every}>{durationInWords(item.every)}</td>
                      <td>
                        <span className={`badge tone-manual-${item.status}`}>
                          {labelOf(labels().manualEvidenceStatus, item.status)}
                        </span>
                      </td>
                      <td className="nowrap">{item.lastDate ?? '—'}</td>
                      <td className="nowrap">{item.dueDate ?? '—'}</td>
                      <td>{item.by ?? '—'}</td>
                      <td>{item.reference ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {session.can('evidence:write') && control.manualEvidence.length > 0 ? (
              <details className="attest">
                <summary>Record an attestation</summary>
                <AttestationForm
                  control={control.id}
                  items={control.manualEvidence}
                  onSaved={detail.reload}
                />
              </details>
            ) : null}
          </section>

          {control.analogy !== undefined ? (
            <section aria-labelledby="analogy-heading">
              <h2 id="analogy-heading">Traditional control and cloud-native practice</h2>
              <div className="analogy">
                <div>
                  <h3>Traditional control</h3>
                  <p>
                    <Prose text={control.analogy.traditional} />
                  </p>
                </div>
                <div aria-hidden="true" className="analogy-arrow">
                  ↔
                </div>
                <div>
                  <h3>Cloud-native practice</h3>
                  <p>
                    <Prose text={control.analogy.cloudNative} />
                  </p>
                </div>
              </div>
            </section>
          ) : null}

          {control.auditorQuestions.length > 0 ? (
            <section aria-labelledby="qa-heading">
              <h2 id="qa-heading">Auditor questions</h2>
              <dl className="qa">
                {control.auditorQuestions.map((qa) => (
                  <div key={qa.question}>
                    <dt>{qa.question}</dt>
                    <dd>
                      <Prose text={qa.answer} />
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ) : null}

          <section aria-labelledby="evidence-heading">
            <h2 id="evidence-heading">Evidence</h2>
            <EvidenceTable items={data.evidence} />
          </section>

          <section aria-labelledby="samples-heading">
            <h2 id="samples-heading">Populations and samples</h2>
            <ErrorMessage error={samples.error} />
            {samples.data === undefined ? null : (
              <SamplesTable items={samples.data.items} showControl={false} />
            )}
          </section>

          <section aria-labelledby="gaps-heading">
            <h2 id="gaps-heading">Gaps</h2>
            {data.gaps.length === 0 ? (
              <p className="muted">This control has no open gaps.</p>
            ) : (
              <ul>
                {data.gaps.map((gap) => (
                  <li key={gap}>
                    {session.can('gaps:read') ? (
                      <Link to={`/gaps?gap=${encodeURIComponent(gap)}`}>Gap {gap} on the gaps board</Link>
                    ) : (
                      <>Gap {gap}</>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  )
}
