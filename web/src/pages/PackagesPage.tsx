import { type FormEvent, useState } from 'react'
import type { Job, Overview, PackageRow } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage, Loading } from '../components/Feedback'
import { JobProgress } from '../components/JobProgress'
import { PackageFiles } from '../components/PackageFiles'
import { PageTitle } from '../components/PageTitle'
import { formatTime } from '../labels'
import { Link } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'

type ExportRequest =
  | { kind: 'package'; type: 1; asOf: string }
  | { kind: 'package'; type: 2; from: string; to: string }

/** The job request for the export form: a type 1 package is as of a date, a type 2 covers a period. */
export function exportRequest(type: 1 | 2, asOf: string, from: string, to: string): ExportRequest {
  return type === 1 ? { kind: 'package', type, asOf } : { kind: 'package', type, from, to }
}

/**
 * The dates the export form starts with: the as-of date trustctl.yaml names (what `trustctl package`
 * uses too), else today; a Type 2 period runs from the first of that year to it.
 */
export function exportDefaults(
  configuredAsOf: string | undefined,
  today: string,
): { asOf: string; from: string } {
  const asOf = configuredAsOf ?? today
  return { asOf, from: `${asOf.slice(0, 4)}-01-01` }
}

function ExportForm({ onFinished, configuredAsOf }: { onFinished: () => void; configuredAsOf?: string }) {
  const defaults = exportDefaults(configuredAsOf, new Date().toISOString().slice(0, 10))
  const [type, setType] = useState<1 | 2>(1)
  const [asOf, setAsOf] = useState(defaults.asOf)
  const [from, setFrom] = useState(defaults.from)
  const [to, setTo] = useState(defaults.asOf)
  const [job, setJob] = useState<Job | undefined>(undefined)
  const [finishedId, setFinishedId] = useState<string | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  // One export at a time from this form: the button comes back once the job is done or failed.
  const running = job !== undefined && finishedId !== job.id

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    request<Job>('/api/jobs', { method: 'POST', body: exportRequest(type, asOf, from, to) }).then(
      setJob,
      setError,
    )
  }
  return (
    <section aria-labelledby="export-heading" className="panel">
      <h2 id="export-heading">Export a package</h2>
      <form className="inline-form" onSubmit={submit}>
        <fieldset>
          <legend>Report type</legend>
          <label className="checkbox">
            <input type="radio" name="package-type" checked={type === 1} onChange={() => setType(1)} /> Type 1
            (design, as of a date)
          </label>
          <label className="checkbox">
            <input type="radio" name="package-type" checked={type === 2} onChange={() => setType(2)} /> Type 2
            (operating effectiveness over a period)
          </label>
        </fieldset>
        {type === 1 ? (
          <>
            <label htmlFor="export-as-of">As of</label>
            <input
              id="export-as-of"
              type="date"
              required
              value={asOf}
              onChange={(e) => setAsOf(e.target.value)}
            />
          </>
        ) : (
          <>
            <label htmlFor="export-from">From</label>
            <input
              id="export-from"
              type="date"
              required
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
            <label htmlFor="export-to">To</label>
            <input id="export-to" type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
          </>
        )}
        <button type="submit" className="primary" disabled={running}>
          Export package
        </button>
      </form>
      <ErrorMessage error={error} />
      {job !== undefined ? (
        <JobProgress
          key={job.id}
          job={job}
          onFinished={(final) => {
            setFinishedId(final.id)
            onFinished()
          }}
        />
      ) : null}
    </section>
  )
}

function AssessNow() {
  const [job, setJob] = useState<Job | undefined>(undefined)
  const [finished, setFinished] = useState<Job | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const running = job !== undefined && finished?.id !== job.id
  const start = () => {
    setError(undefined)
    setFinished(undefined)
    request<Job>('/api/jobs', { method: 'POST', body: { kind: 'assess' } }).then(setJob, setError)
  }
  const runId = finished?.result?.runId
  return (
    <section aria-labelledby="assess-heading" className="panel">
      <h2 id="assess-heading">Assessment</h2>
      <p>Collect and assess now instead of waiting for the schedule.</p>
      <button type="button" className="primary" onClick={start} disabled={running}>
        Run assessment now
      </button>
      <ErrorMessage error={error} />
      {job !== undefined ? <JobProgress key={job.id} job={job} onFinished={setFinished} /> : null}
      {finished?.status === 'done' ? (
        <p>
          {typeof runId === 'number' ? (
            <Link to={`/?run=${runId}`}>Open the overview of run {runId}</Link>
          ) : (
            <Link to="/">Open the overview</Link>
          )}
        </p>
      ) : null}
    </section>
  )
}

export function PackagesPage() {
  const session = useSession()
  const packages = useApi<{ items: PackageRow[] }>('/api/packages')
  const overview = useApi<Overview>(session.can('jobs:run') ? '/api/overview' : undefined)
  const configuredAsOf = overview.data?.configuredAsOf
  const items = [...(packages.data?.items ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  return (
    <>
      <PageTitle title="Packages">Packages</PageTitle>
      <p className="muted">The evidence packages handed to the auditor: every file with its SHA-256.</p>
      {session.can('jobs:run') ? (
        <div className="columns">
          {overview.loading && overview.data === undefined ? (
            <Loading />
          ) : (
            // Keyed by the date so the form starts from it once the overview has answered.
            <ExportForm
              key={configuredAsOf ?? 'today'}
              onFinished={packages.reload}
              {...(configuredAsOf === undefined ? {} : { configuredAsOf })}
            />
          )}
          <AssessNow />
        </div>
      ) : null}
      <h2>Exported packages</h2>
      <ErrorMessage error={packages.error} />
      {packages.loading && packages.data === undefined ? <Loading /> : null}
      {packages.data !== undefined && items.length === 0 ? (
        <p className="muted">No package exported yet.</p>
      ) : null}
      {items.map((pkg) => (
        <section key={pkg.id} className="package" aria-labelledby={`package-${pkg.id}`}>
          <h3 id={`package-${pkg.id}`}>
            Package {pkg.id} <span className="muted">· type {pkg.type}</span>
          </h3>
          <p className="muted">
            Exported <time className="nowrap">{formatTime(pkg.createdAt)}</time> by {pkg.createdBy} ·{' '}
            <a href={`/api/packages/${encodeURIComponent(pkg.id)}.zip`} download>
              Download package {pkg.id} as zip
            </a>
          </p>
          <PackageFiles pkg={pkg} />
        </section>
      ))}
    </>
  )
}
