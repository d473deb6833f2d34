import type { RunRow } from '../../../src/server/contract/types'
import { ErrorMessage, Loading } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'
import { formatTime, labelOf, labels } from '../labels'
import { Link } from '../router'
import { useApi } from '../use-api'

export function RunsPage() {
  const runs = useApi<{ items: RunRow[] }>('/api/runs')
  // Newest first: people come here to see what happened lately.
  const items = [...(runs.data?.items ?? [])].sort((a, b) => b.id - a.id)
  return (
    <>
      <PageTitle title="Runs">Runs</PageTitle>
      <p className="muted">
        Every run appended to the evidence ledger: assessments, collector pushes and changes.
      </p>
      <ErrorMessage error={runs.error} />
      {runs.loading && runs.data === undefined ? <Loading /> : null}
      {runs.data === undefined ? null : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Kind</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Status</th>
              <th scope="col">Records</th>
              <th scope="col">Readiness</th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <tr key={run.id}>
                <th scope="row">
                  {run.kind === 'assessment' ? (
                    <Link to={`/?run=${run.id}`} aria-label={`Overview of assessment run ${run.id}`}>
                      {run.id}
                    </Link>
                  ) : (
                    run.id
                  )}
                </th>
                <td>{labelOf(labels().runKind, run.kind)}</td>
                <td>
                  <time className="nowrap">{formatTime(run.startedAt)}</time>
                </td>
                <td>
                  <time className="nowrap">{formatTime(run.finishedAt)}</time>
                </td>
                <td>{run.status}</td>
                <td className="num">{run.records}</td>
                <td className="num">{run.summary !== undefined ? `${run.summary.readiness}%` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
