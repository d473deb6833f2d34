import type { ControlStatus, Overview, RunSummary, Severity } from '../../../src/server/contract/types'
import { ApiError, withQuery } from '../api'
import { ControlStatusBadge, SeverityBadge } from '../components/Badge'
import { ErrorMessage, Loading } from '../components/Feedback'
import { Hash } from '../components/Hash'
import { Heatmap } from '../components/Heatmap'
import { PageTitle } from '../components/PageTitle'
import { TrendChart } from '../components/TrendChart'
import { controlStatuses, formatTime, severities } from '../labels'
import { Link, useLocation } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'
import { AuditorPanel } from './AuditorPanel'

function ControlsByStatus({ counts }: { counts: Record<ControlStatus, number> }) {
  return (
    <table className="compact">
      <caption>Controls by status</caption>
      <tbody>
        {controlStatuses().map((status) => (
          <tr key={status}>
            <th scope="row">
              <Link to={`/controls?status=${status}`}>
                <ControlStatusBadge status={status} />
              </Link>
            </th>
            <td className="num">{counts[status] ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function GapsBySeverity({ counts, linked }: { counts: Record<Severity, number>; linked: boolean }) {
  return (
    <table className="compact">
      <caption>Gaps by severity</caption>
      <tbody>
        {severities().map((severity) => (
          <tr key={severity}>
            <th scope="row">
              {linked ? (
                <Link to={`/gaps?severity=${severity}`}>
                  <SeverityBadge severity={severity} />
                </Link>
              ) : (
                <SeverityBadge severity={severity} />
              )}
            </th>
            <td className="num">{counts[severity] ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A new server (or an auditor's period) with no assessment: say what to do rather than show an error. */
function NoRunYet({ canRun, detail }: { canRun: boolean; detail: string }) {
  return (
    <div className="callout">
      <p>No assessment to show yet ({detail}).</p>
      <p>
        {canRun ? (
          <>
            Start one with <Link to="/packages">Run assessment now</Link>, or run <code>trustctl assess</code>
            .
          </>
        ) : (
          'It appears here once an assessment of the period has been run.'
        )}
      </p>
    </div>
  )
}

export function OverviewPage() {
  const { query } = useLocation()
  const session = useSession()
  const run = query.get('run') ?? undefined
  const overview = useApi<Overview>(withQuery('/api/overview', { run }))
  const trend = useApi<{ items: RunSummary[] }>('/api/trend')
  const data = overview.data
  const isAuditor = session.me.user.role === 'auditor'

  return (
    <>
      <PageTitle title="Overview">Overview</PageTitle>
      {isAuditor ? <AuditorPanel /> : null}
      {overview.error instanceof ApiError && overview.error.status === 404 ? (
        <NoRunYet canRun={session.can('jobs:run')} detail={overview.error.message} />
      ) : (
        <ErrorMessage error={overview.error} />
      )}
      {overview.loading && data === undefined ? <Loading /> : null}
      {data === undefined ? null : (
        <>
          <p className="meta">
            {data.organization} · {data.system.name} · as of {data.run.asOf} · run {data.run.id} generated{' '}
            <time className="nowrap">{formatTime(data.run.generatedAt)}</time>
            {run !== undefined ? (
              <>
                {' '}
                · <Link to="/">show the latest run</Link>
              </>
            ) : null}
          </p>
          <section className="cards" aria-label="Summary">
            <div className="card big">
              <div className="value">{data.summary.readiness}%</div>
              <div className="label">Readiness</div>
            </div>
            <div className="card">
              <div className="value">{data.summary.controls}</div>
              <div className="label">Controls</div>
            </div>
            <div className="card">
              <div className="value">{data.summary.criteria}</div>
              <div className="label">Criteria</div>
            </div>
            <div className="card">
              <div className="value">{data.summary.gaps}</div>
              <div className="label">Gaps</div>
            </div>
            <div className="card">
              <div className="value">
                {data.summary.tests.passed}/
                {data.summary.tests.passed + data.summary.tests.failed + data.summary.tests.noEvidence}
              </div>
              <div className="label">Tests passing</div>
            </div>
          </section>
          <div className="columns">
            <ControlsByStatus counts={data.summary.controlsByStatus} />
            <GapsBySeverity counts={data.summary.gapsBySeverity} linked={session.can('gaps:read')} />
            <section aria-labelledby="trend-heading" className="trend-section">
              <h2 id="trend-heading">Trend over runs</h2>
              <ErrorMessage error={trend.error} />
              {trend.data === undefined ? (
                trend.loading ? (
                  <Loading />
                ) : null
              ) : (
                <TrendChart items={trend.data.items} />
              )}
            </section>
          </div>
          <section aria-labelledby="heatmap-title">
            <h2 id="heatmap-title">Readiness by criterion</h2>
            <Heatmap categories={data.categories} run={run} />
          </section>
        </>
      )}
      {data === undefined ? null : (
        <section aria-labelledby="ledger-heading">
          <h2 id="ledger-heading">Evidence ledger</h2>
          <dl className="facts">
            <dt>Run id</dt>
            <dd>{data.ledger.runId}</dd>
            <dt>Signing key fingerprint</dt>
            <dd>
              <code>{data.ledger.publicKeyFingerprint}</code>
            </dd>
            <dt>Chain head</dt>
            <dd>
              <Hash value={data.ledger.chainHead} label="chain head" />
            </dd>
          </dl>
          <p className="muted">
            Check this run against the ledger with{' '}
            <code>trustctl verify --key {data.ledger.publicKeyFingerprint}</code>
          </p>
        </section>
      )}
    </>
  )
}
