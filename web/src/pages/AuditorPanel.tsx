import type { ControlRow, PackageRow, SampleRecord } from '../../../src/server/contract/types'
import { ControlStatusBadge } from '../components/Badge'
import { ErrorMessage, Loading } from '../components/Feedback'
import { PackageFiles } from '../components/PackageFiles'
import { SamplesTable } from '../components/SamplesTable'
import { formatTime } from '../labels'
import { Link } from '../router'
import { useSession } from '../session'
import { useApi } from '../use-api'

/** The newest package in full (every file and its hash); older ones as one zip each. */
function PackageList({ items }: { items: readonly PackageRow[] }) {
  const [latest, ...older] = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  if (latest === undefined) return null
  return (
    <>
      <p>
        Type {latest.type} package <strong>{latest.id}</strong>,{' '}
        <time className="nowrap">{formatTime(latest.createdAt)}</time> ·{' '}
        <a href={`/api/packages/${encodeURIComponent(latest.id)}.zip`} download>
          Download {latest.id} as zip
        </a>
      </p>
      <PackageFiles pkg={latest} />
      {older.length > 0 ? (
        <>
          <p>Earlier packages:</p>
          <ul>
            {older.map((pkg) => (
              <li key={pkg.id}>
                Type {pkg.type}, <time className="nowrap">{formatTime(pkg.createdAt)}</time>:{' '}
                <a href={`/api/packages/${encodeURIComponent(pkg.id)}.zip`} download>
                  Download {pkg.id} as zip
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  )
}

function ControlTestsTable({ rows }: { rows: readonly ControlRow[] }) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">Control</th>
          <th scope="col">Title</th>
          <th scope="col">Status</th>
          <th scope="col">Tests</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              <Link to={`/controls/${encodeURIComponent(row.id)}`}>{row.id}</Link>
            </th>
            <td>{row.title}</td>
            <td>
              <ControlStatusBadge status={row.status} />
            </td>
            <td>
              {row.tests.passed} passed, {row.tests.failed} failed
              {row.tests.noEvidence > 0 ? `, ${row.tests.noEvidence} without evidence` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** What an auditor lands on: the period they may read, the packages, the controls and the samples. */
export function AuditorPanel() {
  const { me } = useSession()
  const period = me.user.auditPeriod
  const packages = useApi<{ items: PackageRow[] }>('/api/packages')
  const samples = useApi<{ items: SampleRecord[] }>('/api/samples')
  const controls = useApi<{ items: ControlRow[] }>('/api/controls')
  return (
    <section className="auditor" aria-labelledby="auditor-heading">
      <h2 id="auditor-heading">Read-only auditor view</h2>
      <p>
        This is a read-only auditor view: nothing here can be changed.{' '}
        {period === undefined ? (
          'No audit period is set for this account.'
        ) : (
          <>
            Audit period: <strong>{period.from}</strong> to <strong>{period.to}</strong>. Runs and evidence
            outside it are not shown.
          </>
        )}
      </p>
      <h3>Packages</h3>
      <ErrorMessage error={packages.error} />
      {packages.data === undefined ? (
        packages.loading ? (
          <Loading />
        ) : null
      ) : packages.data.items.length === 0 ? (
        <p className="muted">No package has been exported yet.</p>
      ) : (
        <PackageList items={packages.data.items} />
      )}
      <h3>Controls, tests and evidence</h3>
      <p>
        Each control's page lists its tests of controls (population, exceptions, conclusion), its manual
        evidence and the ledger evidence with hashes and verify status.
      </p>
      <ErrorMessage error={controls.error} />
      {controls.data === undefined ? null : (
        <details>
          <summary>All {controls.data.items.length} controls with their tests</summary>
          <ControlTestsTable rows={controls.data.items} />
        </details>
      )}
      <h3>Samples</h3>
      <ErrorMessage error={samples.error} />
      {samples.data === undefined ? (
        samples.loading ? (
          <Loading />
        ) : null
      ) : (
        <SamplesTable items={samples.data.items} showControl={true} />
      )}
    </section>
  )
}
